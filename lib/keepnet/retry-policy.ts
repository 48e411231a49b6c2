// How long to wait before trying again, and whether there is time to. Pure functions: ./retry owns the
// loop, these own the arithmetic (and are unit-tested with property tests).

/** How many attempts a call gets and how long it waits between them. */
export interface RetryPolicy {
  /** Total attempts per call, first included. */
  maxAttempts: number;
  /** Backoff cap for attempt 1; doubles each attempt (full jitter picks uniformly below it). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with the server's hint attached. */
  maxRetryAfterMs: number;
}

/** 4 attempts, waits under 0.2, 0.4, 0.8 s (capped at 5 s), or a Retry-After of up to 30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform draw in
 * [0, min(max, base·2^(attempt-1))). Spreads retries of many clients hitting the same 429/500 apart.
 * `attempt` is the number of the attempt that just failed (1-based); `random()` is in [0, 1).
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After in milliseconds: delta-seconds ("120") or an HTTP date (RFC 9110 §10.2.3). A date in the
 * past means "now" (0). Anything else (absent, garbage, negative) is undefined: use the backoff instead.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse would accept "1" or "2026"; require something date-shaped (a weekday/month name, a comma).
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Wait `delayMs` and try again, or stop, and why (out of attempts, past the deadline, too long a Retry-After).
 */
export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'attempts' | 'deadline' | 'retry-after' };

/**
 * Whether to wait and try again after attempt `attempt` failed retryably. Never plans a wait that would
 * end at or after `deadline` (the caller's absolute epoch-ms limit): better to fail now, with time left
 * to record the failure, than to be cut off mid-wait.
 */
export function planRetry(args: {
  attempt: number;
  policy: RetryPolicy;
  retryAfterMs: number | undefined;
  nowMs: number;
  deadline: number | undefined;
  random: () => number;
}): RetryDecision {
  const { attempt, policy, retryAfterMs, nowMs, deadline, random } = args;
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts' };
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs)
    return { retry: false, reason: 'retry-after' };
  const delayMs = retryAfterMs ?? backoffDelayMs(attempt, policy, random);
  if (deadline !== undefined && nowMs + delayMs >= deadline) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}
