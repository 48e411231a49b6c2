// The rate limit on API routes (not on /connect/token).
import type { RateLimit } from './behaviour';

/**
 * Token buckets per credential for the `rateLimit` behaviour: `burst` requests at once, refilled continuously
 * at `perSecond`. Times come from the simulator's clock, so `advanceClock` refills them too.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  /** True when the request may proceed (and consumes one token). */
  take(key: string, limit: RateLimit | null, now: number): boolean {
    if (!limit) return true;
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, updatedAt: now };
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond,
    );
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
