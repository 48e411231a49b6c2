// The transport against a scripted node:http server on 127.0.0.1: replies the simulator does not play
// (HTML error pages, Retry-After dates, a server that ignores pageNumber, hung replies) and exact
// retry timing through an injected clock and sleep.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { KeepnetClient } from '../../lib/keepnet/client';
import { StaticCredentialsProvider } from '../../lib/keepnet/credentials/provider';
import {
  KeepnetAuthenticationError,
  KeepnetNetworkError,
  KeepnetRateLimitedError,
  KeepnetServerError,
  KeepnetTimeoutError,
  KeepnetValidationError,
} from '../../lib/keepnet/errors';

type Responder = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Scripted {
  url: string;
  /** Requests seen, as "METHOD /path". */
  seen: string[];
  bodies: string[];
  /** Replies for a route key, used in order; the last one repeats. */
  script(route: string, ...responders: Responder[]): void;
  close(): Promise<void>;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const text =
  (status: number, body: string, contentType = 'text/html'): Responder =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };
const token = json(200, { access_token: 'tok-1', expires_in: 3600, token_type: 'Bearer', scope: 'api1' });
const ok = (data: unknown) => json(200, { data, status: 'SUCCESS', message: null, validationMessages: null });
const page = (pageNumber: number, ids: string[], totalNumberOfPages: number) =>
  ok({
    pageNumber,
    pageSize: ids.length,
    totalNumberOfPages,
    totalNumberOfRecords: 99,
    results: ids.map((resourceId) => ({
      resourceId,
      name: resourceId,
      companyCount: 0,
      createTime: '2026-01-01T00:00:00Z',
    })),
  });

async function startScripted(): Promise<Scripted> {
  const scripts = new Map<string, Responder[]>();
  const seen: string[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const route = `${req.method} ${req.url}`;
      seen.push(route);
      bodies.push(body);
      const queue = scripts.get(route);
      const responder = queue && queue.length > 1 ? queue.shift() : queue?.[0];
      if (!responder) return text(599, `no script for ${route}`)(req, res, body);
      responder(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    bodies,
    script: (route, ...responders) => scripts.set(route, responders),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fake clock whose sleeps advance time instantly, recording each wait. */
function fakeRuntime(start = Date.parse('2026-11-28T12:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    runtime: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      random: () => 0.5,
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('KeepnetTransport against a scripted server', () => {
  let server: Scripted;
  let client: KeepnetClient;
  let clock: ReturnType<typeof fakeRuntime>;

  beforeEach(async () => {
    server = await startScripted();
    server.script('POST /connect/token', token);
    clock = fakeRuntime();
    client = new KeepnetClient({
      baseUrl: server.url,
      credentials: new StaticCredentialsProvider({ clientId: 'id', clientSecret: 'S3cr3t-Value' }),
      runtime: clock.runtime,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('sends the token request form-encoded with the documented fields', async () => {
    server.script('GET /api/company-groups', ok([]));
    await client.listGroups();
    expect(server.seen[0]).toBe('POST /connect/token');
    expect(Object.fromEntries(new URLSearchParams(server.bodies[0]))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'id',
      client_secret: 'S3cr3t-Value',
      scope: 'api1',
    });
  });

  it('backs off with full jitter between retries of a 5xx, then succeeds', async () => {
    server.script(
      'GET /api/company-groups',
      text(502, '<html><body>Bad Gateway</body></html>'),
      text(503, ''),
      ok([]),
    );
    await expect(client.listGroups()).resolves.toEqual([]);
    // random() = 0.5: half of 100·2^(attempt-1).
    expect(clock.sleeps).toEqual([50, 100]);
    expect(client.stats).toMatchObject({ requests: 3, retries: 2, tokenRequests: 1 });
  });

  it('gives up after maxAttempts with the last error, HTML reduced to its text', async () => {
    server.script('GET /api/company-groups', text(502, '<html><body><h1>Bad Gateway</h1></body></html>'));
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetServerError);
    expect((error as Error).message).toMatch(
      /GET \/api\/company-groups: Keepnet server error \(502\): Bad Gateway$/,
    );
    expect(server.seen.filter((r) => r === 'GET /api/company-groups')).toHaveLength(4);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    // The date is read after the first wait (2 s of fake time), so it is 5 s away by then.
    const inFiveSeconds = new Date(clock.runtime.now() + 7000).toUTCString();
    server.script(
      'GET /api/company-groups',
      json(429, {}, { 'retry-after': '2' }),
      json(429, {}, { 'retry-after': inFiveSeconds }),
      ok([]),
    );
    await client.listGroups();
    expect(clock.sleeps).toEqual([2000, 5000]);
  });

  it('fails with a rate-limit error carrying the hint when Retry-After is beyond what it waits for', async () => {
    server.script('GET /api/company-groups', json(429, {}, { 'retry-after': '3600' }));
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetRateLimitedError);
    expect((error as KeepnetRateLimitedError).retryAfterSeconds).toBe(3600);
    expect(clock.sleeps).toEqual([]);
  });

  it('never starts a wait that would pass the deadline: KeepnetTimeoutError instead', async () => {
    server.script('GET /api/company-groups', json(429, {}, { 'retry-after': '10' }), ok([]));
    const error = await client.listGroups({ deadline: clock.runtime.now() + 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetTimeoutError);
    expect((error as Error).message).toContain("caller's deadline");
    expect((error as Error).cause).toBeInstanceOf(KeepnetRateLimitedError);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not even send when the deadline has already passed', async () => {
    server.script('GET /api/company-groups', ok([]));
    await expect(client.listGroups({ deadline: clock.runtime.now() - 1 })).rejects.toBeInstanceOf(
      KeepnetTimeoutError,
    );
    expect(server.seen.filter((r) => r.startsWith('GET'))).toHaveLength(0);
  });

  it('aborts a hung reply at the deadline (real time)', async () => {
    const real = new KeepnetClient({
      baseUrl: server.url,
      credentials: new StaticCredentialsProvider({ clientId: 'id', clientSecret: 'secret' }),
    });
    server.script('GET /api/company-groups', () => {}); // never answers
    try {
      const error = await real.listGroups({ deadline: Date.now() + 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetTimeoutError);
      expect((error as Error).message).toContain('deadline passed while waiting');
    } finally {
      await real.close();
    }
  });

  it('never retries a create after a 5xx: the group may exist', async () => {
    server.script('POST /api/company-groups', text(500, 'boom'));
    const error = await client.createGroup({ name: 'G' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetServerError);
    expect((error as Error).message).toContain('look the group up by name');
    expect(server.seen.filter((r) => r === 'POST /api/company-groups')).toHaveLength(1);
  });

  it('retries a create after a 429 (not processed)', async () => {
    server.script('POST /api/company-groups', json(429, {}), ok({ resourceId: 'abc123abc123' }));
    await expect(client.createGroup({ name: 'G' })).resolves.toEqual({ resourceId: 'abc123abc123' });
    expect(server.seen.filter((r) => r === 'POST /api/company-groups')).toHaveLength(2);
  });

  it('reads PascalCase replies and 200s whose envelope says INPUT_ERROR', async () => {
    server.script(
      'GET /api/company-groups',
      json(200, {
        Data: [{ ResourceId: 'g1', Name: 'EU', AddedTime: null, CompanyCount: 3 }],
        Status: 'SUCCESS',
      }),
      json(200, {
        Data: null,
        Status: 'INPUT_ERROR',
        Message: 'Bad',
        ValidationMessages: ['x is wrong', 'y is wrong'],
      }),
    );
    await expect(client.listGroups()).resolves.toEqual([
      { resourceId: 'g1', name: 'EU', addedTime: null, companyCount: 3 },
    ]);
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetValidationError);
    expect((error as KeepnetValidationError).validationMessages).toEqual(['x is wrong', 'y is wrong']);
    expect((error as Error).message).toContain('x is wrong; y is wrong');
  });

  it('treats a non-JSON 200 as a server error, and an unexpected shape as one naming the field', async () => {
    server.script('GET /api/company-groups', text(200, '<html>maintenance</html>'), ok([{ name: 'no id' }]));
    await expect(client.listGroups()).rejects.toThrow(/expected JSON, got text\/html: maintenance/);
    await expect(client.listGroups()).rejects.toThrow(/unexpected reply shape at data\.0\.resourceId/);
  });

  it('answers a 401 with one new token and one retry; a second 401 is an authentication error', async () => {
    server.script('GET /api/company-groups', text(401, ''), ok([]));
    await expect(client.listGroups()).resolves.toEqual([]);
    expect(client.stats).toMatchObject({ tokenRequests: 2, authRefreshes: 1, retries: 0 });
    server.script('GET /api/company-groups', text(401, ''));
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetAuthenticationError);
    // The retried token is cached; the next call's 401 drops it and fetches once more, then gives up.
    expect(client.stats.tokenRequests).toBe(3);
  });

  it('turns a refused token request into "check the Client ID and Secret", for 400 and 401', async () => {
    for (const status of [400, 401]) {
      server.script('POST /connect/token', json(status, { error: 'invalid_client' }));
      const error = await client.listGroups().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetAuthenticationError);
      expect((error as Error).message).toContain('check the Client ID and Secret');
      expect((error as Error).message).toContain('invalid_client');
      expect(JSON.stringify(error)).not.toContain('S3cr3t-Value');
      expect(String((error as Error).stack)).not.toContain('S3cr3t-Value');
    }
    expect(server.seen.some((r) => r.startsWith('GET'))).toBe(false);
  });

  it('stops paging when the server ignores pageNumber, instead of looping on duplicates', async () => {
    server.script('POST /api/company-groups/search', page(1, ['a', 'b'], 5));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const group of client.iterateGroups({ pageSize: 2 })) seen.push(group.resourceId);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetServerError);
    expect((error as Error).message).toContain('asked for page 2, Keepnet answered page 1');
    expect(seen).toEqual(['a', 'b']);
  });

  it('skips ids already yielded when rows shift between pages, and stops at totalNumberOfPages', async () => {
    server.script('POST /api/company-groups/search', page(1, ['a', 'b'], 2), page(2, ['b', 'c'], 2));
    const ids: string[] = [];
    for await (const group of client.iterateGroups({ pageSize: 2 })) ids.push(group.resourceId);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(server.seen.filter((r) => r.startsWith('POST /api/company-groups/search'))).toHaveLength(2);
  });

  it('pages until an empty page when the server does not report its page count', async () => {
    server.script(
      'POST /api/company-groups/search',
      page(1, ['a', 'b'], 0),
      page(2, ['c'], 0),
      page(3, [], 0),
    );
    const ids: string[] = [];
    for await (const group of client.iterateGroups({ pageSize: 2 })) ids.push(group.resourceId);
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('sends nothing on bad input', async () => {
    await expect(client.getGroup('../x')).rejects.toBeInstanceOf(KeepnetValidationError);
    await expect(client.createGroup({ name: ' '.repeat(3) })).rejects.toThrow(
      /name must be 1\.\.64 characters/,
    );
    await expect(client.putParticipants('g1', [])).rejects.toThrow(
      /companyResourceIds must be a non-empty array/,
    );
    await expect(client.searchGroups({ pageSize: 0 })).rejects.toThrow(/search\.pageSize/);
    expect(() => client.iterateCompanies({ pageSize: -1 })).toThrow(/search\.pageSize/);
    expect(server.seen).toEqual([]);
  });

  it('retries a create whose connection was refused (provably not sent), within the budget', async () => {
    // Token requests reach the scripted server; /api requests go to a port nobody listens on.
    const dead = await startScripted();
    const deadUrl = dead.url;
    await dead.close();
    const agent = new Agent();
    const routed = agent.compose(
      (dispatch) => (opts, handler) =>
        dispatch(opts.path.startsWith('/api') ? { ...opts, origin: deadUrl } : opts, handler),
    );
    const split = new KeepnetClient({
      baseUrl: server.url,
      credentials: new StaticCredentialsProvider({ clientId: 'id', clientSecret: 'S3cr3t-Value' }),
      runtime: clock.runtime,
      dispatcher: routed,
    });
    try {
      const error = await split.createGroup({ name: 'G' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetNetworkError);
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect(split.stats).toMatchObject({ requests: 4, retries: 3, tokenRequests: 1 });
    } finally {
      await agent.close();
    }
  });

  it('reports a refused connection as a network error after retrying', async () => {
    const url = server.url;
    await server.close();
    const offline = new KeepnetClient({
      baseUrl: url,
      credentials: new StaticCredentialsProvider({ clientId: 'id', clientSecret: 'secret' }),
      runtime: clock.runtime,
    });
    try {
      const error = await offline.listGroups().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetNetworkError);
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect(offline.stats).toMatchObject({ requests: 0, tokenRequests: 4, retries: 3 });
    } finally {
      await offline.close();
      server = await startScripted();
    }
  });
});
