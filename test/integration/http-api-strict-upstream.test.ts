// The API against a tiny, strict stand-in for Keepnet (node:http on 127.0.0.1), for upstream behaviours
// the simulator does not play: a page size capped below what we ask for, a Retry-After given as an HTTP
// date, a 2xx whose body is not the envelope, an HTML error page, a dropped connection, a token endpoint
// that refuses the client. Each answer must be the documented status in the one error shape, with no
// token, secret or stack in it.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeepnetClient } from '../../lib/keepnet/client';
import { StaticCredentialsProvider } from '../../lib/keepnet/credentials/index';
import { applyChanges } from '../../lib/membership';
import { createApiApp } from '../../lib/rest-api/app';
import { dependenciesFromEnv } from '../../lib/rest-api/dependencies';
import { type ApiCallResult, callApi, type ProxyEventInput } from '../../local/lambda-events';

const TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.strict-fake-token';
const CLIENT_SECRET = 'strict-fake-client-secret';
const GROUP_ID = 'Gr0000000001';
/** This stand-in never returns more than this many rows per page, whatever pageSize says. */
const PAGE_CAP = 100;

type Mode =
  | 'normal'
  | 'retry-after-date'
  | 'garbage-2xx'
  | 'html-502'
  | 'hang-up'
  | 'forbidden'
  | 'token-refused';

interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

let server: Server;
let baseUrl: string;
let mode: Mode = 'normal';
let members: string[] = [];
let recorded: Recorded[] = [];

const envelope = (data: unknown) => ({ data, status: 'SUCCESS', message: null, validationMessages: [] });

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const text = await readBody(req);
  if (url.pathname === '/connect/token') {
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
      return reply(res, 500, {});
    const form = new URLSearchParams(text);
    if (mode === 'token-refused' || form.get('client_secret') !== CLIENT_SECRET) {
      return reply(res, 400, { error: 'invalid_client' });
    }
    return reply(res, 200, { access_token: TOKEN, expires_in: 3600, token_type: 'Bearer', scope: 'api1' });
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(res, 401, {});
  const body = text ? JSON.parse(text) : undefined;
  recorded.push({ method: req.method ?? '', path: url.pathname, body });
  switch (mode) {
    case 'retry-after-date':
      return reply(res, 429, {}, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() });
    case 'garbage-2xx':
      return reply(res, 200, '<html>maintenance</html>');
    case 'html-502':
      return reply(res, 502, '<html><body>Bad Gateway</body></html>');
    case 'hang-up':
      req.socket.destroy();
      return;
    case 'forbidden':
      return reply(res, 403, { status: 'PRIVACY_ERROR', message: 'Reseller role required', data: null });
    default:
      break;
  }
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /api/company-groups') {
    return reply(
      res,
      200,
      envelope([{ resourceId: GROUP_ID, name: 'Big', addedTime: null, companyCount: members.length }]),
    );
  }
  if (route === `GET /api/company-groups/${GROUP_ID}`) {
    return reply(
      res,
      200,
      envelope({ resourceId: GROUP_ID, name: 'Big', addedTime: null, companyCount: members.length }),
    );
  }
  if (route === `POST /api/company-groups/${GROUP_ID}/companies/search`) {
    const { pageNumber, pageSize, orderBy, ascending, filter } = body ?? {};
    // Strict: every field the vendor requires, or 400 INPUT_ERROR.
    if (
      !Number.isInteger(pageNumber) ||
      !Number.isInteger(pageSize) ||
      !orderBy ||
      typeof ascending !== 'boolean' ||
      !filter
    ) {
      return reply(res, 400, {
        status: 'INPUT_ERROR',
        validationMessages: ['search body incomplete'],
        data: null,
      });
    }
    const size = Math.min(pageSize, PAGE_CAP);
    const rows = members.slice((pageNumber - 1) * size, pageNumber * size);
    return reply(
      res,
      200,
      envelope({
        pageNumber,
        pageSize: size,
        totalNumberOfPages: Math.ceil(members.length / size),
        totalNumberOfRecords: members.length,
        results: rows.map((id) => ({
          companyResourceId: id,
          companyName: id,
          createTime: '2026-01-01T00:00:00Z',
        })),
      }),
    );
  }
  if (route === `PUT /api/company-groups/${GROUP_ID}`) {
    // Replace semantics: the membership becomes exactly the array sent (none sent: none kept).
    if (typeof body?.name !== 'string' || body.name.length < 1 || body.name.length > 64) {
      return reply(res, 400, { status: 'INPUT_ERROR', validationMessages: ['name'], data: null });
    }
    members = Array.isArray(body.companyResourceIdArray) ? body.companyResourceIdArray : [];
    return reply(res, 200, envelope({ resourceId: GROUP_ID }));
  }
  return reply(res, 404, { status: 'FAILED', message: 'not found', data: null });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch(() => reply(res, 500, {}));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  mode = 'normal';
  members = Array.from({ length: 250 }, (_, i) => `Co${String(i).padStart(10, '0')}`);
  recorded = [];
});

const strictClient = () =>
  new KeepnetClient({
    baseUrl,
    credentials: new StaticCredentialsProvider({ clientId: 'strict-client', clientSecret: CLIENT_SECRET }),
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });

function send(input: ProxyEventInput): Promise<ApiCallResult> {
  const client = strictClient();
  const app = createApiApp({ ...dependenciesFromEnv({}), keepnet: async () => client });
  return callApi(app.handle, input);
}

const errorOf = (result: ApiCallResult) =>
  (result.body as { error: { code: string; message: string; details?: unknown } }).error;

describe('against a strict upstream', () => {
  it('renames a group whose members span several capped pages without losing one (replace semantics)', async () => {
    const before = [...members];
    // PATCH /groups/{id} queues a rename; the worker applies it with lib/membership's engine.
    const result = await applyChanges(strictClient(), GROUP_ID, [{ kind: 'rename', name: 'Bigger' }]);
    expect(result.outcomes[0]).toMatchObject({ renamedTo: 'Bigger' });
    expect(result.members).toEqual(before);
    const put = recorded.find((r) => r.method === 'PUT');
    expect(put?.body).toEqual({ name: 'Bigger', companyResourceIdArray: before });
    expect(members).toEqual(before);
    // Every page was read: 250 members at 100 a page.
    const pages = recorded.filter((r) => r.path.endsWith('/companies/search'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it('lists all members across capped pages with all=true', async () => {
    const result = await send({ method: 'GET', path: `/groups/${GROUP_ID}/companies?all=true` });
    expect(result.status).toBe(200);
    const page = result.body as {
      results: { companyResourceId: string }[];
      totalNumberOfRecords: number;
      truncated: boolean;
    };
    expect(page.results.map((r) => r.companyResourceId)).toEqual(members);
    expect([page.totalNumberOfRecords, page.truncated]).toEqual([250, false]);
  });

  it('answers 429 with a whole-seconds Retry-After when Keepnet gives an HTTP date', async () => {
    mode = 'retry-after-date';
    const result = await send({ method: 'GET', path: '/groups' });
    expect([result.status, errorOf(result).code]).toEqual([429, 'RATE_LIMITED']);
    const seconds = Number(result.headers['retry-after']);
    expect(Number.isInteger(seconds)).toBe(true);
    expect(seconds).toBeGreaterThan(60);
    expect(seconds).toBeLessThanOrEqual(121);
  });

  it.each([
    ['garbage-2xx', 502, 'UPSTREAM_UNAVAILABLE'],
    ['html-502', 502, 'UPSTREAM_UNAVAILABLE'],
    ['hang-up', 502, 'UPSTREAM_UNAVAILABLE'],
    ['forbidden', 502, 'UPSTREAM_FORBIDDEN'],
    ['token-refused', 502, 'UPSTREAM_AUTHENTICATION_FAILED'],
  ] as const)('answers %s with %i %s, and nothing secret', async (failure, status, code) => {
    mode = failure;
    const result = await send({ method: 'GET', path: '/groups' });
    expect([result.status, errorOf(result).code]).toEqual([status, code]);
    if (failure === 'forbidden') expect(errorOf(result).message).toMatch(/Reseller/);
    const raw = JSON.stringify(result.raw);
    for (const secret of [TOKEN, CLIENT_SECRET, 'Bearer', '<html>']) expect(raw).not.toContain(secret);
    expect(raw).not.toMatch(/\n\s+at /);
  });
});
