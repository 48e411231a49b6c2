// The `api` function fed API Gateway REST (v1) proxy events built field by field as the gateway delivers
// them (not through local/lambda-events' event builder): header names in any case in both header maps,
// null query maps, the stage "v1" in requestContext.path (and, behind a custom domain, in event.path),
// decoded `proxy` parameters, base64 bodies. Each case once made the function misbehave (a Lambda
// error, a 500, a wrong route) or guards a behaviour a real gateway depends on.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { createApiApp } from '../../lib/rest-api/app';
import { dependenciesFromEnv } from '../../lib/rest-api/dependencies';
import { signWebhook } from '../../lib/webhook/index';
import { type Emulators, LOCAL_WEBHOOK_SECRET, startEmulators } from '../../local/emulators';
import { makeLambdaContext } from '../../local/lambda-events';
import { type LocalSqs, startSqs } from '../../local/sqs-fifo';

let stack: Emulators;
let sqs: LocalSqs;
let restoreEnv: () => void;
let app: ReturnType<typeof createApiApp>;
let financeId: string;

beforeAll(async () => {
  stack = await startEmulators();
  sqs = await startSqs();
  const { queueUrl } = sqs.createFifoQueueWithDlq('envelopes.fifo');
  restoreEnv = stack.applyEnv();
  process.env.ONBOARDING_QUEUE_URL = queueUrl;
  process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
  app = createApiApp(dependenciesFromEnv());
  financeId = stack.keepnet.state.groupByName('Finance')!.resourceId;
});

afterAll(async () => {
  restoreEnv?.();
  delete process.env.ONBOARDING_QUEUE_URL;
  delete process.env.AWS_ENDPOINT_URL_SQS;
  await Promise.all([stack?.close(), sqs?.close()]);
});

afterEach(() => stack.keepnet.reset());

interface EnvelopeInput {
  method: string;
  /** Our path, percent-encoded as the caller sent it, optionally with a query string. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | null;
  base64?: boolean;
  /** What precedes our path in event.path: nothing (execute-api URL), or a custom domain's base path. */
  eventPathPrefix?: string;
  /** Leave queryStringParameters null and give only the multi-value map. */
  multiValueQueryOnly?: boolean;
  /** null for the unsigned webhook. */
  userArn?: string | null;
  /** The resource API Gateway matched (default `/{proxy+}`) and, for a templated one, its parameters. */
  resource?: string;
  pathParameters?: Record<string, string> | null;
}

/** An event as API Gateway REST delivers it for the resource `/{proxy+}` (or another) on the stage `v1`. */
function envelope(input: EnvelopeInput): APIGatewayProxyEvent {
  const [pathOnly = '/', queryString = ''] = input.path.split('?');
  const headers = {
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-For': '203.0.113.7',
    ...input.headers,
  };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(queryString)) {
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  const hasQuery = Object.keys(multi).length > 0;
  let body: string | null = null;
  if (input.body !== undefined && input.body !== null) {
    const bytes = Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body, 'utf8');
    body = input.base64 ? bytes.toString('base64') : bytes.toString('utf8');
  }
  const userArn = input.userArn === undefined ? 'arn:aws:iam::123456789012:user/msp-operator' : input.userArn;
  const resource = input.resource ?? '/{proxy+}';
  return {
    resource,
    path: `${input.eventPathPrefix ?? ''}${pathOnly}`,
    httpMethod: input.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: hasQuery && !input.multiValueQueryOnly ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    // API Gateway decodes the greedy parameter.
    pathParameters:
      input.pathParameters !== undefined
        ? input.pathParameters
        : resource !== '/{proxy+}' || pathOnly === '/'
          ? null
          : { proxy: safeDecode(pathOnly.slice(1)) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: userArn ? '123456789012' : null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: null,
        userArn,
      },
      path: `/v1${pathOnly}`,
      stage: 'v1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: resource,
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
    },
    body,
    isBase64Encoded: Boolean(input.base64 && body !== null),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  raw: APIGatewayProxyResult;
}

async function send(event: APIGatewayProxyEvent): Promise<Answer> {
  const raw = await app.handle(event, makeLambdaContext());
  const headers = Object.fromEntries(
    Object.entries(raw.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  const text = raw.isBase64Encoded ? Buffer.from(raw.body, 'base64').toString('utf8') : raw.body;
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: raw.statusCode, headers, body, raw };
}

const call = (input: EnvelopeInput) => send(envelope(input));
const errorOf = (answer: Answer) =>
  (answer.body as { error: { code: string; message: string; details?: { issues?: { field: string }[] } } })
    .error;
const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('paths as API Gateway gives them', () => {
  it('routes with null query maps, and with the stage or a base path in event.path', async () => {
    for (const eventPathPrefix of ['', '/v1', '/keepnet/v1']) {
      const answer = await call({ method: 'GET', path: `/groups/${financeId}`, eventPathPrefix });
      expect([eventPathPrefix, answer.status]).toEqual([eventPathPrefix, 200]);
      expect((answer.body as { name: string }).name).toBe('Finance');
    }
  });

  it('routes a templated resource and the webhook resource behind a base path as well', async () => {
    const group = await call({
      method: 'GET',
      path: `/groups/${financeId}/companies?pageSize=1`,
      eventPathPrefix: '/keepnet',
      resource: '/groups/{groupId}/companies',
      pathParameters: { groupId: financeId },
    });
    expect(group.status).toBe(200);
    const unsigned = await call({
      method: 'POST',
      path: '/webhooks/company-created',
      eventPathPrefix: '/keepnet',
      resource: '/webhooks/company-created',
      headers: JSON_HEADERS,
      body: '{}',
      userArn: null,
    });
    // The webhook route, not a 404: refused for its missing signature.
    expect([unsigned.status, errorOf(unsigned).code]).toEqual([401, 'INVALID_SIGNATURE']);
  });

  it('answers 405 with Allow for a wrong method, the stage in event.path or not', async () => {
    for (const eventPathPrefix of ['', '/v1']) {
      const answer = await call({ method: 'PUT', path: '/groups', eventPathPrefix });
      expect([answer.status, errorOf(answer).code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
      expect(answer.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    }
  });

  it('takes GET /groups/search for the search route (405, POST only), never for a group "search"', async () => {
    stack.keepnet.resetCounts();
    const answer = await call({ method: 'GET', path: '/groups/search' });
    expect([answer.status, errorOf(answer).code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(answer.headers.allow).toBe('OPTIONS, POST');
    expect(stack.keepnet.counts()).toEqual({});
    const exported = await call({ method: 'DELETE', path: '/groups/export' });
    expect(exported.status).toBe(405);
    const search = await call({
      method: 'POST',
      path: '/groups/search',
      headers: JSON_HEADERS,
      body: JSON.stringify({ pageSize: 2 }),
    });
    expect(search.status).toBe(200);
    expect((search.body as { results: unknown[] }).results).toHaveLength(2);
  });

  it('answers 400 naming the path for a malformed %-escape or an encoded slash in an id', async () => {
    const malformed = await call({ method: 'GET', path: '/groups/%E0%A4%A' });
    expect([malformed.status, errorOf(malformed).code]).toEqual([400, 'INVALID_REQUEST']);
    expect(errorOf(malformed).details?.issues?.[0]?.field).toBe('path');
    const slash = await call({ method: 'GET', path: '/groups/ab%2Fcd' });
    expect([slash.status, errorOf(slash).code]).toEqual([400, 'INVALID_REQUEST']);
    const question = await call({ method: 'GET', path: '/groups/ab%3Fx=1' });
    expect([question.status, errorOf(question).code]).toEqual([400, 'INVALID_REQUEST']);
  });

  it('reads a query given only as multiValueQueryStringParameters', async () => {
    const answer = await call({
      method: 'GET',
      path: `/groups/${financeId}/companies?pageSize=2`,
      multiValueQueryOnly: true,
    });
    expect(answer.status).toBe(200);
    expect((answer.body as { pageSize: number; results: unknown[] }).results).toHaveLength(2);
  });

  it('answers HEAD as GET without a body, and OPTIONS with the methods of the path', async () => {
    const head = await call({ method: 'HEAD', path: '/groups' });
    expect([head.status, head.raw.body]).toEqual([200, '']);
    expect(head.headers['content-type']).toMatch(/^application\/json/);
    const headMissing = await call({ method: 'HEAD', path: '/nope' });
    expect([headMissing.status, headMissing.raw.body]).toEqual([404, '']);
    const options = await call({ method: 'OPTIONS', path: `/groups/${financeId}/companies` });
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, POST, PUT');
    for (const path of ['/groups', '/nope']) {
      const unknownMethod = await call({ method: 'PROPFIND', path });
      expect([unknownMethod.status, typeof errorOf(unknownMethod).code]).toEqual([
        path === '/nope' ? 404 : 405,
        'string',
      ]);
    }
    const optionsMissing = await call({ method: 'OPTIONS', path: '/nope' });
    expect([optionsMissing.status, errorOf(optionsMissing).code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it('answers an event with fields left out (a test console) instead of failing the invocation', async () => {
    const event = envelope({ method: 'GET', path: '/health' }) as Partial<APIGatewayProxyEvent>;
    delete event.multiValueHeaders;
    delete event.multiValueQueryStringParameters;
    delete event.stageVariables;
    delete event.body;
    const answer = await send(event as APIGatewayProxyEvent);
    expect([answer.status, answer.body]).toEqual([200, { status: 'ok', keepnet: 'not-checked' }]);
    // The console's test invoke sends no headers at all: null maps.
    const bare = { ...envelope({ method: 'GET', path: '/health' }), headers: null, multiValueHeaders: null };
    expect((await send(bare as unknown as APIGatewayProxyEvent)).status).toBe(200);
    for (const junk of [{ hello: 'world' }, { httpMethod: 7, path: '/health' }, null]) {
      const notAnEvent = await send(junk as unknown as APIGatewayProxyEvent);
      expect([notAnEvent.status, errorOf(notAnEvent).code]).toEqual([400, 'INVALID_REQUEST']);
    }
  });
});

describe('headers and bodies as API Gateway gives them', () => {
  it('ignores a body sent with GET (the gateway forwards it; a web Request refuses it)', async () => {
    const answer = await call({
      method: 'GET',
      path: '/groups',
      headers: { ...JSON_HEADERS, 'Content-Length': '7' },
      body: '{"x":1}',
    });
    expect(answer.status).toBe(200);
  });

  it('drops a header value a web Request refuses (non-Latin-1) instead of failing the invocation', async () => {
    const answer = await call({ method: 'GET', path: '/groups', headers: { 'User-Agent': 'crm € 1.0' } });
    expect(answer.status).toBe(200);
  });

  it('accepts upper-case header names and an upper-case media type with a charset', async () => {
    const answer = await call({
      method: 'POST',
      path: '/groups',
      headers: { 'CONTENT-TYPE': 'Application/JSON; charset=UTF-8' },
      body: JSON.stringify({ name: 'Upper Case Media' }),
    });
    expect(answer.status).toBe(201);
    const created = stack.keepnet.state.groupByName('Upper Case Media');
    // The Location resolves against the URL the caller used, stage included.
    const requestUrl = 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/groups';
    expect(new URL(answer.headers.location ?? '', requestUrl).pathname).toBe(
      `/v1/groups/${created?.resourceId}`,
    );
  });

  it.each([false, true])('accepts a JSON body with a byte-order mark (base64: %s)', async (base64) => {
    const answer = await call({
      method: 'POST',
      path: '/groups',
      // The length API Gateway reports is the sender's; base64 makes the event body longer.
      headers: { 'content-type': 'application/json; charset=utf-8', 'Content-Length': '3' },
      body: `\uFEFF${JSON.stringify({ name: `Bom ${base64}` })}`,
      base64,
    });
    expect(answer.status).toBe(201);
  });

  it('refuses a 5 MB body with 413 (the gateway allows 10 MB)', async () => {
    const answer = await call({
      method: 'PUT',
      path: `/groups/${financeId}/companies`,
      headers: JSON_HEADERS,
      body: JSON.stringify({ companyResourceIds: ['x'.repeat(5 * 1024 * 1024)] }),
      base64: true,
    });
    expect([answer.status, errorOf(answer).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});

describe('the webhook with real envelopes', () => {
  const signed = (bytes: Buffer, headers: Record<string, string> = {}, base64 = false) =>
    call({
      method: 'POST',
      path: '/webhooks/company-created',
      resource: '/webhooks/company-created',
      headers: {
        'content-type': 'application/json',
        ...signWebhook(LOCAL_WEBHOOK_SECRET, bytes),
        ...headers,
      },
      body: bytes,
      base64,
      userArn: null,
    });
  let counter = 0;
  const detailBytes = (prefix = '') =>
    Buffer.from(
      // A named group: a webhook with no target group is a 422 (nothing would happen), not the point here.
      `${prefix}${JSON.stringify({ companyResourceId: `Env${String(++counter).padStart(9, '0')}`, groupNames: ['EU Customers'] })}`,
    );

  it.each([false, true])(
    'verifies the signature over the exact bytes, BOM included (base64: %s)',
    async (base64) => {
      const answer = await signed(detailBytes('\uFEFF'), {}, base64);
      expect(answer.status).toBe(202);
    },
  );

  it('reads upper-case signature header names', async () => {
    const bytes = detailBytes();
    const headers = Object.fromEntries(
      Object.entries(signWebhook(LOCAL_WEBHOOK_SECRET, bytes)).map(([name, value]) => [
        name.toUpperCase(),
        value,
      ]),
    );
    const answer = await call({
      method: 'POST',
      path: '/webhooks/company-created',
      resource: '/webhooks/company-created',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: bytes,
      userArn: null,
    });
    expect(answer.status).toBe(202);
  });

  it('answers 400 (after the signature) for signed bytes that are not UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"companyResourceId":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const answer = await signed(bytes, {}, true);
    expect([answer.status, errorOf(answer).code]).toEqual([400, 'MALFORMED_JSON']);
  });

  it('answers 401 in the one error shape when the signature headers are missing', async () => {
    const answer = await call({
      method: 'POST',
      path: '/webhooks/company-created',
      resource: '/webhooks/company-created',
      headers: JSON_HEADERS,
      body: detailBytes(),
      userArn: null,
    });
    expect([answer.status, errorOf(answer).code]).toEqual([401, 'INVALID_SIGNATURE']);
    expect(answer.headers['www-authenticate']).toBe('KeepnetSignature');
  });
});

describe('properties', () => {
  const segment = fc.oneof(
    fc.constantFrom('groups', 'search', 'export', 'companies', 'webhooks', 'company-created', 'health', ''),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.constantFrom('%', '%E0%A4%A', '%2F', '..', '%00', '?', '#'),
  );
  const headerName = fc.constantFrom(
    'Content-Type',
    'CONTENT-TYPE',
    'content-type',
    'X-Custom',
    'Idempotency-Key',
    'Host',
    'X-Forwarded-Proto',
  );
  const headerValue = fc.oneof(
    fc.constantFrom('application/json', 'Application/JSON; charset=utf-8', 'text/plain', ''),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );

  it('answers any envelope (method, path, prefix, headers, body, base64) deliberately: never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'get', 'PROPFIND'),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '/v1', '/base/v1'),
        fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
        fc.option(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.json({ maxDepth: 3 }))),
        fc.boolean(),
        async (method, segments, eventPathPrefix, headers, body, base64) => {
          // Keep it away from Keepnet: only the ids below exist, everything else is answered locally.
          const path = `/${segments.join('/')}`.replace(
            /^\/groups\/(?!search|export)[^/]+/,
            '/groups/Zz0000000000',
          );
          const answer = await call({ method, path, eventPathPrefix, headers, body, base64 });
          expect(answer.status).not.toBe(500);
          expect(answer.status).toBeLessThan(600);
          if (answer.status >= 400 && method !== 'HEAD') {
            expect(typeof errorOf(answer).code).toBe('string');
            expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at /);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
