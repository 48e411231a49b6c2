// Remembers the requests (timestamp, body hash) seen in the last few minutes so that one signed call is
// accepted once.

/** Where verified requests are remembered until they can no longer be accepted again. */
export interface ReplayCache {
  /** Records `key` until `expiresAtSeconds`; false when it was already recorded and not yet expired. */
  claim(key: string, expiresAtSeconds: number, nowSeconds: number): boolean;
  /** Forgets `key`: the call it guarded failed, so the sender's retry of the same request must pass. */
  release(key: string): void;
}

/**
 * Per-container replay cache, at most `maxEntries` requests (expired ones evicted first). A copy that
 * lands on another Lambda container passes it; downstream that is harmless, because the onboarding
 * event id (hence the FIFO deduplication id) is derived from the same (timestamp, body hash) and SQS
 * drops duplicates for 5 minutes, longer than any copy can be accepted after the first (see
 * ./signature). A deployment that needs a hard guarantee adds a shared store (a DynamoDB conditional
 * put with a TTL).
 */
export class InMemoryReplayCache implements ReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  claim(key: string, expiresAtSeconds: number, nowSeconds: number): boolean {
    const until = this.#seen.get(key);
    if (until !== undefined && until > nowSeconds) return false;
    this.#evict(nowSeconds);
    this.#seen.set(key, expiresAtSeconds);
    return true;
  }

  release(key: string): void {
    this.#seen.delete(key);
  }

  get size(): number {
    return this.#seen.size;
  }

  #evict(nowSeconds: number): void {
    for (const [key, until] of this.#seen) {
      if (until <= nowSeconds) this.#seen.delete(key);
    }
    // Still full of live entries: drop the oldest insertions (Map keeps insertion order).
    for (const key of this.#seen.keys()) {
      if (this.#seen.size < this.#maxEntries) break;
      this.#seen.delete(key);
    }
  }
}
