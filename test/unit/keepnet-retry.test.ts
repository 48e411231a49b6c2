// The shared retry loop on its own: attempts, waits and deadlines on a fake clock, no sockets.
import { KeepnetRateLimitedError, KeepnetServerError, KeepnetTimeoutError } from '../../lib/keepnet/errors';
import { type AttemptOutcome, type PlannedRetry, withRetries } from '../../lib/keepnet/retry';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 30_000 };

function setup(deadlineIn?: number) {
  let now = Date.parse('2026-11-28T12:00:00Z');
  const sleeps: number[] = [];
  const retries: PlannedRetry[] = [];
  const runtime = {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
  const options = {
    policy,
    runtime,
    method: 'GET',
    path: '/api/company-groups',
    deadline: deadlineIn === undefined ? undefined : now + deadlineIn,
    onRetry: (retry: PlannedRetry) => retries.push(retry),
  };
  return { sleeps, retries, options };
}

const failure = (status = 503) =>
  new KeepnetServerError(`Keepnet server error (${status})`, { httpStatus: status });

/** An attempt function playing `outcomes` in order (the last one repeats), counting its calls. */
function scripted<T>(...outcomes: AttemptOutcome<T>[]) {
  const calls: { attempt: number; lastError: unknown }[] = [];
  const attempt = async (context: { attempt: number; lastError: unknown }) => {
    calls.push(context);
    return outcomes.length > 1 ? (outcomes.shift() as AttemptOutcome<T>) : (outcomes[0] as AttemptOutcome<T>);
  };
  return { calls, attempt };
}

describe('withRetries', () => {
  it('returns the first done value without waiting', async () => {
    const { sleeps, retries, options } = setup();
    const { calls, attempt } = scripted({ kind: 'done', value: 42 });
    await expect(withRetries(attempt, options)).resolves.toBe(42);
    expect(calls).toEqual([{ attempt: 1, lastError: undefined }]);
    expect(sleeps).toEqual([]);
    expect(retries).toEqual([]);
  });

  it('waits with full jitter between retryable failures, telling each attempt the failure before it', async () => {
    const { sleeps, retries, options } = setup();
    const first = failure(502);
    const second = failure(503);
    const { calls, attempt } = scripted<string>(
      { kind: 'retry', error: first },
      { kind: 'retry', error: second },
      { kind: 'done', value: 'ok' },
    );
    await expect(withRetries(attempt, options)).resolves.toBe('ok');
    expect(sleeps).toEqual([50, 100]);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 50, error: first },
      { attempt: 2, delayMs: 100, error: second },
    ]);
    expect(calls.map((c) => c.lastError)).toEqual([undefined, first, second]);
  });

  it('throws the last failure after maxAttempts', async () => {
    const { retries, options } = setup();
    const error = failure();
    const { calls, attempt } = scripted({ kind: 'retry', error });
    await expect(withRetries(attempt, options)).rejects.toBe(error);
    expect(calls).toHaveLength(4);
    expect(retries).toHaveLength(3);
  });

  it('sends again at once without spending an attempt', async () => {
    const { sleeps, options } = setup();
    const { calls, attempt } = scripted<number>(
      { kind: 'again' },
      { kind: 'retry', error: failure() },
      { kind: 'again' },
      { kind: 'done', value: 1 },
    );
    await expect(withRetries(attempt, options)).resolves.toBe(1);
    expect(calls.map((c) => c.attempt)).toEqual([1, 1, 2, 2]);
    expect(sleeps).toEqual([50]);
  });

  it('waits exactly Retry-After, and does not wait for one beyond maxRetryAfterMs', async () => {
    const { sleeps, options } = setup();
    const limited = new KeepnetRateLimitedError('429', { httpStatus: 429 });
    const waited = scripted<number>(
      { kind: 'retry', error: limited, retryAfterMs: 2000 },
      { kind: 'done', value: 1 },
    );
    await expect(withRetries(waited.attempt, options)).resolves.toBe(1);
    expect(sleeps).toEqual([2000]);
    const tooLong = scripted({ kind: 'retry', error: limited, retryAfterMs: 3_600_000 });
    await expect(withRetries(tooLong.attempt, options)).rejects.toBe(limited);
    expect(tooLong.calls).toHaveLength(1);
  });

  it('throws a timeout, the failure as its cause, instead of a wait that would pass the deadline', async () => {
    const { sleeps, options } = setup(5_000);
    const limited = new KeepnetRateLimitedError('429', { httpStatus: 429 });
    const { attempt } = scripted({ kind: 'retry', error: limited, retryAfterMs: 10_000 });
    const error = await withRetries(attempt, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetTimeoutError);
    expect((error as Error).message).toContain("next attempt would start after the caller's deadline");
    expect((error as Error).cause).toBe(limited);
    expect((error as KeepnetTimeoutError).httpStatus).toBe(429);
    expect(sleeps).toEqual([]);
  });

  it('does not attempt once the deadline has passed, nor once the signal aborted', async () => {
    const late = setup(-1);
    const never = scripted({ kind: 'done', value: 1 });
    const error = await withRetries(never.attempt, late.options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetTimeoutError);
    expect((error as Error).message).toBe(
      "GET /api/company-groups: the caller's deadline passed before attempt 1",
    );
    const aborted = new AbortController();
    aborted.abort(new Error('stop'));
    await expect(withRetries(never.attempt, { ...setup().options, signal: aborted.signal })).rejects.toThrow(
      'stop',
    );
    expect(never.calls).toEqual([]);
  });
});
