// How the API answers when Keepnet or this service's own configuration is at fault: real faults
// injected in the simulator (429, 500, connection reset, latency), real wrong credentials in the local
// Secrets Manager. And what the logs hold meanwhile: never a secret, a token or an Authorization header.

import { resetKeepnetClientFromEnv } from '../../lib/keepnet/index';
import { logger } from '../../lib/observability/powertools';
import { createApiApp } from '../../lib/rest-api/app';
import { dependenciesFromEnv } from '../../lib/rest-api/dependencies';
import { type Emulators, LOCAL_WEBHOOK_SECRET, startEmulators } from '../../local/emulators';
import {
  type ApiCallResult,
  callApi,
  makeLambdaContext,
  type ProxyEventInput,
} from '../../local/lambda-events';

let stack: Emulators;
let restoreEnv: () => void;

beforeAll(async () => {
  stack = await startEmulators();
  restoreEnv = stack.applyEnv();
});

afterAll(async () => {
  await resetKeepnetClientFromEnv();
  restoreEnv?.();
  await stack?.close();
});

beforeEach(() => {
  stack.keepnet.clearFaults();
  stack.keepnet.configure({ latencyMs: 0 });
});

const errorOf = (result: ApiCallResult) =>
  (result.body as { error: { code: string; message: string; details?: unknown } }).error;

/** An app whose environment differs from the stack's by `overrides` (a wrong secret, a missing bucket). */
function appWith(overrides: Record<string, string | undefined> = {}) {
  const app = createApiApp(dependenciesFromEnv({ ...process.env, ...overrides }));
  return (input: ProxyEventInput, timeoutMs?: number) =>
    callApi(app.handle, input, makeLambdaContext(timeoutMs === undefined ? {} : { timeoutMs }));
}

describe('Keepnet failures', () => {
  it('answers 429 with the Retry-After Keepnet gave', async () => {
    stack.keepnet.injectFaults({
      kind: 'rate-limited',
      route: 'GET /api/company-groups',
      retryAfterSeconds: 60,
    });
    const result = await appWith()({ method: 'GET', path: '/groups' });
    expect(result.status).toBe(429);
    expect(result.headers['retry-after']).toBe('60');
    expect(errorOf(result).code).toBe('RATE_LIMITED');
  });

  it('answers 429 with a default Retry-After when Keepnet keeps refusing without one', async () => {
    stack.keepnet.injectFaults({ kind: 'rate-limited', route: 'GET /api/company-groups', times: Infinity });
    const result = await appWith()({ method: 'GET', path: '/groups' });
    expect(result.status).toBe(429);
    expect(Number(result.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 502 when Keepnet keeps failing with 500', async () => {
    stack.keepnet.injectFaults({ kind: 'server-error', route: 'GET /api/company-groups', times: Infinity });
    const result = await appWith()({ method: 'GET', path: '/groups' });
    expect([result.status, errorOf(result).code]).toEqual([502, 'UPSTREAM_UNAVAILABLE']);
  });

  it('answers 502 when the connection keeps being reset', async () => {
    stack.keepnet.injectFaults({
      kind: 'connection-reset',
      route: 'GET /api/company-groups',
      times: Infinity,
    });
    const result = await appWith()({ method: 'GET', path: '/groups' });
    expect([result.status, errorOf(result).code]).toEqual([502, 'UPSTREAM_UNAVAILABLE']);
  });

  it('recovers by itself from one 500 (the client retries): the caller sees 200', async () => {
    stack.keepnet.injectFaults({ kind: 'server-error', route: 'GET /api/company-groups', times: 1 });
    const result = await appWith()({ method: 'GET', path: '/groups' });
    expect(result.status).toBe(200);
  });

  it('answers 504 when Keepnet is slower than the time the Lambda has left', async () => {
    stack.keepnet.configure({ latencyMs: 2_000 });
    const result = await appWith()({ method: 'GET', path: '/groups' }, 1_000);
    expect([result.status, errorOf(result).code]).toEqual([504, 'UPSTREAM_TIMEOUT']);
  });
});

describe("this service's configuration", () => {
  it('answers 502 and explains when the credential is not a Reseller credential', async () => {
    stack.secrets.setSecret('keepnet/non-reseller', {
      ...stack.keepnet.credentials.nonReseller,
      baseUrl: stack.keepnet.url,
    });
    const result = await appWith({ KEEPNET_SECRET_ID: 'keepnet/non-reseller' })({
      method: 'GET',
      path: '/groups',
    });
    expect(result.status).toBe(502);
    expect(errorOf(result).code).toBe('UPSTREAM_FORBIDDEN');
    expect(errorOf(result).message).toMatch(/Reseller/);
    expect(errorOf(result).message).toMatch(/request was valid/);
  });

  it('answers 502 with a safe message when Keepnet refuses the credential', async () => {
    stack.secrets.setSecret('keepnet/wrong', {
      clientId: stack.keepnet.credentials.reseller.clientId,
      clientSecret: 'not-the-secret',
      baseUrl: stack.keepnet.url,
    });
    const result = await appWith({ KEEPNET_SECRET_ID: 'keepnet/wrong' })({ method: 'GET', path: '/groups' });
    expect([result.status, errorOf(result).code]).toEqual([502, 'UPSTREAM_AUTHENTICATION_FAILED']);
    expect(JSON.stringify(result.body)).not.toContain('not-the-secret');
  });

  it('answers 500 without detail when KEEPNET_SECRET_ID is missing or names no secret', async () => {
    for (const secretId of ['', 'keepnet/absent']) {
      const result = await appWith({ KEEPNET_SECRET_ID: secretId })({ method: 'GET', path: '/groups' });
      expect(result.status).toBe(500);
      expect(errorOf(result)).toEqual({
        code: 'CONFIGURATION_ERROR',
        message: 'The service is misconfigured; see its logs.',
      });
    }
  });

  it('answers 500 for export-now when EXPORT_BUCKET is unset', async () => {
    const result = await appWith({ EXPORT_BUCKET: undefined })({
      method: 'POST',
      path: '/groups/export',
      body: {},
    });
    expect(result.status).toBe(500);
    expect(errorOf(result).details).toEqual({ variable: 'EXPORT_BUCKET' });
  });
});

describe('logs', () => {
  it('never contain a secret, a token, an Authorization header or a stack trace', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    logger.setLogLevel('DEBUG');
    const authorization =
      'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE/20261128/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=deadbeefcafe';
    const responses: string[] = [];
    try {
      stack.secrets.setSecret('keepnet/wrong2', {
        clientId: stack.keepnet.credentials.reseller.clientId,
        clientSecret: 'wrong-secret-value',
        baseUrl: stack.keepnet.url,
      });
      const headers = { Authorization: authorization, 'X-Amz-Security-Token': 'session-token-value' };
      const calls: [Record<string, string | undefined>, ProxyEventInput][] = [
        [{}, { method: 'GET', path: '/groups', headers }],
        [{}, { method: 'POST', path: '/groups', headers, body: { name: '' } }],
        [{}, { method: 'POST', path: '/webhooks/company-created', body: { companyResourceId: 'abc' } }],
        [{ KEEPNET_SECRET_ID: 'keepnet/wrong2' }, { method: 'GET', path: '/groups', headers }],
        [{ KEEPNET_SECRET_ID: 'keepnet/absent' }, { method: 'GET', path: '/groups', headers }],
      ];
      stack.keepnet.injectFaults({ kind: 'server-error', route: 'GET /api/company-groups', times: 4 });
      for (const [overrides, input] of calls) {
        responses.push(JSON.stringify((await appWith(overrides)(input)).raw));
      }
    } finally {
      logger.setLogLevel('SILENT');
      spy.mockRestore();
      errSpy.mockRestore();
      void write;
    }
    const logs = lines.join('');
    expect(logs).toContain('keepnet call failed'); // the capture works: something was logged
    const forbidden = [
      stack.keepnet.credentials.reseller.clientSecret,
      'wrong-secret-value',
      LOCAL_WEBHOOK_SECRET,
      'Signature=deadbeefcafe',
      'session-token-value',
      'Bearer ',
      'eyJ', // any JWT
    ];
    for (const text of [logs, ...responses]) {
      for (const secret of forbidden) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/); // stack frames
    }
  });
});
