import { type Bearer, TokenCache } from '../../lib/keepnet/token-cache';

const text = (bearer: Promise<Bearer>) => bearer.then((b) => b.value);

function setup(lifetimeSeconds = 3600) {
  let now = 1_000_000;
  let issued = 0;
  const pending: (() => void)[] = [];
  const cache = new TokenCache(
    () =>
      new Promise((resolve) => {
        issued += 1;
        const accessToken = `token-${issued}`;
        pending.push(() => resolve({ accessToken, expiresInSeconds: lifetimeSeconds }));
      }),
    () => now,
  );
  return {
    cache,
    issued: () => issued,
    release: () => {
      for (const resolve of pending.splice(0)) resolve();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TokenCache', () => {
  it('shares one fetch between concurrent callers (single-flight)', async () => {
    const t = setup();
    const all = Promise.all(Array.from({ length: 100 }, () => text(t.cache.get())));
    t.release();
    expect(new Set(await all)).toEqual(new Set(['token-1']));
    expect(t.issued()).toBe(1);
  });

  it('reuses the token until 60 s before it expires, then fetches a new one', async () => {
    const t = setup(3600);
    const first = t.cache.get();
    t.release();
    await first;
    t.advance(3_539_000);
    await expect(text(t.cache.get())).resolves.toBe('token-1');
    t.advance(1_000); // now exactly 60 s before expiry
    const renewed = t.cache.get();
    t.release();
    await expect(text(renewed)).resolves.toBe('token-2');
  });

  it('keeps half the lifetime of tokens shorter than two minutes', async () => {
    const t = setup(60);
    const first = t.cache.get();
    t.release();
    await first;
    t.advance(29_000);
    await expect(text(t.cache.get())).resolves.toBe('token-1');
    t.advance(1_000);
    const renewed = t.cache.get();
    t.release();
    await expect(text(renewed)).resolves.toBe('token-2');
  });

  it('invalidates only the token it is told about (stale 401s do not cause extra fetches)', async () => {
    const t = setup();
    const first = t.cache.get();
    t.release();
    const stale = await first;
    t.cache.invalidate(stale);
    const second = t.cache.get();
    t.release();
    await expect(text(second)).resolves.toBe('token-2');
    t.cache.invalidate(stale); // a late 401 carrying the old token
    await expect(text(t.cache.get())).resolves.toBe('token-2');
    expect(t.issued()).toBe(2);
  });

  it('does not cache a failed fetch', async () => {
    let calls = 0;
    const cache = new TokenCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error('refused');
      return { accessToken: 'ok', expiresInSeconds: 3600 };
    }, Date.now);
    await expect(cache.get()).rejects.toThrow('refused');
    await expect(text(cache.get())).resolves.toBe('ok');
  });

  it('tells tokens apart by fetch, so a server re-issuing the same string causes no extra fetches', async () => {
    let calls = 0;
    const cache = new TokenCache(async () => {
      calls += 1;
      return { accessToken: 'same-every-time', expiresInSeconds: 3600 };
    }, Date.now);
    const stale = await cache.get();
    cache.invalidate(stale); // the first 401
    const fresh = await cache.get();
    expect(fresh.value).toBe('same-every-time');
    cache.invalidate(stale); // late 401s of calls that were in flight with the old fetch
    cache.invalidate(stale);
    await expect(cache.get()).resolves.toBe(fresh);
    expect(calls).toBe(2);
  });
});
