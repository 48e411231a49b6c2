import fc from 'fast-check';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfterMs,
  planRetry,
  type RetryPolicy,
} from '../../lib/keepnet/retry-policy';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 30_000 };
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelayMs (full jitter)', () => {
  it('stays in [0, min(max, base·2^(attempt-1))) for every attempt and draw (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), unit, (attempt, r) => {
        const delay = backoffDelayMs(attempt, policy, () => r);
        const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }),
    );
  });

  it('doubles its ceiling per attempt until the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, policy, top))).toEqual([
      99, 199, 399, 799, 1599, 1999,
    ]);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs(['7', '9'], now)).toBe(7000);
  });

  it('reads an HTTP date, and a date in the past means now', () => {
    expect(parseRetryAfterMs('Sat, 28 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([[undefined], [''], ['-1'], ['1.5'], ['soon'], ['12:00']])('ignores %j', (value) => {
    expect(parseRetryAfterMs(value, now)).toBeUndefined();
  });

  it('round-trips any delta-seconds (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 86_400 }), (s) => expect(parseRetryAfterMs(String(s), now)).toBe(s * 1000)),
    );
  });
});

describe('planRetry', () => {
  const args = { policy, retryAfterMs: undefined, nowMs: 1_000_000, deadline: undefined, random: () => 0.5 };

  it('stops after maxAttempts', () => {
    expect(planRetry({ ...args, attempt: 4 })).toEqual({ retry: true, delayMs: 400 });
    expect(planRetry({ ...args, attempt: 5 })).toEqual({ retry: false, reason: 'attempts' });
  });

  it('honours Retry-After exactly instead of the backoff', () => {
    expect(planRetry({ ...args, attempt: 1, retryAfterMs: 7_000 })).toEqual({ retry: true, delayMs: 7_000 });
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs', () => {
    expect(planRetry({ ...args, attempt: 1, retryAfterMs: 60_000 })).toEqual({
      retry: false,
      reason: 'retry-after',
    });
  });

  it('never plans a wait that ends at or after the deadline (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.option(fc.nat({ max: 40_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 10_000 }),
        unit,
        (attempt, retryAfterMs, budget, r) => {
          const nowMs = 5_000_000;
          const decision = planRetry({
            attempt,
            policy: DEFAULT_RETRY_POLICY,
            retryAfterMs,
            nowMs,
            deadline: nowMs + budget,
            random: () => r,
          });
          if (decision.retry) expect(nowMs + decision.delayMs).toBeLessThan(nowMs + budget);
          else expect(['attempts', 'deadline', 'retry-after']).toContain(decision.reason);
        },
      ),
    );
  });
});
