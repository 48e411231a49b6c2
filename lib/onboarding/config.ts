// Onboarding configuration from the environment, parsed once per process with a message naming the
// variable at fault: a bad deployment fails at cold start, not on the first event. zod/mini, not
// classic zod: this runs in every cold start (bench/cold-start.ts), and mini loads in a fraction of the time.
import * as z from 'zod/mini';
import '../validation/zod-mini-locale';

import type { ParticipantsMode } from '../membership/mode';
import { type GroupRules, parseGroupRules } from '../rules/group-rules';
import { formatIssues } from '../validation/zod-issues';

export type { ParticipantsMode };

/** PARTICIPANTS_MODE: `union` (default) or `additive` (see lib/membership). */
export const ParticipantsModeSchema = z._default(
  z.enum(['union', 'additive'], { error: 'must be "union" or "additive"' }),
  'union',
);

const QueueUrlSchema = z.url({ error: 'must be the URL of the onboarding FIFO queue' });

/**
 * A setting missing or malformed; the message names the variable, so a bad deployment fails at cold start.
 */
export class OnboardingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnboardingConfigError';
  }
}

function parseEnv<T extends z.ZodMiniType>(schema: T, env: Record<string, unknown>): z.infer<T> {
  const result = z.safeParse(schema, env);
  if (!result.success)
    throw new OnboardingConfigError(`Invalid configuration: ${formatIssues(result.error)}`);
  return result.data;
}

const blankToUndefined = (v: string | undefined) => (v?.trim() === '' ? undefined : v);

/** The onboarding router's settings: the queue, and the compiled GROUP_RULES. */
export interface RouterConfig {
  queueUrl: string;
  rules: GroupRules;
}

/** ONBOARDING_QUEUE_URL and GROUP_RULES. Throws `OnboardingConfigError` or `GroupRulesError`. */
export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const parsed = parseEnv(
    z.object({ ONBOARDING_QUEUE_URL: QueueUrlSchema, GROUP_RULES: z.optional(z.string()) }),
    env,
  );
  return { queueUrl: parsed.ONBOARDING_QUEUE_URL, rules: parseGroupRules(parsed.GROUP_RULES) };
}

/** The onboarding worker's settings. */
export interface WorkerConfig {
  /** Where name-keyed messages are forwarded once their group id is known (the same queue). */
  queueUrl: string;
  mode: ParticipantsMode;
  /**
   * The onboarding queue's dead-letter queue: when set, a permanently failing message is moved there on
   * its first receive (lib/onboarding/dead-letter.ts) instead of failing until maxReceiveCount.
   */
  dlqUrl?: string;
  /**
   * The queue's redrive maxReceiveCount (ONBOARDING_MAX_RECEIVE_COUNT, same value as the redrive policy).
   * With a DLQ, a transiently failing message on this receive is moved there by the worker, with its
   * reason, instead of by SQS's redrive without one. Unset: transient failures are left to SQS.
   */
  maxReceiveCount?: number;
}

/**
 * ONBOARDING_QUEUE_URL, PARTICIPANTS_MODE, ONBOARDING_DLQ_URL and ONBOARDING_MAX_RECEIVE_COUNT (blank
 * counts as unset). Throws `OnboardingConfigError`.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = parseEnv(
    z.object({
      ONBOARDING_QUEUE_URL: QueueUrlSchema,
      ONBOARDING_DLQ_URL: z.optional(
        z.url({ error: 'must be the URL of the onboarding FIFO dead-letter queue' }),
      ),
      PARTICIPANTS_MODE: ParticipantsModeSchema,
      ONBOARDING_MAX_RECEIVE_COUNT: z.optional(
        z.pipe(
          z.pipe(
            z.string().check(
              z.regex(/^\d+$/, {
                error: "must be a whole number, the queue's redrive maxReceiveCount (1-1000)",
              }),
            ),
            z.transform(Number),
          ),
          z
            .number()
            .check(
              z.gte(1, { error: "must be the queue's redrive maxReceiveCount, at least 1" }),
              z.lte(1000, { error: "must be the queue's redrive maxReceiveCount, at most 1000" }),
            ),
        ),
      ),
    }),
    {
      ONBOARDING_QUEUE_URL: env.ONBOARDING_QUEUE_URL,
      ONBOARDING_DLQ_URL: blankToUndefined(env.ONBOARDING_DLQ_URL),
      PARTICIPANTS_MODE: blankToUndefined(env.PARTICIPANTS_MODE),
      ONBOARDING_MAX_RECEIVE_COUNT: blankToUndefined(env.ONBOARDING_MAX_RECEIVE_COUNT),
    },
  );
  return {
    queueUrl: parsed.ONBOARDING_QUEUE_URL,
    mode: parsed.PARTICIPANTS_MODE,
    ...(parsed.ONBOARDING_DLQ_URL ? { dlqUrl: parsed.ONBOARDING_DLQ_URL } : {}),
    ...(parsed.ONBOARDING_MAX_RECEIVE_COUNT === undefined
      ? {}
      : { maxReceiveCount: parsed.ONBOARDING_MAX_RECEIVE_COUNT }),
  };
}
