// Log hygiene, end to end: the five real handlers, loaded fresh with POWERTOOLS_LOG_LEVEL=DEBUG against
// the local world (Keepnet simulator, Secrets Manager, s3rver, SQS FIFO, EventBridge), driven through
// success and failure paths (bad Keepnet secret, 401 refresh, SigV4-signed API calls, signed webhooks,
// malformed events). Everything they print (Powertools writes JSON lines through its own
// `new Console(process.stdout, process.stderr)` outside dev mode; anything else through `console`), and
// everything they throw (Lambda logs a handler's error itself), must be free of secrets and tokens.
import { writeFileSync } from 'node:fs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { signWebhook } from '../../lib/webhook/index';
import {
  type Emulators,
  KEEPNET_SECRET_ID,
  LOCAL_WEBHOOK_SECRET,
  startEmulators,
} from '../../local/emulators';
import { type LocalEventBridge, startEventBridge } from '../../local/eventbridge';
import { callApi, makeLambdaContext } from '../../local/lambda-events';
import { type OnboardingPipeline, startOnboardingPipeline } from '../../local/sqs-fifo';
import { companyCreatedEvent, sqsFifoRecord } from '../support/factories';

type AnyHandler = (event: never, context: Context) => Promise<unknown>;
type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const POLLER_BUCKET = 'poller-state';
const WRONG_CLIENT_SECRET = 'wrong-client-secret-0f9e8d7c6b5a';
const SIGV4_SIGNATURE = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';
const SIGV4_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/eu-west-1/execute-api/aws4_request, ' +
  `SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${SIGV4_SIGNATURE}`;
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLEsessionTokenValue0123456789abcdef';
const JWT_PATTERN = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

let stack: Emulators;
let bus: LocalEventBridge;
let pipeline: OnboardingPipeline;
const savedEnv = { ...process.env };

/** Every line printed while the handlers ran, and every error they threw (with its cause chain). */
const printed: string[] = [];
const thrown: unknown[] = [];
const restoreOutput: (() => void)[] = [];

function captureOutput() {
  for (const stream of [process.stdout, process.stderr]) {
    const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    restoreOutput.push(() => spy.mockRestore());
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
    });
    restoreOutput.push(() => spy.mockRestore());
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What Lambda would print for a thrown error: name, message, stack, and every cause below it. */
function describeError(error: unknown, depth = 0): string {
  if (depth > 8 || error === undefined || error === null) return '';
  if (!(error instanceof Error)) return safeJson(error);
  const own = safeJson(Object.fromEntries(Object.entries(error)));
  return [error.name, error.message, error.stack ?? '', own, describeError(error.cause, depth + 1)].join(
    '\n',
  );
}

/** Imports a handler module fresh (a cold start) with the environment as it is now. */
async function load<T>(path: string): Promise<T> {
  let handler: T | undefined;
  await jest.isolateModulesAsync(async () => {
    handler = ((await import(path)) as { handler: T }).handler;
    // What the handler loads on first use, loaded now: in this registry, with this environment.
    await (await import('../../lib/lazy')).loadDeferred();
  });
  return handler!;
}

async function expectRejection(run: () => Promise<unknown>) {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  thrown.push(error);
  return error as Error;
}

const ctx = (functionName: string) => makeLambdaContext({ functionName, timeoutMs: 20_000 });

beforeAll(async () => {
  stack = await startEmulators({
    buckets: [POLLER_BUCKET],
    simulator: { seed: { companies: 20 }, recordExchanges: true, tokenFormat: 'jwt' },
  });
  bus = await startEventBridge();
  Object.assign(process.env, stack.env, {
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
    POLLER_STATE_BUCKET: POLLER_BUCKET,
    POLLER_STATE_KEY: 'company-poller/watermark.json',
    EVENT_BUS_NAME: 'keepnet-onboarding',
  });
  captureOutput();
  pipeline = await startOnboardingPipeline({
    env: stack.env,
    visibilityTimeoutMs: 5_000,
    loadHandlers: async () => ({
      router: await load('../../functions/onboarding-router/handler'),
      worker: await load('../../functions/onboarding-worker/handler'),
    }),
  });
}, 15_000);

afterAll(async () => {
  for (const restore of restoreOutput.splice(0)) restore();
  await pipeline?.close();
  process.env = savedEnv;
  await bus?.close();
  await stack?.close();
});

describe('log hygiene across the five handlers (POWERTOOLS_LOG_LEVEL=DEBUG)', () => {
  it('onboarding-router and -worker: routes, refreshes a revoked token, dead-letters poison with its reason', async () => {
    const company = stack.keepnet.state.addCompany({ name: 'Hygiene Ltd', industryName: 'Finance' });
    await pipeline.router(
      companyCreatedEvent({
        companyResourceId: company.resourceId,
        groupNames: ['EU Customers', 'Hygiene Group'],
      }),
    );
    // Malformed: no companyResourceId; rejected with the field named, nothing queued.
    const malformed = await expectRejection(() => pipeline.router(companyCreatedEvent({ companyName: 'x' })));
    expect(malformed.message).toMatch(/companyResourceId/);

    // A message no worker can read: it must end in the DLQ, with a reason, not vanish.
    const sqs = new SQSClient({});
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: pipeline.queueUrl,
        MessageBody: '{"not":"an onboarding message"}',
        MessageGroupId: 'poison',
        MessageDeduplicationId: 'poison-1',
      }),
    );
    sqs.destroy();

    stack.keepnet.expireTokens(); // the worker's next call gets 401 and must refresh without logging either token
    await pipeline.drain({ concurrency: 1 });

    const hygieneGroup = stack.keepnet.state.groupByName('Hygiene Group');
    expect(hygieneGroup && stack.keepnet.state.groupMemberIds(hygieneGroup.resourceId)).toContain(
      company.resourceId,
    );
    const dead = pipeline.sqs.messages(pipeline.dlqUrl);
    expect(dead.map((m) => m.body)).toEqual(['{"not":"an onboarding message"}']);
    expect(dead[0]?.messageAttributes.DeadLetterReason?.StringValue).toBeTruthy();
  });

  it('company-poller: sets its watermark, then announces a new company', async () => {
    const poll = await load<AnyHandler>('../../functions/company-poller/handler');
    await poll({} as never, ctx('company-poller'));
    const added = stack.keepnet.state.addCompany({
      name: 'Polled Hygiene Ltd',
      createTime: new Date(Date.now() + 60_000).toISOString(),
    });
    stack.keepnet.expireTokens();
    const summary = (await poll({} as never, ctx('company-poller'))) as { emittedIds: string[] };
    expect(summary.emittedIds).toContain(added.resourceId);
  });

  it('scheduled-export: writes an export, and rejects a malformed invocation naming the field', async () => {
    const run = await load<AnyHandler>('../../functions/scheduled-export/handler');
    const summary = (await run(
      { jobs: [{ what: 'groups', format: 'CSV' }] } as never,
      ctx('scheduled-export'),
    )) as {
      objects: unknown[];
    };
    expect(summary.objects.length).toBeGreaterThan(0);
    const error = await expectRejection(() =>
      run({ jobs: [{ what: 'nothing', format: 'PDF' }] } as never, ctx('x')),
    );
    expect(error.message).toMatch(/jobs/);
  });

  it('api: SigV4-signed calls, signed and forged webhooks, bad input; no stack trace in any answer', async () => {
    const api = await load<ApiHandler>('../../functions/api/handler');
    const signed = {
      Authorization: SIGV4_AUTHORIZATION,
      'X-Amz-Security-Token': SESSION_TOKEN,
      'X-Amz-Date': '20261128T180000Z',
    };
    const answers = [
      await callApi(api, { method: 'GET', path: '/groups', headers: signed }),
      await callApi(api, { method: 'POST', path: '/groups', headers: signed, body: { name: '' } }),
      await callApi(api, {
        method: 'POST',
        path: '/groups',
        headers: { ...signed, 'Content-Type': 'application/json' },
        body: '{"name":',
      }),
    ];
    stack.keepnet.expireTokens();
    answers.push(await callApi(api, { method: 'GET', path: '/groups', headers: signed }));
    const body = JSON.stringify({ companyResourceId: 'WhHygiene001', groupNames: ['EU Customers'] });
    answers.push(
      await callApi(api, {
        method: 'POST',
        path: '/webhooks/company-created',
        body,
        headers: { 'Content-Type': 'application/json', ...signWebhook(LOCAL_WEBHOOK_SECRET, body) },
        userArn: null,
      }),
      await callApi(api, {
        method: 'POST',
        path: '/webhooks/company-created',
        body,
        headers: {
          'Content-Type': 'application/json',
          ...signWebhook('another-secret-of-some-length', body),
        },
        userArn: null,
      }),
    );
    // Not an API Gateway event at all: still the one error shape, no stack trace.
    const garbage = await api({ httpMethod: 'GET' } as APIGatewayProxyEvent, ctx('api'));
    expect(garbage.statusCode).toBeGreaterThanOrEqual(400);
    expect(garbage.body).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 400, 200, 202, 401]);
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at |\.ts:\d+/);
  });

  it('with a wrong Keepnet client secret: api answers without detail, export and worker fail without the secret', async () => {
    const good = stack.keepnet.credentials.reseller;
    stack.secrets.setSecret(KEEPNET_SECRET_ID, {
      clientId: good.clientId,
      clientSecret: WRONG_CLIENT_SECRET,
      baseUrl: stack.keepnet.url,
    });
    try {
      const api = await load<ApiHandler>('../../functions/api/handler');
      const answer = await callApi(api, {
        method: 'GET',
        path: '/groups',
        headers: { Authorization: SIGV4_AUTHORIZATION },
      });
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at |\.ts:\d+|clientSecret/);

      const run = await load<AnyHandler>('../../functions/scheduled-export/handler');
      await expectRejection(() =>
        run({ jobs: [{ what: 'groups', format: 'CSV' }] } as never, ctx('scheduled-export')),
      );

      const poll = await load<AnyHandler>('../../functions/company-poller/handler');
      await expectRejection(() => poll({} as never, ctx('company-poller')));

      const worker = await load<(e: SQSEvent, c: Context) => Promise<SQSBatchResponse>>(
        '../../functions/onboarding-worker/handler',
      );
      const groupId = stack.keepnet.state.groupByName('EU Customers')!.resourceId;
      const reply = await worker(
        {
          Records: [
            sqsFifoRecord({
              messageId: 'm-1',
              body: { v: 1, companyResourceId: 'WhHygiene002', group: { id: groupId }, eventId: 'e-1' },
              messageGroupId: groupId,
              deduplicationId: 'd-1',
            }),
          ],
        },
        ctx('onboarding-worker'),
      ).catch((error: unknown) => {
        thrown.push(error);
        return undefined;
      });
      // Either reported failed (retried) or dead-lettered with a reason; never silently dropped.
      const dropped =
        reply !== undefined &&
        reply.batchItemFailures.length === 0 &&
        !pipeline.sqs.messages(pipeline.dlqUrl).some((m) => m.body.includes('WhHygiene002'));
      expect(dropped).toBe(false);
    } finally {
      stack.secrets.setSecret(KEEPNET_SECRET_ID, { ...good, baseUrl: stack.keepnet.url });
    }
  });

  it('printed and threw nothing secret: no client or webhook secret, token, "Bearer " or SigV4 value', () => {
    const tokens = stack.keepnet
      .exchanges()
      .filter((e) => e.template === '/connect/token' && e.status === 200)
      .map((e) => (e.responseBody as { access_token?: string } | undefined)?.access_token)
      .filter((t): t is string => typeof t === 'string' && t.length > 0);
    expect(tokens.length).toBeGreaterThan(2); // a first token, and the refreshes after each revocation

    const forbidden = [
      stack.keepnet.credentials.reseller.clientSecret,
      stack.keepnet.credentials.nonReseller.clientSecret,
      WRONG_CLIENT_SECRET,
      LOCAL_WEBHOOK_SECRET,
      SIGV4_AUTHORIZATION,
      SIGV4_SIGNATURE,
      SESSION_TOKEN,
      'Bearer ',
      ...tokens,
    ];
    const lines = [
      ...printed.flatMap((chunk) => chunk.split('\n')),
      ...thrown.map((e) => describeError(e)),
    ].filter((line) => line.trim() !== '');
    // Enough was printed that a leak would have had somewhere to show.
    expect(printed.length).toBeGreaterThanOrEqual(20);
    expect(thrown.length).toBeGreaterThanOrEqual(4);
    const leaksIn = (candidates: string[]) =>
      candidates.flatMap((line) =>
        [
          ...forbidden.filter((secret) => line.includes(secret)),
          ...(JWT_PATTERN.test(line) ? ['<JWT>'] : []),
        ].map((what) => `${what.slice(0, 12)}… in: ${line.slice(0, 300)}`),
      );
    // The detector itself: a line as a careless `logger.debug('request', { headers })` would print it.
    expect(leaksIn([`{"headers":{"authorization":"Bearer ${tokens[0]}"}}`])).toHaveLength(3);
    const leaks = leaksIn(lines);
    // SECURITY_LOGS_DUMP=<file> keeps what was checked, for a human to read.
    if (process.env.SECURITY_LOGS_DUMP) writeFileSync(process.env.SECURITY_LOGS_DUMP, lines.join('\n'));
    expect(leaks).toEqual([]);
    // And not thanks to the logger's safety net (lib/observability/redact.ts): it never had to fire.
    expect(lines.filter((line) => line.includes('[REDACTED'))).toEqual([]);
  });
});
