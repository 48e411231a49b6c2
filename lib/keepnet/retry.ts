// The one retry loop, shared by API calls (./transport) and the token request. It owns the order of
// things (deadline check, attempt, plan, count, wait); ./retry-policy owns the arithmetic, and each
// caller's attempt decides what its failure means (retryable or not, for its own safety rules).
import { type KeepnetError, KeepnetTimeoutError } from './errors';
import { planRetry, type RetryPolicy } from './retry-policy';
import type { Runtime } from './runtime';

/**
 * What one attempt came to. `retry`: a failure worth another attempt, if the policy and the deadline
 * allow (`retryAfterMs` is the server's Retry-After, in ms). `again`: send once more at once, without
 * spending an attempt or waiting (a 401 answered with a new token, a refused secret that was rotated);
 * the attempt itself limits how often it says so. Failures that must not be retried are thrown.
 */
export type AttemptOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'retry'; error: KeepnetError; retryAfterMs?: number | undefined }
  | { kind: 'again' };

/** What the loop tells an attempt: its 1-based number, and the retryable failure before it, if any. */
export interface AttemptContext {
  attempt: number;
  lastError: KeepnetError | undefined;
}

/** A retry about to wait: for counters and the log line. */
export interface PlannedRetry {
  attempt: number;
  delayMs: number;
  error: KeepnetError;
}

/** What {@link withRetries} needs: the policy (attempts, delays), the runtime it sleeps on, the request, the deadline. */
export interface RetryLoopOptions {
  policy: RetryPolicy;
  runtime: Runtime;
  /** The request, for the timeout errors the loop raises itself. */
  method: string;
  path: string;
  /** The caller's absolute epoch-ms limit: checked before each attempt and before each wait. */
  deadline?: number | undefined;
  /** Checked before each attempt; aborts a wait. */
  signal?: AbortSignal | undefined;
  /** Called before each wait (count the retry, log it). */
  onRetry: (retry: PlannedRetry) => void;
}

/**
 * Runs `attempt` until it is done, throws, or the policy says stop; then throws the last failure. Throws
 * `KeepnetTimeoutError` (cause: the last failure) when the deadline has passed before an attempt, or when
 * the next wait would end at or after it; rejects with the signal's reason when it aborts.
 *
 * Why not undici's `RetryAgent` / `interceptors.retry`: they retry below the reply we read, so they cannot
 * send a 401 again with a new token, retry an `INTERNAL_SERVER_ERROR` found inside a 200's body, refuse to
 * start a wait that would pass the caller's deadline, keep the last error's body for the message, or sleep
 * on an injected clock (the timing tests); a create's "provably not sent" rule needs our error classes too.
 */
export async function withRetries<T>(
  attempt: (context: AttemptContext) => Promise<AttemptOutcome<T>>,
  options: RetryLoopOptions,
): Promise<T> {
  const { policy, runtime, deadline, signal } = options;
  const where = `${options.method} ${options.path}`;
  let lastError: KeepnetError | undefined;
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    if (deadline !== undefined && runtime.now() >= deadline) {
      throw new KeepnetTimeoutError(`${where}: the caller's deadline passed before attempt ${n}`, {
        method: options.method,
        path: options.path,
        cause: lastError,
      });
    }
    const outcome = await attempt({ attempt: n, lastError });
    if (outcome.kind === 'done') return outcome.value;
    if (outcome.kind === 'again') {
      n -= 1; // not a failed attempt: it does not consume the retry budget
      continue;
    }
    lastError = outcome.error;
    const decision = planRetry({
      attempt: n,
      policy,
      retryAfterMs: outcome.retryAfterMs,
      nowMs: runtime.now(),
      deadline,
      random: runtime.random,
    });
    if (!decision.retry) {
      if (decision.reason === 'deadline') {
        throw new KeepnetTimeoutError(
          `${where}: not retried because the next attempt would start after the caller's deadline (after ${n} attempt(s); last failure: ${outcome.error.message})`,
          {
            httpStatus: outcome.error.httpStatus,
            method: options.method,
            path: options.path,
            cause: outcome.error,
          },
        );
      }
      throw outcome.error;
    }
    options.onRetry({ attempt: n, delayMs: decision.delayMs, error: outcome.error });
    await runtime.sleep(decision.delayMs, signal);
  }
}
