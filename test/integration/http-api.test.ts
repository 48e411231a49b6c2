// The `api` function end to end: full API Gateway v1 events through the real handler and router, the
// real Keepnet client over HTTP to the simulator, Secrets Manager and S3 (s3rver) and SQS FIFO local
// endpoints, all on 127.0.0.1. Every route, and the error paths a caller can provoke.
import { createHash } from 'node:crypto';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import Ajv2020 from 'ajv/dist/2020';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { parse as parseCsv } from 'csv-parse/sync';
import { type Emulators, startEmulators } from '../../local/emulators';
import { type ApiCallResult, callApi, type ProxyEventInput } from '../../local/lambda-events';
import { type LocalSqs, runFifoConsumers, type SqsHandler, startSqs } from '../../local/sqs-fifo';
import { checkAnswersAgainstDocument } from './api-contract';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let stack: Emulators;
let sqs: LocalSqs;
let queueUrl: string;
let restoreEnv: () => void;
let handler: Handler;
let worker: SqsHandler;

/** Applies what the API queued, as the onboarding worker's event source mapping would. */
async function applyQueued() {
  const consumers = runFifoConsumers({ queueUrl, handler: worker, concurrency: 1 });
  try {
    await consumers.drained({ timeoutMs: 15_000 });
  } finally {
    await consumers.stop();
  }
}

/** Polls GET /operations/{id} as a client would, once the queue is drained. */
async function settled(accepted: ApiCallResult) {
  expect(accepted.status).toBe(202);
  const { location, operationId } = accepted.body as { location: string; operationId: string };
  expect(accepted.headers?.Location ?? accepted.headers?.location).toBe(location);
  expect(location).toBe(`/operations/${operationId}`);
  await applyQueued();
  const read = await call({ method: 'GET', path: location });
  expect(read.status).toBe(200);
  return read.body as {
    status: string;
    result?: { added: string[]; removed: string[]; alreadySo: string[]; renamedTo?: string };
    error?: { code: string };
  };
}

beforeAll(async () => {
  stack = await startEmulators();
  sqs = await startSqs();
  queueUrl = sqs.createFifoQueueWithDlq('api-onboarding.fifo').queueUrl;
  restoreEnv = stack.applyEnv();
  process.env.ONBOARDING_QUEUE_URL = queueUrl;
  process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
  // The Lambda entry point itself, loaded after the environment is in place (it builds at import).
  handler = (await import('../../functions/api/handler')).handler;
  worker = (await import('../../functions/onboarding-worker/handler')).handler;
});

afterAll(async () => {
  const { resetKeepnetClientFromEnv } = await import('../../lib/keepnet/index');
  await resetKeepnetClientFromEnv();
  restoreEnv?.();
  delete process.env.ONBOARDING_QUEUE_URL;
  delete process.env.AWS_ENDPOINT_URL_SQS;
  await Promise.all([stack?.close(), sqs?.close()]);
});

beforeEach(() => {
  stack.keepnet.reset();
  stack.keepnet.clearFaults();
  stack.keepnet.configure({ participantsMode: 'replace' });
});

/** Every answer of this file, checked against the OpenAPI document at the end. */
const answers: { method: string; path: string; result: ApiCallResult }[] = [];
const call = async (input: ProxyEventInput): Promise<ApiCallResult> => {
  const result = await callApi(handler, input);
  answers.push({ method: input.method, path: new URL(input.path, 'https://x').pathname, result });
  return result;
};
const groupId = (name: string): string => stack.keepnet.state.groupByName(name)!.resourceId;
const errorOf = (result: ApiCallResult) =>
  (result.body as { error: { code: string; message: string; details?: unknown } }).error;

describe('health and contract', () => {
  it('answers health, and with deep=true proves Keepnet answers with the service credential', async () => {
    expect((await call({ method: 'GET', path: '/health' })).body).toEqual({
      status: 'ok',
      keepnet: 'not-checked',
    });
    stack.keepnet.resetCounts();
    const deep = await call({ method: 'GET', path: '/health?deep=true' });
    expect(deep.body).toEqual({ status: 'ok', keepnet: 'reachable' });
    expect(stack.keepnet.count('POST /api/company-groups/search')).toBe(1);
  });

  it('serves an OpenAPI 3.1 document whose schemas compile and whose responses match real answers', async () => {
    const doc = (await call({ method: 'GET', path: '/openapi.json' })).body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, object> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/groups',
        '/groups/{groupId}',
        '/groups/{groupId}/companies',
        '/webhooks/company-created',
      ]),
    );
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const validate = (id: string, data: unknown) => {
      const check = ajv.compile({ $ref: `doc#/components/schemas/${id}` });
      const valid = check(data);
      return valid ? null : check.errors;
    };
    const list = await call({ method: 'GET', path: '/groups' });
    expect(validate('GroupList', list.body)).toBeNull();
    const page = await call({ method: 'GET', path: `/groups/${groupId('Finance')}/companies?pageSize=3` });
    expect(validate('CompanyPage', page.body)).toBeNull();
    const bad = await call({ method: 'POST', path: '/groups', body: { name: '' } });
    expect(validate('Error', bad.body)).toBeNull();
    // The request schema is the router's: what it refuses, the document refuses.
    expect(validate('CreateGroupRequest', { name: 'ok', colour: 'red' })).not.toBeNull();
  });
});

describe('group routes', () => {
  it('lists every group', async () => {
    const result = await call({ method: 'GET', path: '/groups' });
    expect(result.status).toBe(200);
    const names = (result.body as { groups: { name: string }[] }).groups.map((g) => g.name).sort();
    expect(names).toEqual(
      stack.keepnet.state
        .groups()
        .map((g) => g.name)
        .sort(),
    );
  });

  it('gives the creation time one name, createdAt, in list, get and search (Keepnet: addedTime / createTime)', async () => {
    type Timed = { resourceId: string; createdAt: string | null; addedTime?: string; createTime?: string };
    const id = groupId('Finance');
    const created = stack.keepnet.state.group(id)!.createTime;
    const listed = (await call({ method: 'GET', path: '/groups' })).body as { groups: Timed[] };
    const got = (await call({ method: 'GET', path: `/groups/${id}` })).body as Timed;
    const searched = (await call({ method: 'POST', path: '/groups/search', body: { all: true } })).body as {
      results: Timed[];
    };
    const fromList = listed.groups.find((g) => g.resourceId === id)!;
    const fromSearch = searched.results.find((g) => g.resourceId === id)!;
    expect([fromList.createdAt, got.createdAt, fromSearch.createdAt]).toEqual([created, created, created]);
    // Keepnet's own fields are still passed through as sent.
    expect([fromList.addedTime, got.addedTime, fromSearch.createTime]).toEqual([created, created, created]);
  });

  it('searches with filter, sort and page, and returns every page with all=true', async () => {
    const page = await call({
      method: 'POST',
      path: '/groups/search',
      body: { pageNumber: 1, pageSize: 2, orderBy: 'Name', ascending: true },
    });
    expect(page.status).toBe(200);
    const first = page.body as { results: { name: string }[]; totalNumberOfRecords: number };
    expect(first.results).toHaveLength(2);
    expect(first.totalNumberOfRecords).toBe(stack.keepnet.state.groups().length);

    const filtered = await call({
      method: 'POST',
      path: '/groups/search',
      body: {
        filter: {
          condition: 'AND',
          filterGroups: [
            { condition: 'AND', filterItems: [{ fieldName: 'Name', operator: 'Contains', value: 'Fin' }] },
          ],
        },
      },
    });
    expect((filtered.body as { results: { name: string }[] }).results.map((g) => g.name)).toEqual([
      'Finance',
    ]);

    for (let i = 0; i < 5; i++) stack.keepnet.state.addGroup(`Extra ${i}`);
    const all = await call({ method: 'POST', path: '/groups/search', body: { all: true, pageSize: 2 } });
    const everything = all.body as { results: unknown[]; truncated: boolean };
    expect(everything.results).toHaveLength(stack.keepnet.state.groups().length);
    expect(everything.truncated).toBe(false);
  });

  it('gets one group, and answers 404 for an unknown one and 400 for a malformed id', async () => {
    const id = groupId('Finance');
    const got = await call({ method: 'GET', path: `/groups/${id}` });
    expect(got.body).toMatchObject({ resourceId: id, name: 'Finance' });

    const missing = await call({ method: 'GET', path: '/groups/Zz0000000000' });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('NOT_FOUND');

    const malformed = await call({ method: 'GET', path: '/groups/bad%20id!' });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).message).toContain('path.groupId');
  });

  it('creates a group with members, answering 201 with its id and Location', async () => {
    const members = stack.keepnet.state
      .companies()
      .slice(0, 2)
      .map((c) => c.resourceId);
    const created = await call({
      method: 'POST',
      path: '/groups',
      body: { name: 'APAC', companyResourceIds: members },
    });
    expect(created.status).toBe(201);
    const { resourceId } = created.body as { resourceId: string };
    // Relative, so it resolves under the stage or a custom domain's base path as well.
    expect(new URL(created.headers.location!, 'https://h/v1/groups').pathname).toBe(
      `/v1/groups/${resourceId}`,
    );
    expect(stack.keepnet.state.group(resourceId)?.name).toBe('APAC');
    expect(stack.keepnet.state.groupMemberIds(resourceId).sort()).toEqual([...members].sort());
  });

  it('renames a group without losing a member, although Keepnet empties a group updated without them', async () => {
    expect(stack.keepnet.behaviour().updateWithoutMembers).toBe('clear');
    const id = groupId('Finance');
    const before = stack.keepnet.state.groupMemberIds(id);
    expect(before.length).toBeGreaterThan(0);
    const renamed = await call({
      method: 'PATCH',
      path: `/groups/${id}`,
      body: { name: 'Finance & Insurance' },
    });
    // Queued for the group's single writer; nothing is written before the worker runs.
    expect(stack.keepnet.state.group(id)?.name).toBe('Finance');
    const operation = await settled(renamed);
    expect(operation).toMatchObject({ status: 'succeeded', result: { renamedTo: 'Finance & Insurance' } });
    expect(stack.keepnet.state.group(id)?.name).toBe('Finance & Insurance');
    expect(stack.keepnet.state.groupMemberIds(id).sort()).toEqual([...before].sort());
  });

  it('deletes a group (204, empty body)', async () => {
    const id = groupId('Pilot Programme');
    const deleted = await call({ method: 'DELETE', path: `/groups/${id}` });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(stack.keepnet.state.group(id)).toBeUndefined();
  });
});

describe('membership routes', () => {
  it('lists members one page at a time and all at once', async () => {
    const id = groupId('EU Customers');
    const expected = stack.keepnet.state.groupMemberIds(id);
    const page = await call({ method: 'GET', path: `/groups/${id}/companies?pageNumber=2&pageSize=5` });
    expect(page.body).toMatchObject({ pageNumber: 2, pageSize: 5, totalNumberOfRecords: expected.length });
    const all = await call({ method: 'GET', path: `/groups/${id}/companies?all=true&pageSize=7` });
    const ids = (all.body as { results: { companyResourceId: string }[] }).results.map(
      (c) => c.companyResourceId,
    );
    expect(ids.sort()).toEqual([...expected].sort());
  });

  it("queues additions as one operation in the group's FIFO message group and answers 202 with its id", async () => {
    const id = groupId('Finance');
    const outsiders = stack.keepnet.state
      .companies()
      .map((c) => c.resourceId)
      .filter((c) => !stack.keepnet.state.groupMemberIds(id).includes(c))
      .slice(0, 3);
    const before = sqs.messages(queueUrl).length;
    const accepted = await call({
      method: 'POST',
      path: `/groups/${id}/companies`,
      body: { companyResourceIds: [...outsiders, outsiders[0]] },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'pending', groupId: id, kind: 'add' });
    const messages = sqs.messages(queueUrl).slice(before);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.groupId).toBe(`group-${id}`);
    // Nothing was written yet: the worker does that.
    expect(stack.keepnet.state.groupMemberIds(id)).not.toContain(outsiders[0]);
    const pending = await call({ method: 'GET', path: (accepted.body as { location: string }).location });
    expect(pending.body).toMatchObject({ status: 'pending', kind: 'add' });
    // The real SDK can read what was queued.
    const received = await new SQSClient({}).send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    expect(received.Messages?.some((m) => m.Body?.includes(outsiders[0]!))).toBe(true);
    const operation = await settled(accepted);
    expect(operation.status).toBe('succeeded');
    expect(operation.result?.added.sort()).toEqual([...outsiders].sort());
    expect(stack.keepnet.state.groupMemberIds(id)).toEqual(expect.arrayContaining(outsiders));
  });

  it('queues nothing new when a caller retries with the same Idempotency-Key, and checks the key', async () => {
    const id = groupId('Finance');
    const company = stack.keepnet.state.companies()[0]!.resourceId;
    const request = {
      method: 'POST',
      path: `/groups/${id}/companies`,
      body: { companyResourceIds: [company] },
      headers: { 'Idempotency-Key': 'crm-order-4711' },
    };
    const before = sqs.sentCount();
    const first = await call(request);
    expect(first.status).toBe(202);
    const again = await call(request);
    expect(again.status).toBe(202);
    expect((again.body as { operationId: string }).operationId).toBe(
      (first.body as { operationId: string }).operationId,
    );
    // The resend of a pending operation is dropped by SQS's de-duplication.
    expect(
      sqs.messages(queueUrl).filter((m) => m.body.includes('crm-order') || m.body.includes(company)).length,
    ).toBeLessThanOrEqual(1);
    expect(sqs.sentCount() - before).toBeLessThanOrEqual(2);
    const other = await call({
      ...request,
      body: { companyResourceIds: [stack.keepnet.state.companies()[1]!.resourceId] },
    });
    expect(other.status).toBe(409);
    expect(errorOf(other).code).toBe('IDEMPOTENCY_CONFLICT');
    const bad = await call({ ...request, headers: { 'Idempotency-Key': 'not ok!' } });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toContain('headers.idempotency-key');
    await applyQueued();
    // Settled: a retry with the key answers the settled record and queues nothing.
    const settledBefore = sqs.sentCount();
    const late = await call(request);
    expect(late.body).toMatchObject({ status: 'succeeded' });
    expect(sqs.sentCount()).toBe(settledBefore);
  });

  it('answers 404 before queueing anything for an unknown group', async () => {
    const before = sqs.sentCount();
    const result = await call({
      method: 'POST',
      path: '/groups/Zz0000000000/companies',
      body: { companyResourceIds: [stack.keepnet.state.companies()[0]!.resourceId] },
    });
    expect(result.status).toBe(404);
    expect(sqs.sentCount()).toBe(before);
  });

  it('removes companies through the worker and reports what it removed', async () => {
    const id = groupId('Finance');
    const [gone, ...kept] = stack.keepnet.state.groupMemberIds(id);
    const result = await call({
      method: 'DELETE',
      path: `/groups/${id}/companies`,
      body: { companyResourceIds: [gone] },
    });
    const operation = await settled(result);
    expect(operation).toMatchObject({ status: 'succeeded', result: { removed: [gone], added: [] } });
    expect(stack.keepnet.state.groupMemberIds(id).sort()).toEqual([...kept].sort());
  });

  it.each(['replace', 'additive'] as const)(
    'sets the exact membership when PUT participants means %s',
    async (mode) => {
      stack.keepnet.configure({ participantsMode: mode });
      const id = groupId('Finance');
      const current = stack.keepnet.state.groupMemberIds(id);
      const outsider = stack.keepnet.state
        .companies()
        .map((c) => c.resourceId)
        .find((c) => !current.includes(c))!;
      const wanted = [current[0]!, outsider];
      const result = await call({
        method: 'PUT',
        path: `/groups/${id}/companies`,
        body: { companyResourceIds: wanted },
      });
      const operation = await settled(result);
      expect(operation.status).toBe('succeeded');
      expect(operation.result?.added).toEqual([outsider]);
      expect(operation.result?.removed.sort()).toEqual(current.slice(1).sort());
      expect(stack.keepnet.state.groupMemberIds(id).sort()).toEqual([...wanted].sort());
    },
  );
  it.each(['replace', 'additive'] as const)(
    'empties a group with [] and keeps it as is when the list equals it (%s)',
    async (mode) => {
      stack.keepnet.configure({ participantsMode: mode });
      const id = groupId('Finance');
      const current = stack.keepnet.state.groupMemberIds(id);
      const same = await settled(
        await call({
          method: 'PUT',
          path: `/groups/${id}/companies`,
          body: { companyResourceIds: [...current].reverse() },
        }),
      );
      expect(same.result).toMatchObject({ added: [], removed: [] });
      expect(stack.keepnet.state.groupMemberIds(id).sort()).toEqual([...current].sort());
      const emptied = await settled(
        await call({ method: 'PUT', path: `/groups/${id}/companies`, body: { companyResourceIds: [] } }),
      );
      expect(emptied.status).toBe('succeeded');
      expect(emptied.result?.removed.sort()).toEqual([...current].sort());
      expect(stack.keepnet.state.groupMemberIds(id)).toEqual([]);
    },
  );

  it('answers 404 for an operation id nobody asked for, 400 for a malformed one', async () => {
    const unknown = await call({ method: 'GET', path: `/operations/op_${'0'.repeat(32)}` });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('OPERATION_NOT_FOUND');
    const malformed = await call({ method: 'GET', path: '/operations/nope' });
    expect(malformed.status).toBe(400);
  });
});

describe('export now', () => {
  it("streams a group's companies to S3 and answers with a presigned URL that downloads the same bytes", async () => {
    const id = groupId('Finance');
    const result = await call({
      method: 'POST',
      path: `/groups/${id}/export`,
      body: { format: 'CSV', expiresInSeconds: 120 },
    });
    expect(result.status).toBe(200);
    const body = result.body as {
      key: string;
      bytes: number;
      rows: number;
      downloadUrl: string;
      expiresAt: string;
    };
    expect(body.key).toMatch(/^exports\/api-group-members-/);
    expect(body.rows).toBe(stack.keepnet.state.groupMemberIds(id).length);
    const url = new URL(body.downloadUrl);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(60_000);
    const download = await fetch(body.downloadUrl);
    expect(download.status).toBe(200);
    const text = await download.text();
    expect(Buffer.byteLength(text)).toBe(body.bytes);
    expect(parseCsv(text, { columns: true })).toHaveLength(body.rows);
  });

  it('exports the group list as Excel', async () => {
    const result = await call({ method: 'POST', path: '/groups/export', body: { format: 'Excel' } });
    expect(result.status).toBe(200);
    const body = result.body as { key: string; contentType: string; downloadUrl: string; bytes: number };
    expect(body.key).toMatch(/\.xlsx$/);
    const bytes = Buffer.from(await (await fetch(body.downloadUrl)).arrayBuffer());
    expect(bytes.length).toBe(body.bytes);
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // a zip container, as .xlsx is
  });

  it('takes the export format in any case, as the CLI does, and names the rule when it is neither', async () => {
    const lower = await call({ method: 'POST', path: '/groups/export', body: { format: 'csv' } });
    expect(lower.status).toBe(200);
    expect((lower.body as { key: string }).key).toMatch(/\.csv$/);
    const shouted = await call({ method: 'POST', path: '/groups/export', body: { format: 'EXCEL' } });
    expect((shouted.body as { key: string }).key).toMatch(/\.xlsx$/);
    const wrong = await call({ method: 'POST', path: '/groups/export', body: { format: 'pdf' } });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).message).toContain('body.format');
    expect(errorOf(wrong).message).toContain('must be CSV or Excel (any case');
  });

  it('keeps concurrent export-now requests in the same millisecond apart: own key, own checksum', async () => {
    // Freeze the clock (only Date): every request below gets the same millisecond timestamp.
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    let results: ApiCallResult[];
    try {
      results = await Promise.all([
        call({ method: 'POST', path: '/groups/export', body: { format: 'CSV' } }),
        call({ method: 'POST', path: '/groups/export', body: { format: 'CSV' } }),
        call({ method: 'POST', path: '/groups/export', body: { format: 'Excel' } }),
      ]);
    } finally {
      jest.useRealTimers();
    }
    const bodies = results.map((r) => r.body as { key: string; checksum: string; downloadUrl: string });
    expect(new Set(bodies.map((b) => b.key)).size).toBe(3);
    const stamps = bodies.map((b) => /-(\d{8}T\d{6}\.\d{3}Z)-[A-Za-z0-9-]+\.(csv|xlsx)$/.exec(b.key)?.[1]);
    expect(new Set(stamps).size).toBe(1); // one millisecond, three keys: the request id tells them apart
    for (const body of bodies) {
      const bytes = Buffer.from(await (await fetch(body.downloadUrl)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(body.checksum);
    }
  });
});

describe('invalid input and routing', () => {
  it.each([
    ['an empty name', { name: '' }, 'body.name'],
    ['a blank name', { name: '   ' }, 'body.name'],
    ['a 65-character name', { name: 'x'.repeat(65) }, 'body.name'],
    ['a name of the wrong type', { name: 42 }, 'body.name'],
    ['an unknown field', { name: 'ok', colour: 'red' }, 'body.colour: unknown field'],
    ['a malformed company id', { name: 'ok', companyResourceIds: ['a/b'] }, 'body.companyResourceIds[0]'],
  ])('refuses %s with 400 naming the field', async (_label, body, field) => {
    const before = stack.keepnet.state.groups().length;
    const result = await call({ method: 'POST', path: '/groups', body });
    expect(result.status).toBe(400);
    expect(errorOf(result).code).toBe('INVALID_REQUEST');
    expect(errorOf(result).message).toContain(field);
    expect(stack.keepnet.state.groups()).toHaveLength(before);
  });

  it('accepts a 64-character name (the boundary)', async () => {
    const result = await call({ method: 'POST', path: '/groups', body: { name: 'y'.repeat(64) } });
    expect(result.status).toBe(201);
  });

  it('refuses malformed JSON, a missing body, a non-JSON media type and bad query values', async () => {
    const malformed = await call({
      method: 'POST',
      path: '/groups',
      body: '{"name": "x",',
      headers: { 'Content-Type': 'application/json' },
    });
    expect([malformed.status, errorOf(malformed).code]).toEqual([400, 'MALFORMED_JSON']);

    const missing = await call({ method: 'POST', path: '/groups' });
    expect([missing.status, errorOf(missing).message]).toEqual([
      400,
      'Invalid request: body: required (a JSON object).',
    ]);

    const text = await call({
      method: 'POST',
      path: '/groups',
      body: 'name=x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(errorOf(text)).toMatchObject({ details: { contentType: 'text/plain' } });
    // No Content-Type at all: the 415 says so, rather than reporting the text/plain a web Request
    // would have made up for the body.
    const none = await call({ method: 'POST', path: '/groups', body: '{"name":"x"}' });
    expect(none.status).toBe(415);
    expect(errorOf(none)).toMatchObject({
      message: 'Content-Type must be application/json (the request has none).',
      details: { contentType: null },
    });

    const query = await call({ method: 'GET', path: `/groups/${groupId('Finance')}/companies?pageSize=0` });
    expect(query.status).toBe(400);
    expect(errorOf(query).message).toContain('query.pageSize');
  });

  it('decodes base64 bodies as API Gateway sends binary-safe payloads', async () => {
    const result = await call({
      method: 'POST',
      path: '/groups',
      body: { name: 'Base64 group' },
      base64: true,
    });
    expect(result.status).toBe(201);
    expect(stack.keepnet.state.groupByName('Base64 group')).toBeDefined();
  });

  it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    const unknown = await call({ method: 'GET', path: '/nope' });
    expect([unknown.status, errorOf(unknown).code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    const wrong = await call({ method: 'PUT', path: '/groups' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    const wrongOnId = await call({ method: 'POST', path: `/groups/${groupId('Finance')}` });
    expect(wrongOnId.status).toBe(405);
    expect(wrongOnId.headers.allow?.split(', ').sort()).toEqual([
      'DELETE',
      'GET',
      'HEAD',
      'OPTIONS',
      'PATCH',
    ]);
  });

  it.each([
    ['PATCH', '/groups/Zz0000000000', { name: 'New name' }],
    ['DELETE', '/groups/Zz0000000000', undefined],
    ['GET', '/groups/Zz0000000000/companies', undefined],
    ['PUT', '/groups/Zz0000000000/companies', { companyResourceIds: [] }],
    ['DELETE', '/groups/Zz0000000000/companies', { companyResourceIds: ['Aa0000000000'] }],
    ['POST', '/groups/Zz0000000000/export', {}],
  ])('answers 404 for %s %s on a group Keepnet does not have', async (method, path, body) => {
    const result = await call({ method, path, ...(body === undefined ? {} : { body }) });
    expect([result.status, errorOf(result).code]).toEqual([404, 'NOT_FOUND']);
  });

  it('passes Keepnet validation messages through with 400', async () => {
    const result = await call({ method: 'POST', path: '/groups', body: { name: 'finance' } });
    expect(result.status).toBe(400);
    expect(errorOf(result).code).toBe('KEEPNET_REJECTED_INPUT');
    expect(
      (errorOf(result).details as { validationMessages: string[] }).validationMessages.join(' '),
    ).toMatch(/already exists/);
  });
});

// Runs last (Jest runs a file's tests in order): every answer above, success or error, must match
// the schema the OpenAPI document declares for its route and status.
describe('contract', () => {
  it('every answer given in this file matches the documented response schema', async () => {
    const doc = (await callApi(handler, { method: 'GET', path: '/openapi.json' })).body as {
      components: { schemas: Record<string, object> };
    };
    const checked = checkAnswersAgainstDocument(doc, answers);
    // Every route with a JSON success body was exercised above and checked here.
    const expected = [
      'listGroups 200',
      'searchGroups 200',
      'createGroup 201',
      'getGroup 200',
      'renameGroup 202',
      'listGroupCompanies 200',
      'addGroupCompanies 202',
      'removeGroupCompanies 202',
      'setGroupCompanies 202',
      'getOperation 200',
      'exportGroups 200',
      'exportGroupCompanies 200',
      'getHealth 200',
    ];
    for (const key of expected) expect(checked).toContain(key);
  });
});
