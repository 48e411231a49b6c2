// Property-based: whatever a caller sends (any JSON, any text, any path segment or query value, signed
// or not), the API answers with a deliberate status and the one error shape; never a 500. Bodies that
// happen to be valid go all the way to the simulator, so the whole path is exercised.
import fc from 'fast-check';
import { createApiApp } from '../../lib/rest-api/app';
import { dependenciesFromEnv } from '../../lib/rest-api/dependencies';
import { signWebhook } from '../../lib/webhook/index';
import { type Emulators, LOCAL_WEBHOOK_SECRET, startEmulators } from '../../local/emulators';
import { type ApiCallResult, callApi, type ProxyEventInput } from '../../local/lambda-events';
import { type LocalSqs, startSqs } from '../../local/sqs-fifo';

let stack: Emulators;
let sqs: LocalSqs;
let restoreEnv: () => void;
let app: ReturnType<typeof createApiApp>;
let groupId: string;

beforeAll(async () => {
  stack = await startEmulators();
  sqs = await startSqs();
  const { queueUrl } = sqs.createFifoQueueWithDlq('properties.fifo');
  restoreEnv = stack.applyEnv();
  process.env.ONBOARDING_QUEUE_URL = queueUrl;
  process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
  app = createApiApp(dependenciesFromEnv());
  groupId = stack.keepnet.state.groupByName('Finance')!.resourceId;
});

afterAll(async () => {
  restoreEnv?.();
  delete process.env.ONBOARDING_QUEUE_URL;
  delete process.env.AWS_ENDPOINT_URL_SQS;
  await Promise.all([stack?.close(), sqs?.close()]);
});

/** A deliberate answer: not a 500, and every error in the one shape. */
function expectDeliberate(result: ApiCallResult): void {
  expect(result.status).not.toBe(500);
  expect(result.status).toBeLessThan(600);
  if (result.status >= 400) {
    const error = (result.body as { error?: { code?: unknown; message?: unknown } }).error;
    expect(typeof error?.code).toBe('string');
    expect(typeof error?.message).toBe('string');
  }
}

const FIELD_NAMES = [
  'name',
  'companyResourceIds',
  'pageNumber',
  'pageSize',
  'orderBy',
  'ascending',
  'filter',
  'all',
  'format',
  'expiresInSeconds',
  'companyResourceId',
  'groupNames',
  'attributes',
  '__proto__',
  'constructor',
];

/** Objects with the API's own field names holding any JSON: reaches the schemas' inner rules. */
const nearMissBody = fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.jsonValue({ maxDepth: 4 }), {
  maxKeys: 4,
});
const anyJsonBody = fc.jsonValue({ maxDepth: 6 });

const bodyRoutes = (): { method: string; path: string }[] => [
  { method: 'POST', path: '/groups' },
  { method: 'POST', path: '/groups/search' },
  { method: 'PATCH', path: `/groups/${groupId}` },
  { method: 'POST', path: `/groups/${groupId}/companies` },
  { method: 'DELETE', path: `/groups/${groupId}/companies` },
  { method: 'PUT', path: `/groups/${groupId}/companies` },
];

const send = (input: ProxyEventInput) => callApi(app.handle, input);

afterEach(() => stack.keepnet.reset());

it('answers any JSON body on any body route deliberately', async () => {
  const statuses = new Set<number>();
  await fc.assert(
    fc.asyncProperty(fc.nat(5), fc.oneof(nearMissBody, anyJsonBody), async (routeIndex, body) => {
      const route = bodyRoutes()[routeIndex]!;
      const result = await send({
        ...route,
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
      statuses.add(result.status);
      expectDeliberate(result);
    }),
    { numRuns: 300 },
  );
  // Some generated bodies were valid and went through to Keepnet: the property covered the whole path.
  expect([...statuses].some((status) => status < 300)).toBe(true);
  expect(statuses.has(400)).toBe(true);
});

it('answers any text body (mostly not JSON) deliberately', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat(5),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
      async (routeIndex, text, contentType) => {
        const route = bodyRoutes()[routeIndex]!;
        const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
        expectDeliberate(await send({ ...route, body: text, headers }));
      },
    ),
    { numRuns: 300 },
  );
});

it('answers any path segment and query value deliberately', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('GET', 'DELETE', 'POST', 'PATCH', 'PUT', 'OPTIONS'),
      async (segment, value, method) => {
        const id = encodeURIComponent(segment) || '%20';
        const q = encodeURIComponent(value);
        expectDeliberate(await send({ method, path: `/groups/${id}/companies?pageSize=${q}&all=${q}` }));
        expectDeliberate(await send({ method, path: `/groups/${id}?deep=${q}` }));
      },
    ),
    { numRuns: 200 },
  );
});

it('answers any correctly signed webhook body deliberately', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(nearMissBody, anyJsonBody), async (body) => {
      const raw = JSON.stringify(body);
      const result = await send({
        method: 'POST',
        path: '/webhooks/company-created',
        body: raw,
        headers: { 'Content-Type': 'application/json', ...signWebhook(LOCAL_WEBHOOK_SECRET, raw) },
        userArn: null,
      });
      expectDeliberate(result);
      // Signed, so a 401 can only be a replay: the same body signed within the same second.
      if (result.status === 401) {
        expect((result.body as { error: { details: { reason: string } } }).error.details.reason).toBe(
          'replayed',
        );
      }
    }),
    { numRuns: 200 },
  );
});

it('refuses bodies nested deeper than the limit, and oversized bodies, without a 500', async () => {
  const deep = `${'{"filterGroups":['.repeat(5000)}${']}'.repeat(5000)}`;
  const nested = await send({
    method: 'POST',
    path: '/groups/search',
    body: deep,
    headers: { 'Content-Type': 'application/json' },
  });
  expect(nested.status).toBe(400);
  const big = await send({ method: 'POST', path: '/groups', body: { name: 'x', pad: 'y'.repeat(300_000) } });
  expect(big.status).toBe(413);
});
