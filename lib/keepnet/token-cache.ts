// The bearer token: fetched once, shared, renewed before it expires (see TokenCache).

/** A token as the token endpoint issued it; `expiresInSeconds` already defaulted when the reply had none. */
export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** One fetched token. Compared by identity: two fetches giving the same string are two Bearers. */
export interface Bearer {
  readonly value: string;
}

/**
 * The bearer token: fetched once, shared, renewed `refreshSkewMs` (60 s) before `expires_in` runs out,
 * so a token never expires in flight.
 * - Single-flight: while a fetch is in progress every caller awaits that same promise, so 100 concurrent
 *   calls on a cold client make exactly one token request.
 * - `invalidate(bearer)` drops the token only if it is still the current one: when several calls get a
 *   401 with the same stale token, the first invalidation triggers one new fetch and the rest reuse it.
 *   Tokens are told apart by fetch (each fetch hands out a new `Bearer` object), not by their text: a
 *   server may well issue the same string again, and a late 401 must not then discard the fresh fetch.
 */
export class TokenCache {
  private current: { bearer: Bearer; renewAt: number } | undefined;
  private inflight: Promise<Bearer> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly now: () => number,
    private readonly refreshSkewMs = 60_000,
  ) {}

  get(): Promise<Bearer> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current.bearer);
    this.inflight ??= this.fetchToken()
      .then(({ accessToken, expiresInSeconds }) => {
        // A lifetime shorter than the skew would mean "renew immediately" forever: keep at least half of it.
        const lifetimeMs = expiresInSeconds * 1000;
        const skew = Math.min(this.refreshSkewMs, lifetimeMs / 2);
        const bearer: Bearer = { value: accessToken };
        this.current = { bearer, renewAt: this.now() + lifetimeMs - skew };
        return bearer;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  invalidate(bearer: Bearer): void {
    if (this.current?.bearer === bearer) this.current = undefined;
  }
}
