// The client against a strict, independent reading of the Keepnet API, played by a node:http server in
// this file: request shapes checked key by key (a strict server rejects what the spec does not name),
// and replies in every variant a reasonable implementation may send (charset, text/json, PascalCase,
// the isSuccess envelope, data: null, 204, numbers as strings, no page count, gzip, bare 401s,
// HTML 404s, token replies without or with odd expires_in, export replies without a file name or that
// are a JSON failure on a 200), plus a server that closes keep-alive sockets under the client.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { KeepnetClient } from '../../lib/keepnet/client';
import { StaticCredentialsProvider } from '../../lib/keepnet/credentials/provider';
import {
  KeepnetAuthenticationError,
  KeepnetConfigurationError,
  KeepnetForbiddenError,
  KeepnetNotFoundError,
  KeepnetServerError,
  KeepnetTimeoutError,
  KeepnetValidationError,
} from '../../lib/keepnet/errors';

const SECRET = 'Wire-Secret-Value-99';
const TOKEN = 'eyJ.wire-token.sig';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** 1 for the first request on its socket, 2 for the next on the same keep-alive socket... */
  onSocket: number;
}

type Handler = (seen: Seen, res: ServerResponse) => void;

interface StrictServer {
  url: string;
  seen: Seen[];
  routes: Map<string, Handler>;
  close(): Promise<void>;
}

const send = (
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, headers);
  res.end(body);
};
const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') =>
  send(res, status, JSON.stringify(body), { 'content-type': type });
const envelope = (data: unknown) => ({ data, status: 'SUCCESS', message: null, validationMessages: null });
/** A search reply with no results: one page of none. */
const EMPTY_PAGE = envelope({
  pageNumber: 1,
  pageSize: 100,
  totalNumberOfPages: 1,
  totalNumberOfRecords: 0,
  results: [],
});
const tokenReply = (extra: Record<string, unknown> = { expires_in: 3600 }) => ({
  access_token: TOKEN,
  token_type: 'Bearer',
  scope: 'api1',
  ...extra,
});

// The keys each request body may carry, per the spec (additionalProperties: false on the referenced
// schemas; the inline schemas of the three endpoints below name a PascalCase filter).
const SEARCH_KEYS = ['ascending', 'filter', 'orderBy', 'pageNumber', 'pageSize'];
const CAMEL_FILTER = ['condition', 'filterGroups', 'searchInputTextValue'];
const PASCAL_FILTER = ['Condition', 'FilterGroups', 'SearchInputTextValue'];

/** What a strict server checks before it even routes: auth, content type, a JSON body. */
function strictProblem(seen: Seen): string | undefined {
  if (seen.url === '/connect/token') {
    if (seen.headers['content-type'] !== 'application/x-www-form-urlencoded') return 'token content-type';
    return undefined;
  }
  if (seen.headers.authorization !== `Bearer ${TOKEN}`) return 'authorization';
  if (seen.body !== '' && seen.headers['content-type'] !== 'application/json') return 'content-type';
  if (seen.body !== '') {
    try {
      JSON.parse(seen.body);
    } catch {
      return 'body is not JSON';
    }
  }
  return undefined;
}

async function startStrictServer(): Promise<StrictServer> {
  const seen: Seen[] = [];
  const routes = new Map<string, Handler>();
  const perSocket = new WeakMap<Socket, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const onSocket = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, onSocket);
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        onSocket,
      };
      seen.push(entry);
      const problem = strictProblem(entry);
      if (problem)
        return json(res, problem === 'authorization' ? 401 : 400, {
          status: 'INPUT_ERROR',
          message: problem,
        });
      const handler = routes.get(`${entry.method} ${entry.url}`);
      if (!handler)
        return send(res, 404, '<html><body><h1>404 Not Found</h1></body></html>', {
          'content-type': 'text/html',
        });
      handler(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const group = (resourceId: string) => ({
  resourceId,
  name: resourceId,
  companyCount: 1,
  createTime: '2026-01-01T00:00:00Z',
});

describe('KeepnetClient against a strict independent server', () => {
  let server: StrictServer;
  let client: KeepnetClient;
  let sleeps: number[];

  beforeEach(async () => {
    server = await startStrictServer();
    server.routes.set('POST /connect/token', (_seen, res) => json(res, 200, tokenReply()));
    sleeps = [];
    client = new KeepnetClient({
      baseUrl: server.url,
      credentials: new StaticCredentialsProvider({ clientId: 'wire-id', clientSecret: SECRET }),
      runtime: {
        sleep: async (ms: number) => {
          sleeps.push(ms);
        },
      },
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  const bodiesOf = (route: string) =>
    server.seen
      .filter((s) => `${s.method} ${s.url}` === route)
      .map((s) => JSON.parse(s.body) as Record<string, unknown>);

  describe('request shapes', () => {
    it('sends a PascalCase filter to the inline-schema searches and a camelCase one elsewhere, nothing extra', async () => {
      const pageOf = (_seen: Seen, res: ServerResponse) => json(res, 200, EMPTY_PAGE);
      for (const route of [
        'POST /api/company-groups/search',
        'POST /api/companies/search',
        'POST /api/company-groups/search-with-parent',
        'POST /api/company-groups/g1/companies/search',
      ]) {
        server.routes.set(route, pageOf);
      }
      server.routes.set('POST /api/company-groups/search/export', (_seen, res) =>
        send(res, 200, 'Name\r\n', { 'content-type': 'text/csv' }),
      );
      const filter = {
        filterGroups: [
          {
            condition: 'OR' as const,
            filterItems: [{ fieldName: 'Name', operator: 'Contains', value: 'EU' }],
          },
        ],
      };
      await client.searchGroups({ filter });
      await client.searchCompanies({ filter });
      await client.searchGroupsWithParent({ filter });
      await client.searchGroupMembers('g1', { filter });
      (await client.exportGroups({ exportType: 'CSV', search: { filter } })).body.resume();

      for (const route of ['POST /api/company-groups/search', 'POST /api/companies/search']) {
        const [body] = bodiesOf(route);
        expect(Object.keys(body!).sort()).toEqual(SEARCH_KEYS);
        expect(body!.filter).toEqual({
          Condition: 'AND',
          SearchInputTextValue: '',
          FilterGroups: [
            {
              Condition: 'OR',
              FilterItems: [{ FieldName: 'Name', Operator: 'Contains', Value: 'EU' }],
              FilterGroups: [],
            },
          ],
        });
      }
      const [exportBody] = bodiesOf('POST /api/company-groups/search/export');
      expect(Object.keys(exportBody!).sort()).toEqual(
        [...SEARCH_KEYS, 'exportType', 'reportAllPages'].sort(),
      );
      expect(Object.keys(exportBody!.filter as object).sort()).toEqual(PASCAL_FILTER);
      expect(exportBody).toMatchObject({ exportType: 'CSV', reportAllPages: true });
      for (const route of [
        'POST /api/company-groups/search-with-parent',
        'POST /api/company-groups/g1/companies/search',
      ]) {
        const [body] = bodiesOf(route);
        expect(Object.keys(body!).sort()).toEqual(SEARCH_KEYS);
        expect(Object.keys(body!.filter as object).sort()).toEqual(CAMEL_FILTER);
      }
    });

    it('sends the token request form-encoded with exactly the four documented fields', async () => {
      server.routes.set('GET /api/company-groups', (_seen, res) => json(res, 200, envelope([])));
      await client.listGroups();
      const tokenRequest = server.seen.find((s) => s.url === '/connect/token')!;
      expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
        grant_type: 'client_credentials',
        client_id: 'wire-id',
        client_secret: SECRET,
        scope: 'api1',
      });
    });
  });

  describe('reply variants', () => {
    it('reads text/json, PascalCase keys and the isSuccess envelope', async () => {
      server.routes.set('GET /api/company-groups', (_seen, res) =>
        json(
          res,
          200,
          { Data: [{ ResourceId: 'g1', Name: 'EU', CompanyCount: 3, AddedTime: null }], Status: 'SUCCESS' },
          'text/json',
        ),
      );
      server.routes.set('GET /api/company-groups/g1', (_seen, res) =>
        json(res, 200, {
          isSuccess: true,
          data: { resourceId: 'g1', name: 'EU', companyCount: 3 },
          messages: [],
        }),
      );
      await expect(client.listGroups()).resolves.toEqual([
        { resourceId: 'g1', name: 'EU', companyCount: 3, addedTime: null },
      ]);
      await expect(client.getGroup('g1')).resolves.toMatchObject({ resourceId: 'g1', companyCount: 3 });
    });

    it('reads a chunked JSON reply split mid-token', async () => {
      server.routes.set('GET /api/company-groups', (_seen, res) => {
        const text = JSON.stringify(envelope([group('g1'), group('g2')]));
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < text.length; i += 7) res.write(text.slice(i, i + 7));
        res.end();
      });
      await expect(client.listGroups()).resolves.toMatchObject([{ resourceId: 'g1' }, { resourceId: 'g2' }]);
    });

    it('accepts writes answered with data: null, an empty 200 or a 204', async () => {
      server.routes.set('PUT /api/company-groups/g1/participants', (_seen, res) =>
        json(res, 200, envelope(null)),
      );
      server.routes.set('DELETE /api/company-groups/g1/participants', (_seen, res) => send(res, 204, ''));
      server.routes.set('PUT /api/company-groups/g1', (_seen, res) =>
        send(res, 200, '', { 'content-type': 'application/json' }),
      );
      server.routes.set('DELETE /api/company-groups/g1', (_seen, res) =>
        json(res, 200, { isSuccess: true, data: null, messages: [] }),
      );
      server.routes.set('DELETE /api/company-groups/bulk-delete', (_seen, res) => send(res, 204, ''));
      await expect(client.putParticipants('g1', ['c1'])).resolves.toBeUndefined();
      await expect(client.removeParticipants('g1', ['c1'])).resolves.toBeUndefined();
      await expect(client.updateGroup('g1', { name: 'EU', companyResourceIds: ['c1'] })).resolves.toEqual({
        resourceId: 'g1',
      });
      await expect(client.deleteGroup('g1')).resolves.toBeUndefined();
      await expect(client.bulkDeleteGroups(['g1', 'g2'])).resolves.toBeUndefined();
      // The DELETE carries its body; bulk delete names explicit items only.
      expect(bodiesOf('DELETE /api/company-groups/g1/participants')).toEqual([
        { companyResourceIdArray: ['c1'] },
      ]);
      expect(bodiesOf('DELETE /api/company-groups/bulk-delete')[0]).toMatchObject({
        items: ['g1', 'g2'],
        selectAll: false,
      });
    });

    it('reads a create answered with a bare id string', async () => {
      server.routes.set('POST /api/company-groups', (_seen, res) => json(res, 200, envelope('NewGroup0001')));
      await expect(client.createGroup({ name: 'New' })).resolves.toEqual({ resourceId: 'NewGroup0001' });
    });

    it('finds a created group by name when the create succeeds without returning its id', async () => {
      let created = false;
      server.routes.set('POST /api/company-groups', (_seen, res) => {
        created = true;
        json(res, 200, envelope(null));
      });
      server.routes.set('GET /api/company-groups', (_seen, res) =>
        json(
          res,
          200,
          envelope(created ? [group('Other000001'), { ...group('Made00000001'), name: 'eu customers' }] : []),
        ),
      );
      await expect(client.createGroup({ name: ' EU Customers ' })).resolves.toEqual({
        resourceId: 'Made00000001',
      });
      expect(bodiesOf('POST /api/company-groups')).toEqual([{ name: 'EU Customers' }]); // sent once, trimmed
      await expect(client.createGroup({ name: 'Vanished' })).rejects.toThrow(
        /success without the new group's id, and no group named "Vanished" can be found/,
      );
      server.routes.set('PUT /api/company-groups/g1', (_seen, res) =>
        json(res, 200, envelope({ resourceId: null })),
      );
      await expect(client.updateGroup('g1', { name: 'EU', companyResourceIds: [] })).resolves.toEqual({
        resourceId: 'g1',
      });
    });

    it('pages with numbers sent as strings and no page count, never asking past the last page', async () => {
      const all = ['g1', 'g2', 'g3', 'g4', 'g5'];
      server.routes.set('POST /api/company-groups/search', (seen, res) => {
        const { pageNumber, pageSize } = JSON.parse(seen.body) as { pageNumber: number; pageSize: number };
        // A strict server refuses a page beyond the last one.
        if ((pageNumber - 1) * pageSize >= all.length) {
          return json(res, 400, {
            status: 'INPUT_ERROR',
            validationMessages: ['pageNumber is out of range'],
          });
        }
        const results = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(group);
        json(
          res,
          200,
          envelope({
            pageNumber: String(pageNumber),
            pageSize: String(pageSize),
            totalNumberOfRecords: '5',
            results,
          }),
        );
      });
      const ids: string[] = [];
      for await (const item of client.iterateGroups({ pageSize: 2 })) ids.push(item.resourceId);
      expect(ids).toEqual(all);
      expect(server.seen.filter((s) => s.url === '/api/company-groups/search')).toHaveLength(3);
    });

    it('decodes gzip replies: JSON, an export file, and an HTML error page', async () => {
      server.routes.set('GET /api/company-groups', (_seen, res) =>
        send(res, 200, gzipSync(JSON.stringify(envelope([group('g1')]))), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
      );
      server.routes.set('POST /api/company-groups/search/export', (_seen, res) =>
        send(res, 200, gzipSync('Name,Count\r\nEU,3\r\n'), {
          'content-type': 'text/csv',
          'content-encoding': 'gzip',
          'content-disposition': 'attachment; filename="groups.csv"',
        }),
      );
      server.routes.set('GET /api/company-groups/g9', (_seen, res) =>
        send(res, 404, gzipSync('<html><body>No such group g9</body></html>'), {
          'content-type': 'text/html',
          'content-encoding': 'gzip',
        }),
      );
      await expect(client.listGroups()).resolves.toMatchObject([{ resourceId: 'g1' }]);
      const file = await client.exportGroups({ exportType: 'CSV' });
      expect(file.fileName).toBe('groups.csv');
      expect(Buffer.concat(await file.body.toArray()).toString()).toBe('Name,Count\r\nEU,3\r\n');
      const error = await client.getGroup('g9').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetNotFoundError);
      expect((error as Error).message).toMatch(/No such group g9/);
    });

    it('maps 404 with an HTML or empty body, 403 with a body, and 429 without Retry-After', async () => {
      server.routes.set('GET /api/company-groups/gone', (_seen, res) => send(res, 404, ''));
      server.routes.set('GET /api/company-groups/forbidden', (_seen, res) =>
        json(res, 403, { status: 'FAILED', message: 'Client role is not Reseller' }),
      );
      let throttled = 0;
      server.routes.set('GET /api/company-groups', (_seen, res) =>
        throttled++ < 2
          ? send(res, 429, 'slow down', { 'content-type': 'text/plain' })
          : json(res, 200, envelope([])),
      );
      await expect(client.getGroup('gone')).rejects.toBeInstanceOf(KeepnetNotFoundError);
      await expect(client.getGroup('nowhere')).rejects.toBeInstanceOf(KeepnetNotFoundError); // the HTML 404
      const forbidden = await client.getGroup('forbidden').catch((e: unknown) => e);
      expect(forbidden).toBeInstanceOf(KeepnetForbiddenError);
      expect((forbidden as Error).message).toMatch(/Reseller.*Client role is not Reseller/s);
      await expect(client.listGroups()).resolves.toEqual([]);
      expect(sleeps).toHaveLength(2); // backed off twice, with its own delays
    });

    it('treats a 200 whose envelope says FAILED as a failure, not as data', async () => {
      server.routes.set('PUT /api/company-groups/g1/participants', (_seen, res) =>
        json(res, 200, {
          data: null,
          status: 'FAILED',
          message: 'Company c1 is not yours',
          validationMessages: [],
        }),
      );
      const error = await client.putParticipants('g1', ['c1']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetServerError);
      expect((error as Error).message).toMatch(/FAILED: Company c1 is not yours/);
    });
  });

  describe('tokens', () => {
    it.each([
      ['no expires_in', {}],
      ['expires_in as a string', { expires_in: '3600' }],
      ['expires_in null', { expires_in: null }],
      ['expires_in 0', { expires_in: 0 }],
      ['camelCase fields', { accessToken: TOKEN, access_token: undefined, expiresIn: 3600 }],
    ])('uses a token reply with %s', async (_name, extra) => {
      server.routes.set('POST /connect/token', (_seen, res) => json(res, 200, tokenReply(extra)));
      server.routes.set('GET /api/company-groups', (_seen, res) => json(res, 200, envelope([])));
      await client.listGroups();
      await client.listGroups();
      expect(client.stats.tokenRequests).toBe(1); // and cached (default lifetime when unusable)
    });

    it.each([
      [400, { error: 'invalid_client' }],
      [401, undefined],
    ])('reports a token refused with %i as "check the Client ID and Secret"', async (status, body) => {
      server.routes.set('POST /connect/token', (_seen, res) =>
        body === undefined
          ? send(res, status, '', { 'www-authenticate': 'Bearer' })
          : json(res, status, body),
      );
      const error = await client.listGroups().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetAuthenticationError);
      expect((error as Error).message).toMatch(/check the Client ID and Secret/);
      expect(server.seen.filter((s) => s.url !== '/connect/token')).toHaveLength(0);
    });

    it('makes one new token for a wave of 401s, even when the server re-issues the same token string', async () => {
      // The first token is revoked server-side; the one issued next (the very same string) is honoured.
      // All but one of the 401s are held until the client has the new token, as slow replies would be.
      let issued = 0;
      let refusedOnce = false;
      const held: (() => void)[] = [];
      server.routes.set('POST /connect/token', (_seen, res) => {
        issued += 1;
        json(res, 200, tokenReply());
        if (issued === 2) {
          res.on('finish', () =>
            setTimeout(() => {
              for (const reply of held.splice(0)) reply();
            }, 50),
          );
        }
      });
      server.routes.set('GET /api/company-groups', (_seen, res) => {
        if (issued >= 2) return json(res, 200, envelope([]));
        const refuse = () => send(res, 401, '', { 'www-authenticate': 'Bearer' });
        if (held.length === 0 && !refusedOnce) {
          refusedOnce = true;
          return refuse();
        }
        held.push(refuse);
      });
      await client.searchGroups().catch(() => undefined); // the first token, fetched before the wave
      const results = await Promise.all(Array.from({ length: 10 }, () => client.listGroups()));
      expect(results).toEqual(Array.from({ length: 10 }, () => []));
      expect(client.stats.tokenRequests).toBe(2);
    });

    it('refuses a token that cannot go into a header, with a clear message', async () => {
      server.routes.set('POST /connect/token', (_seen, res) =>
        json(res, 200, tokenReply({ access_token: 'abc\r\nX-Evil: 1' })),
      );
      const error = await client.listGroups().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetServerError);
      expect((error as Error).message).toBe('POST /connect/token: the reply has no usable access_token');
      expect(server.seen.filter((s) => s.url !== '/connect/token')).toHaveLength(0);
    });

    it('treats a 200 carrying an OAuth error as a refusal', async () => {
      server.routes.set('POST /connect/token', (_seen, res) =>
        json(res, 200, { error: 'invalid_client', error_description: 'Unknown client' }),
      );
      const error = await client.listGroups().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetAuthenticationError);
      expect((error as Error).message).toMatch(
        /invalid_client: Unknown client.*check the Client ID and Secret/,
      );
    });

    it('keeps the secret and the token out of errors even when the server echoes them back', async () => {
      server.routes.set('POST /connect/token', (seen, res) =>
        send(res, 503, `<html><pre>Service Unavailable. Request was: ${seen.body}</pre></html>`, {
          'content-type': 'text/html',
        }),
      );
      const tokenError = await client.listGroups().catch((e: unknown) => e);
      expect(tokenError).toBeInstanceOf(KeepnetServerError);
      expect((tokenError as Error).message).toMatch(/client_secret=\[redacted\]/);
      server.routes.set('POST /connect/token', (_seen, res) => json(res, 200, tokenReply()));
      server.routes.set('GET /api/company-groups', (seen, res) =>
        json(res, 400, {
          status: 'INPUT_ERROR',
          message: `Bad request with header ${seen.headers.authorization}`,
        }),
      );
      const apiError = await client.listGroups().catch((e: unknown) => e);
      expect(apiError).toBeInstanceOf(KeepnetValidationError);
      for (const error of [tokenError, apiError]) {
        const rendered = `${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
        expect(rendered).not.toContain(SECRET);
        expect(rendered).not.toContain(TOKEN);
      }
    });

    it('answers a bare 401 (WWW-Authenticate, no body) with one new token and one retry', async () => {
      let calls = 0;
      server.routes.set('GET /api/company-groups', (_seen, res) =>
        calls++ === 0
          ? send(res, 401, '', {
              'www-authenticate': 'Bearer error="invalid_token", error_description="The token expired"',
            })
          : json(res, 200, envelope([])),
      );
      await expect(client.listGroups()).resolves.toEqual([]);
      expect(client.stats).toMatchObject({ tokenRequests: 2, authRefreshes: 1 });
      server.routes.set('GET /api/company-groups', (_seen, res) =>
        send(res, 401, '', { 'www-authenticate': 'Bearer' }),
      );
      const error = await client.listGroups().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetAuthenticationError);
      // Nothing secret in what a caller would log.
      const rendered = `${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
      expect(rendered).not.toContain(TOKEN);
      expect(rendered).not.toContain(SECRET);
    });
  });

  it('does not follow redirects (the token must not travel elsewhere): a configuration error naming the target', async () => {
    server.routes.set('GET /api/company-groups', (_seen, res) =>
      send(res, 301, '', { location: 'https://api.example.test/api/company-groups?session=abc' }),
    );
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetConfigurationError);
    expect((error as Error).message).toMatch(
      /301, a redirect to https:\/\/api\.example\.test\/api\/company-groups, which is not followed/,
    );
    expect((error as Error).message).not.toContain('session=abc');
    expect(server.seen.filter((s) => s.url === '/api/company-groups')).toHaveLength(1);
  });

  describe('keep-alive sockets closed by the server', () => {
    // The race a pooled client meets when the server closes an idle keep-alive socket just as a request
    // is written on it: the request is never read, the client sees a reset. Played deterministically by
    // dropping every request that arrives on an already used socket.
    const dropOnReusedSocket =
      (next: Handler): Handler =>
      (seen, res) => {
        if (seen.onSocket > 1) {
          res.socket?.destroy();
          return;
        }
        next(seen, res);
      };

    it('retries a search (a POST that only reads) and sends a create on a fresh connection', async () => {
      server.routes.set(
        'GET /api/company-groups',
        dropOnReusedSocket((_seen, res) => json(res, 200, envelope([]))),
      );
      server.routes.set(
        'POST /api/company-groups/search',
        dropOnReusedSocket((_seen, res) => json(res, 200, EMPTY_PAGE)),
      );
      server.routes.set(
        'POST /api/company-groups',
        dropOnReusedSocket((_seen, res) => json(res, 200, envelope({ resourceId: 'Created00001' }))),
      );
      await client.listGroups(); // warms the pool: the token socket is now reused
      await expect(client.searchGroups()).resolves.toMatchObject({ results: [] });
      await expect(client.createGroup({ name: 'Fresh' })).resolves.toEqual({ resourceId: 'Created00001' });
      const creates = server.seen.filter((s) => s.method === 'POST' && s.url === '/api/company-groups');
      expect(creates).toHaveLength(1);
      expect(creates[0]!.onSocket).toBe(1);
    });
  });

  describe('export replies', () => {
    it('streams a file without Content-Disposition (no name) and decodes filename*', async () => {
      let named = false;
      server.routes.set('POST /api/company-groups/search/export', (_seen, res) =>
        send(res, 200, 'Name\r\n', {
          'content-type': 'text/csv; charset=utf-8',
          ...(named
            ? {
                'content-disposition':
                  'attachment; filename="x.csv"; filename*=UTF-8\'\'Gr%C3%BCppen%20EU.csv',
              }
            : {}),
        }),
      );
      const plain = await client.exportGroups({ exportType: 'CSV' });
      expect(plain.fileName).toBeNull();
      plain.body.resume();
      named = true;
      const withName = await client.exportGroups({ exportType: 'CSV' });
      expect(withName.fileName).toBe('Grüppen EU.csv');
      withName.body.resume();
    });

    it('fails on a 200 whose "file" is a JSON failure envelope under a file-ish Content-Type, or an HTML page', async () => {
      let reply: 'octet' | 'none' | 'html' = 'octet';
      server.routes.set('POST /api/company-groups/search/export', (_seen, res) => {
        const failure = JSON.stringify({ isSuccess: false, data: null, messages: ['Export quota exceeded'] });
        if (reply === 'octet') return send(res, 200, failure, { 'content-type': 'application/octet-stream' });
        if (reply === 'none') return send(res, 200, failure);
        send(res, 200, '<html><body>Please sign in</body></html>', {
          'content-type': 'text/html; charset=utf-8',
        });
      });
      for (const variant of ['octet', 'none'] as const) {
        reply = variant;
        const error = await client.exportGroups({ exportType: 'CSV' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KeepnetServerError);
        expect((error as Error).message).toMatch(/Export quota exceeded/);
      }
      reply = 'html';
      const html = await client.exportGroups({ exportType: 'CSV' }).catch((e: unknown) => e);
      expect(html).toBeInstanceOf(KeepnetServerError);
      expect((html as Error).message).toMatch(/expected an export file, got text\/html.*Please sign in/);
    });

    it('keeps to the deadline while waiting for the first bytes of an export', async () => {
      server.routes.set('POST /api/company-groups/search/export', (_seen, res) => {
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.flushHeaders(); // and then nothing
      });
      const error = await client
        .exportGroups({ exportType: 'CSV' }, { deadline: Date.now() + 300 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetTimeoutError);
    });

    it('streams a large chunked file intact, bytes as sent', async () => {
      const rows = Array.from({ length: 20_000 }, (_, i) => `Group ${i},${i % 7}\r\n`);
      server.routes.set('POST /api/company-groups/search/export', (_seen, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked: no Content-Length
        for (let i = 0; i < rows.length; i += 1000) res.write(rows.slice(i, i + 1000).join(''));
        res.end();
      });
      const file = await client.exportGroups({ exportType: 'CSV' });
      expect(file.contentLength).toBeNull();
      expect(Buffer.concat(await file.body.toArray()).toString()).toBe(rows.join(''));
    });

    it('fails on a 200 that is a JSON failure envelope instead of a file', async () => {
      server.routes.set('POST /api/company-groups/search/export', (_seen, res) =>
        json(res, 200, {
          data: null,
          status: 'INPUT_ERROR',
          message: null,
          validationMessages: ['exportType is invalid'],
        }),
      );
      const error = await client.exportGroups({ exportType: 'Excel' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeepnetValidationError);
      expect((error as Error).message).toMatch(/exportType is invalid/);
    });
  });
});
