// The signed company-created webhook, end to end: the secret from the local Secrets Manager, HMAC
// verification over the exact body bytes, freshness, replay, and the hand-off to the onboarding FIFO
// queue (local SQS), through full API Gateway v1 events.
import { createApiApp } from '../../lib/rest-api/app';
import { dependenciesFromEnv } from '../../lib/rest-api/dependencies';
import { signWebhook } from '../../lib/webhook/index';
import { type Emulators, LOCAL_WEBHOOK_SECRET, startEmulators } from '../../local/emulators';
import { type ApiCallResult, callApi } from '../../local/lambda-events';
import { type LocalSqs, startSqs } from '../../local/sqs-fifo';

let stack: Emulators;
let sqs: LocalSqs;
let queueUrl: string;
let restoreEnv: () => void;

beforeAll(async () => {
  stack = await startEmulators();
  sqs = await startSqs();
  queueUrl = sqs.createFifoQueueWithDlq('webhook-onboarding.fifo').queueUrl;
  restoreEnv = stack.applyEnv();
  process.env.ONBOARDING_QUEUE_URL = queueUrl;
  process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
});

afterAll(async () => {
  restoreEnv?.();
  delete process.env.ONBOARDING_QUEUE_URL;
  delete process.env.AWS_ENDPOINT_URL_SQS;
  await Promise.all([stack?.close(), sqs?.close()]);
});

const now = () => Math.floor(Date.now() / 1000);
let counter = 0;
/** A fresh CompanyCreated detail, so each test's signature (and event id) is its own. */
function detail(extra: Record<string, unknown> = {}) {
  counter += 1;
  return {
    companyResourceId: `Wh${String(counter).padStart(10, '0')}`,
    companyName: 'Acme Ltd',
    groupResourceIds: ['Q3sdf9Kl0aZx'],
    groupNames: ['EU Customers'],
    ...extra,
  };
}

function post(app: ReturnType<typeof createApiApp>, rawBody: string, headers: Record<string, string>) {
  return callApi(app.handle, {
    method: 'POST',
    path: '/webhooks/company-created',
    body: rawBody,
    headers: { 'Content-Type': 'application/json', ...headers },
    userArn: null, // not IAM-signed: API Gateway lets it through to the signature check
  });
}

const errorOf = (result: ApiCallResult) =>
  (result.body as { error: { code: string; details: { reason: string } } }).error;

describe('POST /webhooks/company-created', () => {
  const app = () => createApiApp(dependenciesFromEnv());

  it('tells the sender nothing will happen (422 NO_TARGET_GROUP) when no group is named or matched, and takes the same call again', async () => {
    const body = JSON.stringify(detail({ groupResourceIds: [], groupNames: [] }));
    const sentBefore = sqs.sentCount();
    const headers = signWebhook(LOCAL_WEBHOOK_SECRET, body);
    const container = app(); // one replay cache for both calls
    const result = await post(container, body, headers);
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({
      error: { code: 'NO_TARGET_GROUP', message: expect.stringContaining('Nothing will happen') },
    });
    expect(sqs.sentCount()).toBe(sentBefore);
    // Nothing was queued, so the request is not remembered as a replay: the sender may send it again.
    expect((await post(container, body, headers)).status).toBe(422);
  });

  it('accepts a correctly signed call (202) and queues one message per target group', async () => {
    const body = JSON.stringify(detail());
    const sentBefore = sqs.sentCount();
    const result = await post(app(), body, signWebhook(LOCAL_WEBHOOK_SECRET, body));
    expect(result.status).toBe(202);
    const queued = (result.body as { queued: { group: unknown }[] }).queued;
    expect(queued.map((q) => q.group)).toEqual([{ id: 'Q3sdf9Kl0aZx' }, { name: 'EU Customers' }]);
    expect(sqs.sentCount() - sentBefore).toBe(2);
  });

  it.each([
    ['no signature headers at all', () => ({}), 'missing-timestamp'],
    ['a timestamp but no signature', () => ({ 'X-Keepnet-Timestamp': String(now()) }), 'missing-signature'],
    [
      'a malformed signature',
      () => ({ 'X-Keepnet-Timestamp': String(now()), 'X-Keepnet-Signature': 'v1=xyz' }),
      'malformed-signature',
    ],
    [
      'a signature made with another secret',
      (b: string) => signWebhook('another-secret-of-some-length', b),
      'signature-mismatch',
    ],
    [
      'a signature over other bytes',
      (b: string) => signWebhook(LOCAL_WEBHOOK_SECRET, b.replace('Acme', 'Acne')),
      'signature-mismatch',
    ],
    [
      'a timestamp six minutes old',
      (b: string) => signWebhook(LOCAL_WEBHOOK_SECRET, b, now() - 360),
      'stale-timestamp',
    ],
    [
      'a timestamp six minutes ahead',
      (b: string) => signWebhook(LOCAL_WEBHOOK_SECRET, b, now() + 360),
      'future-timestamp',
    ],
    [
      'a timestamp a minute ahead (at most 30 s of clock skew)',
      (b: string) => signWebhook(LOCAL_WEBHOOK_SECRET, b, now() + 60),
      'future-timestamp',
    ],
  ])('refuses %s with 401 and queues nothing', async (_label, sign, reason) => {
    const body = JSON.stringify(detail());
    const sentBefore = sqs.sentCount();
    const result = await post(app(), body, sign(body));
    expect(result.status).toBe(401);
    expect(errorOf(result)).toMatchObject({ code: 'INVALID_SIGNATURE', details: { reason } });
    expect(result.headers['www-authenticate']).toBe('KeepnetSignature');
    expect(sqs.sentCount()).toBe(sentBefore);
  });

  it('refuses a replay in the same container, and SQS de-duplication absorbs one in another', async () => {
    const body = JSON.stringify(detail());
    const headers = signWebhook(LOCAL_WEBHOOK_SECRET, body);
    const container = app();
    const sentBefore = sqs.sentCount();
    expect((await post(container, body, headers)).status).toBe(202);
    const replay = await post(container, body, headers);
    expect(replay.status).toBe(401);
    expect(errorOf(replay).details.reason).toBe('replayed');
    // Another container has an empty replay cache: accepted, but the same event id → same dedup ids.
    expect((await post(app(), body, headers)).status).toBe(202);
    expect(sqs.sentCount() - sentBefore).toBe(2);
  });

  it('takes a rotation replay carrying only the previous signature for the same request, in any container', async () => {
    stack.secrets.setSecret('keepnet/webhook-rotation-replay', {
      current: 'the-new-webhook-secret-value',
      previous: LOCAL_WEBHOOK_SECRET,
    });
    const env = { ...process.env, WEBHOOK_SECRET_ID: 'keepnet/webhook-rotation-replay' };
    const first = createApiApp(dependenciesFromEnv(env));
    const second = createApiApp(dependenciesFromEnv(env)); // another container: its own replay cache
    const body = JSON.stringify(detail());
    const ts = now();
    const both = signWebhook(['the-new-webhook-secret-value', LOCAL_WEBHOOK_SECRET], body, ts);
    const previousOnly = signWebhook(LOCAL_WEBHOOK_SECRET, body, ts);
    const sentBefore = sqs.sentCount();
    const accepted = await post(first, body, both);
    expect(accepted.status).toBe(202);
    expect(sqs.sentCount() - sentBefore).toBe(2);
    // Same container: the replay cache knows the request, whichever signature it now carries.
    const replay = await post(first, body, previousOnly);
    expect([replay.status, errorOf(replay).details.reason]).toEqual([401, 'replayed']);
    // Another container accepts it, but its messages carry the same deduplication ids: the queue drops them.
    const elsewhere = await post(second, body, previousOnly);
    expect(elsewhere.status).toBe(202);
    const ids = (result: ApiCallResult) =>
      (result.body as { queued: { messageId: string }[] }).queued.map((q) => q.messageId);
    expect(ids(elsewhere)).toEqual(ids(accepted));
    expect(sqs.sentCount() - sentBefore).toBe(2);
  });

  it('accepts both signatures during a rotation: the sender signs with two secrets, the receiver holds two', async () => {
    stack.secrets.setSecret('keepnet/webhook-rotating', {
      current: 'the-new-webhook-secret-value',
      previous: LOCAL_WEBHOOK_SECRET,
    });
    const rotating = createApiApp(
      dependenciesFromEnv({ ...process.env, WEBHOOK_SECRET_ID: 'keepnet/webhook-rotating' }),
    );
    const oldSender = JSON.stringify(detail());
    expect((await post(rotating, oldSender, signWebhook(LOCAL_WEBHOOK_SECRET, oldSender))).status).toBe(202);
    const newSender = JSON.stringify(detail());
    expect(
      (await post(rotating, newSender, signWebhook('the-new-webhook-secret-value', newSender))).status,
    ).toBe(202);
    const bothSigned = JSON.stringify(detail());
    const headers = signWebhook(['unknown-secret-value-0001', 'the-new-webhook-secret-value'], bothSigned);
    expect(headers['X-Keepnet-Signature']).toMatch(/^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect((await post(rotating, bothSigned, headers)).status).toBe(202);
  });

  it('checks the body only after the signature: a signed but invalid detail is a 400 naming the field', async () => {
    const body = JSON.stringify({ companyResourceId: 'has spaces', groupNames: [''] });
    const result = await post(app(), body, signWebhook(LOCAL_WEBHOOK_SECRET, body));
    expect(result.status).toBe(400);
    const message = (result.body as { error: { message: string } }).error.message;
    expect(message).toContain('body.companyResourceId');
    expect(message).toContain('body.groupNames[0]');
  });

  it('reads the bytes as JSON only after the signature holds', async () => {
    const body = '{"companyResourceId": ';
    const unsigned = await post(app(), body, {
      'X-Keepnet-Timestamp': String(now()),
      'X-Keepnet-Signature': `v1=${'0'.repeat(64)}`,
    });
    expect([unsigned.status, errorOf(unsigned).details.reason]).toEqual([401, 'signature-mismatch']);
    const signed = await post(app(), body, signWebhook(LOCAL_WEBHOOK_SECRET, body));
    expect(signed.status).toBe(400);
    expect((signed.body as { error: { code: string } }).error.code).toBe('MALFORMED_JSON');
  });

  it('lets the sender retry the same signed call when the queue failed it (503, then 202)', async () => {
    const body = JSON.stringify(detail());
    const headers = signWebhook(LOCAL_WEBHOOK_SECRET, body);
    const container = app();
    sqs.failNextSends(3 * 2); // three attempts of both entries
    const failed = await post(container, body, headers);
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('5');
    const retried = await post(container, body, headers);
    expect(retried.status).toBe(202);
  });

  it('answers 500 without detail when the webhook secret is unusable', async () => {
    stack.secrets.setSecret('keepnet/webhook-short', 'short');
    const broken = createApiApp(
      dependenciesFromEnv({ ...process.env, WEBHOOK_SECRET_ID: 'keepnet/webhook-short' }),
    );
    const body = JSON.stringify(detail());
    const result = await post(broken, body, signWebhook('short', body));
    expect(result.status).toBe(500);
    expect((result.body as { error: { code: string } }).error.code).toBe('CONFIGURATION_ERROR');
  });
});
