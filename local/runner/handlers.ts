// Loads the real function handlers (the same functions/<name>/handler.ts the build bundles) and invokes
// them the way Lambda does: one event, a fresh context per invocation. Imported lazily, after the
// runner has set the environment, because handlers read their configuration at module load.
import type { Context } from 'aws-lambda';
import { logger } from '../../lib/observability/powertools';
import { LOCAL_ACCOUNT_ID, makeLambdaContext } from '../lambda-events';
import { StepUnavailableError } from './progress';

/** The functions under functions/ the runner can load. */
export type FunctionName =
  | 'onboarding-router'
  | 'onboarding-worker'
  | 'company-poller'
  | 'scheduled-export'
  | 'api'
  | 'reconcile';

/** An async Lambda handler (no callback). */
export type LambdaHandler<TEvent = unknown, TResult = unknown> = (
  event: TEvent,
  context: Context,
) => Promise<TResult>;

// Literal specifiers, so tsx resolves them exactly like the bundler does.
const modules: Record<FunctionName, () => Promise<{ handler?: unknown }>> = {
  'onboarding-router': () => import('../../functions/onboarding-router/handler'),
  'onboarding-worker': () => import('../../functions/onboarding-worker/handler'),
  'company-poller': () => import('../../functions/company-poller/handler'),
  'scheduled-export': () => import('../../functions/scheduled-export/handler'),
  api: () => import('../../functions/api/handler'),
  reconcile: () => import('../../functions/reconcile/handler'),
};

/** Timeouts as the stack configures them (docs/architecture.md); the fake context counts down from these. */
const TIMEOUT_MS: Record<FunctionName, number> = {
  'onboarding-router': 30_000,
  'onboarding-worker': 120_000,
  'company-poller': 120_000,
  'scheduled-export': 900_000,
  api: 29_000,
  reconcile: 300_000,
};

/** The placeholders that stand in for unfinished functions throw this. */
const PLACEHOLDER = /is not implemented yet/;

/**
 * Imports functions/<name>/handler.ts (after the environment is set: handlers read it at load) and
 * returns its `handler`. Throws StepUnavailableError when it exports none or is still a placeholder.
 */
export async function loadHandler<TEvent, TResult>(
  name: FunctionName,
): Promise<LambdaHandler<TEvent, TResult>> {
  const mod = await modules[name]();
  if (typeof mod.handler !== 'function')
    throw new StepUnavailableError(`functions/${name} exports no handler`);
  const handler = mod.handler as LambdaHandler<TEvent, TResult>;
  return async (event, context) => {
    try {
      return await handler(event, context);
    } catch (error) {
      if (error instanceof Error && PLACEHOLDER.test(error.message)) {
        throw new StepUnavailableError(`functions/${name} is still a placeholder`);
      }
      throw error;
    }
  };
}

/**
 * One invocation with a fresh Lambda context, as Lambda would make it. Deployed, each function has its
 * own process and so its own logger; here they share one, so the invocation labels it first (else a
 * worker's lines would carry the `function_name` the api handler set last). Invocations that overlap
 * (`--serve`: the api and the worker at once) can still label each other's lines: local only.
 */
export async function invoke<TEvent, TResult>(
  name: FunctionName,
  handler: LambdaHandler<TEvent, TResult>,
  event: TEvent,
): Promise<TResult> {
  const context = makeLambdaContext({
    functionName: name,
    timeoutMs: TIMEOUT_MS[name],
    accountId: LOCAL_ACCOUNT_ID,
  });
  logger.addContext(context);
  return handler(event, context);
}
