// The bearer token: fetched once, shared, renewed before it expires.
// - Single-flight: while a fetch is in progress every caller awaits that same promise, so 100 concurrent
//   calls on a cold client make exactly one token request.
// - Renewed `refreshSkewMs` (60 s) before `expires_in` runs out, so a token never expires in flight.
// - `invalidate(token)` drops the token only if it is still the current one: when several calls get a
//   401 with the same stale token, the first invalidation triggers one new fetch and the rest reuse it.

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export class TokenCache {
  private current: { token: string; renewAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly now: () => number,
    private readonly refreshSkewMs = 60_000,
  ) {}

  get(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current.token);
    this.inflight ??= this.fetchToken()
      .then(({ accessToken, expiresInSeconds }) => {
        // A lifetime shorter than the skew would mean "renew immediately" forever: keep at least half of it.
        const lifetimeMs = expiresInSeconds * 1000;
        const skew = Math.min(this.refreshSkewMs, lifetimeMs / 2);
        this.current = { token: accessToken, renewAt: this.now() + lifetimeMs - skew };
        return accessToken;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }
}
