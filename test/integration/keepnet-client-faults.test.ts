// The client under the faults the simulator injects: 5xx, 429, resets, expired tokens, truncated
// exports, rate limits, refused and under-privileged credentials. Counts come from the simulator
// (what actually reached it), not from the client. Waits are recorded by an injected sleep that
// returns at once (so the retry schedule is asserted without spending it), except where the test
// needs real time to pass (the rate limiter refills in real time).

import { KeepnetClient, type KeepnetClientOptions } from '../../lib/keepnet/client';
import { StaticCredentialsProvider } from '../../lib/keepnet/credentials/provider';
import {
  KeepnetAuthenticationError,
  KeepnetForbiddenError,
  KeepnetNetworkError,
  KeepnetRateLimitedError,
  KeepnetServerError,
  KeepnetTimeoutError,
} from '../../lib/keepnet/errors';
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import { resellerClient } from '../../local/keepnet-simulator/reseller-client';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';

const TOKEN = 'POST /connect/token';
const LIST = 'GET /api/company-groups';
const CREATE = 'POST /api/company-groups';
const SEARCH = 'POST /api/company-groups/search';
const PARTICIPANTS = 'PUT /api/company-groups/{resourceId}/participants';
const EXPORT = 'POST /api/company-groups/search/export';

describe('KeepnetClient under injected faults', () => {
  let sim: KeepnetSimulator;
  const clients: KeepnetClient[] = [];
  let sleeps: number[];

  function newClient(options: Partial<KeepnetClientOptions> = {}): KeepnetClient {
    const client = new KeepnetClient({
      baseUrl: sim.url,
      credentials: new StaticCredentialsProvider(sim.credentials.reseller),
      runtime: {
        sleep: async (ms: number) => {
          sleeps.push(ms);
        },
      },
      ...options,
    });
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    sim = await startKeepnetSimulator({ seed: { companies: 12, extraGroups: 2 } });
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.configure({ latencyMs: 0, rateLimit: null, invalidClientStatus: 400 });
    sim.reset();
    sim.resetCounts();
    sleeps = [];
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await sim.close();
  });

  it('retries 500s with backoff and succeeds', async () => {
    const client = newClient();
    sim.injectFaults({ kind: 'server-error', route: SEARCH, times: 2 });
    await expect(client.searchGroups()).resolves.toMatchObject({ pageNumber: 1 });
    expect(sim.count(SEARCH)).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(client.stats).toMatchObject({ retries: 2, tokenRequests: 1 });
  });

  it('gives up after maxAttempts with a server error', async () => {
    const client = newClient({ retry: { maxAttempts: 3 } });
    sim.injectFaults({ kind: 'server-error', route: SEARCH, times: Number.POSITIVE_INFINITY, status: 503 });
    const error = await client.searchGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetServerError);
    expect((error as KeepnetServerError).httpStatus).toBe(503);
    expect(sim.count(SEARCH)).toBe(3);
  });

  it('honours Retry-After on 429', async () => {
    const client = newClient();
    sim.injectFaults({ kind: 'rate-limited', route: LIST, times: 2, retryAfterSeconds: 3 });
    await client.listGroups();
    expect(sleeps).toEqual([3000, 3000]);
    expect(sim.count(LIST)).toBe(3);
  });

  it('fails with KeepnetRateLimitedError, carrying the hint, when 429s outlast the attempts', async () => {
    const client = newClient({ retry: { maxAttempts: 3 } });
    sim.injectFaults({
      kind: 'rate-limited',
      route: LIST,
      times: Number.POSITIVE_INFINITY,
      retryAfterSeconds: 2,
    });
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetRateLimitedError);
    expect((error as KeepnetRateLimitedError).retryAfterSeconds).toBe(2);
    expect(sim.count(LIST)).toBe(3);
  });

  it('times out a slow reply (headers timeout): a read is retried, a create is not', async () => {
    const client = newClient({ timeouts: { headersMs: 100 }, retry: { maxAttempts: 2 } });
    await client.listGroups(); // token first, at full speed
    // undici checks headersTimeout on a coarse (~0.5 s) timer: the latency must clearly exceed that.
    sim.configure({ latencyMs: 1_500 });
    const read = await client.listGroups().catch((e: unknown) => e);
    expect(read).toBeInstanceOf(KeepnetTimeoutError);
    expect((read as Error).message).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(sim.count(LIST)).toBe(1 + 2);
    const create = await client.createGroup({ name: 'Slow Create' }).catch((e: unknown) => e);
    expect(create).toBeInstanceOf(KeepnetTimeoutError);
    expect((create as Error).message).toContain('may or may not have created the group');
    expect(sim.count(CREATE)).toBe(1);
  });

  it('retries connection resets of reads and of idempotent writes (the write lands once)', async () => {
    const client = newClient();
    const [group] = sim.state.groups();
    const companies = sim.state.companies().map((c) => c.resourceId);
    sim.injectFaults(
      { kind: 'connection-reset', route: LIST, times: 2 },
      { kind: 'connection-reset', route: PARTICIPANTS, times: 1, afterHandling: true },
    );
    await expect(client.listGroups()).resolves.toHaveLength(sim.state.groups().length);
    const members = [...new Set([...sim.state.groupMemberIds(group!.resourceId), companies[0]!])];
    await client.putParticipants(group!.resourceId, members);
    expect(sim.count(LIST)).toBe(3);
    expect(sim.count(PARTICIPANTS)).toBe(2);
    expect([...sim.state.groupMemberIds(group!.resourceId)].sort()).toEqual([...members].sort());
  });

  it('never retries a create after a reset mid-request: one POST, one group, a clear error', async () => {
    const client = newClient();
    sim.injectFaults({ kind: 'connection-reset', route: CREATE, times: 1, afterHandling: true });
    const error = await client.createGroup({ name: 'Reset Mid Create' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetNetworkError);
    expect((error as Error).message).toContain('look it up by name');
    expect(sim.count(CREATE)).toBe(1);
    // It did happen: the caller (onboarding) re-resolves by name instead of creating a duplicate.
    expect(sim.state.groupByName('Reset Mid Create')).toBeDefined();
  });

  it('treats a 404 on the retry of a delete that was processed as done', async () => {
    const client = newClient();
    const group = sim.state.addGroup('Delete Me');
    sim.injectFaults({
      kind: 'connection-reset',
      route: 'DELETE /api/company-groups/{resourceId}',
      times: 1,
      afterHandling: true,
    });
    await expect(client.deleteGroup(group.resourceId)).resolves.toBeUndefined();
    expect(sim.count('DELETE /api/company-groups/{resourceId}')).toBe(2);
    expect(sim.state.group(group.resourceId)).toBeUndefined();
    // Without a prior ambiguous failure, a 404 still is an error.
    await expect(client.deleteGroup(group.resourceId)).rejects.toThrow(/not found/);
  });

  it('never retries a create after a 500', async () => {
    const client = newClient();
    sim.injectFaults({ kind: 'server-error', route: CREATE, times: 1, afterHandling: true });
    await expect(client.createGroup({ name: 'Failed Create' })).rejects.toBeInstanceOf(KeepnetServerError);
    expect(sim.count(CREATE)).toBe(1);
  });

  it('retries a create after a 429, which was not processed: exactly one group', async () => {
    const client = newClient();
    sim.injectFaults({ kind: 'rate-limited', route: CREATE, times: 1 });
    const { resourceId } = await client.createGroup({ name: 'Throttled Create' });
    expect(sim.count(CREATE)).toBe(2);
    expect(
      sim.state
        .groups()
        .filter((g) => g.name === 'Throttled Create')
        .map((g) => g.resourceId),
    ).toEqual([resourceId]);
  });

  it('answers an expired token with exactly one new token and one retry', async () => {
    const client = newClient();
    await client.listGroups();
    expect(sim.count(TOKEN)).toBe(1);
    sim.injectFaults({ kind: 'expire-tokens', route: SEARCH, times: 1 });
    await client.searchGroups();
    expect(sim.count(TOKEN)).toBe(2);
    expect(sim.count(SEARCH)).toBe(2);
    expect(client.stats).toMatchObject({ authRefreshes: 1, retries: 0 });
  });

  it('makes ONE token request for 100 concurrent calls on a cold client', async () => {
    sim.configure({ latencyMs: 20 }); // keeps the token request in flight while the calls pile up
    const client = newClient();
    const results = await Promise.all(Array.from({ length: 100 }, () => client.listGroups()));
    expect(results).toHaveLength(100);
    expect(sim.count(TOKEN)).toBe(1);
    expect(sim.count(LIST)).toBe(100);
  });

  it('makes ONE token request when 20 concurrent calls all meet a revoked token', async () => {
    const client = newClient();
    await client.listGroups();
    sim.expireTokens();
    sim.configure({ latencyMs: 10 });
    await Promise.all(Array.from({ length: 20 }, () => client.listGroups()));
    expect(sim.count(TOKEN)).toBe(2);
    expect(sim.count(LIST)).toBe(1 + 20 + 20);
  });

  it('renews the token before it expires, without a 401', async () => {
    sim.configure({ tokenLifetimeSeconds: 90 });
    let now = Date.now();
    const client = newClient({ runtime: { now: () => now } });
    await client.listGroups();
    now += 45_000; // past 90 s − 60 s skew... kept at half the lifetime for short-lived tokens
    await client.listGroups();
    expect(sim.count(TOKEN)).toBe(2);
    expect(client.stats.authRefreshes).toBe(0);
    sim.configure({ tokenLifetimeSeconds: 3600 });
  });

  it('rejects a non-Reseller credential with a KeepnetForbiddenError that says so', async () => {
    const client = newClient({ credentials: new StaticCredentialsProvider(sim.credentials.nonReseller) });
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetForbiddenError);
    expect((error as Error).message).toContain("Client Role is 'Reseller'");
    expect((error as KeepnetForbiddenError).httpStatus).toBe(403);
    expect(sim.count(LIST)).toBe(1); // a 403 is not retried
  });

  it.each([400, 401] as const)(
    'rejects a wrong secret (token endpoint answers %i) with KeepnetAuthenticationError',
    async (status) => {
      sim.configure({ invalidClientStatus: status });
      const client = newClient({
        credentials: new StaticCredentialsProvider({
          clientId: sim.credentials.reseller.clientId,
          clientSecret: 'wrong-secret',
        }),
      });
      const error = await client.listGroups().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetAuthenticationError);
      expect((error as Error).message).toContain('check the Client ID and Secret');
      expect((error as KeepnetAuthenticationError).httpStatus).toBe(status);
      expect(sim.count(TOKEN)).toBe(1);
      expect(sim.count(LIST)).toBe(0);
    },
  );

  it('retries an export that fails before streaming, then streams it', async () => {
    const client = newClient();
    sim.injectFaults({ kind: 'server-error', route: EXPORT, times: 1 });
    const download = await client.exportGroups({ exportType: 'CSV' });
    let text = '';
    for await (const chunk of download.body) text += String(chunk);
    expect(text.split('\n')[0]).toMatch(/Name/);
    expect(sim.count(EXPORT)).toBe(2);
  });

  it('lets the consumer see an error when the export body is cut mid-stream (no silent short file)', async () => {
    sim.configure({ syntheticExport: { rows: 20_000 } });
    try {
      const client = newClient();
      sim.injectFaults({ kind: 'truncated-body', route: EXPORT, times: 1, truncateAt: 0.3 });
      const download = await client.exportGroups({ exportType: 'CSV' });
      let received = 0;
      const error = await (async () => {
        for await (const chunk of download.body) received += (chunk as Buffer).length;
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      // The synthetic export is chunked (no Content-Length): the cut shows as an error, not as an end.
      if (download.contentLength !== null) expect(received).toBeLessThan(download.contentLength);
      expect(sim.count(EXPORT)).toBe(1); // once streaming, no retry behind the consumer's back
    } finally {
      sim.configure({ syntheticExport: null });
    }
  });

  it('rides out the simulator’s rate limit with real backoff', async () => {
    sim.configure({ rateLimit: { perSecond: 40, burst: 5 } });
    const client = resellerClient(sim, { retry: { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 400 } });
    clients.push(client);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.listGroups()));
    expect(results).toHaveLength(20);
    expect(client.stats.retries).toBeGreaterThan(0);
  });

  it('fails with KeepnetTimeoutError when the deadline passes while waiting for a reply', async () => {
    const client = newClient();
    await client.listGroups(); // token cached
    sim.configure({ latencyMs: 400 });
    const error = await client.listGroups({ deadline: Date.now() + 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetTimeoutError);
  });

  it('honours the caller’s AbortSignal', async () => {
    const client = newClient();
    await client.listGroups();
    sim.configure({ latencyMs: 400 });
    const controller = new AbortController();
    const pending = client.listGroups({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(pending).rejects.toThrow('stop');
  });
});
