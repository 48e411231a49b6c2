// The onboarding router's and worker's configuration, parsed once at cold start with a message naming
// the variable at fault: a bad deployment fails at cold start, not on the first event.
import * as z from 'zod/mini';
import '../validation/zod-mini-locale';

import { blankToUndefined } from '../config/read';
import { ParticipantsModeSchema, QueueUrlSchema } from '../config/schemas';
import { ENV } from '../config/variables';
import type { ParticipantsMode } from '../membership/mode';
import { type GroupRules, parseGroupRules } from '../rules/group-rules';
import { formatIssues } from '../validation/zod-issues';

/** A setting of the onboarding functions (or the API's group writes) is missing or invalid. */
export class OnboardingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnboardingConfigError';
  }
}

/** Parses the variables a schema names; throws OnboardingConfigError naming each variable and its rule. */
export function parseEnv<T extends z.ZodMiniType>(schema: T, env: Record<string, unknown>): z.infer<T> {
  const result = z.safeParse(schema, env);
  if (!result.success)
    throw new OnboardingConfigError(`Invalid configuration: ${formatIssues(result.error)}`);
  return result.data;
}

/** What the router (and the API's webhook, which routes the same way) needs. */
export interface RouterConfig {
  queueUrl: string;
  rules: GroupRules;
}

/** ONBOARDING_QUEUE_URL (required) and GROUP_RULES (optional JSON); throws naming the variable. */
export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const parsed = parseEnv(
    z.object({ [ENV.onboardingQueueUrl]: QueueUrlSchema, [ENV.groupRules]: z.optional(z.string()) }),
    env,
  );
  return { queueUrl: parsed[ENV.onboardingQueueUrl], rules: parseGroupRules(parsed[ENV.groupRules]) };
}

/** The onboarding worker's settings (its Keepnet and operation-store settings are read beside them). */
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

const MaxReceiveCountSchema = z.pipe(
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
);

const WorkerEnvSchema = z.object({
  [ENV.onboardingQueueUrl]: QueueUrlSchema,
  [ENV.onboardingDlqUrl]: z.optional(
    z.url({ error: 'must be the URL of the onboarding FIFO dead-letter queue' }),
  ),
  [ENV.participantsMode]: ParticipantsModeSchema,
  [ENV.onboardingMaxReceiveCount]: z.optional(MaxReceiveCountSchema),
});

/**
 * ONBOARDING_QUEUE_URL, ONBOARDING_DLQ_URL, PARTICIPANTS_MODE and ONBOARDING_MAX_RECEIVE_COUNT (blank
 * optional values count as unset); throws OnboardingConfigError naming the variable.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = parseEnv(WorkerEnvSchema, {
    [ENV.onboardingQueueUrl]: env[ENV.onboardingQueueUrl],
    [ENV.onboardingDlqUrl]: blankToUndefined(env[ENV.onboardingDlqUrl]),
    [ENV.participantsMode]: blankToUndefined(env[ENV.participantsMode]),
    [ENV.onboardingMaxReceiveCount]: blankToUndefined(env[ENV.onboardingMaxReceiveCount]),
  });
  const dlqUrl = parsed[ENV.onboardingDlqUrl];
  const maxReceiveCount = parsed[ENV.onboardingMaxReceiveCount];
  return {
    queueUrl: parsed[ENV.onboardingQueueUrl],
    mode: parsed[ENV.participantsMode],
    ...(dlqUrl ? { dlqUrl } : {}),
    ...(maxReceiveCount === undefined ? {} : { maxReceiveCount }),
  };
}
