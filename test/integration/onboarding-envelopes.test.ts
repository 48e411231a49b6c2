// Onboarding as AWS drives it, against the Keepnet simulator in REPLACE mode (PUT …/participants
// replaces the member list): the real handlers get events shaped exactly as Lambda delivers them
// (EventBridge envelopes; SQS FIFO records with every attribute, DLQ-redriven ones, bodies of older
// router versions) and must never lose a member, create a group twice or drop a message.
//
// Keepnet is reached through a small pass-through proxy that caps member-search pages at 100 rows (as
// a stricter server may, whatever pageSize is asked): a 250-member group then spans three pages, and a
// union computed from the first page only would erase 150 members.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { type Emulators, startEmulators } from '../../local/emulators';
import { eventBridgeEnvelope } from '../../local/eventbridge';
import { makeLambdaContext } from '../../local/lambda-events';
import { type OnboardingPipeline, startOnboardingPipeline } from '../../local/sqs-fifo';
import { sqsFifoRecord } from '../support/factories';

const PAGE_CAP = 100;
const MEMBER_SEARCH = 'POST /api/company-groups/{resourceId}/companies/search';
const PUT_PARTICIPANTS = 'PUT /api/company-groups/{resourceId}/participants';

const proxyPlays: {
  unknownCompanyAs404: boolean;
  /** Refuse search pages over PAGE_CAP as invalid input (400 INPUT_ERROR) instead of capping them. */
  refuseBigPages?: boolean;
  /** Runs after a PUT …/participants was handled, before its reply goes back (a concurrent writer). */
  afterPut?: (path: string) => void;
} = { unknownCompanyAs404: false };

/** Forwards to `target`, capping `pageSize` of search bodies; a lost upstream reply resets the socket. */
async function startPageCappingProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks).toString('utf8');
    if (req.url?.endsWith('/search') && body) {
      const json = JSON.parse(body) as Record<string, unknown>;
      for (const key of ['pageSize', 'PageSize']) {
        if (typeof json[key] !== 'number' || (json[key] as number) <= PAGE_CAP) continue;
        if (proxyPlays.refuseBigPages) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              data: null,
              status: 'INPUT_ERROR',
              message: 'Validation failed',
              validationMessages: [`${key} must be at most ${PAGE_CAP}`],
            }),
          );
          return;
        }
        json[key] = PAGE_CAP;
      }
      body = JSON.stringify(json);
    }
    try {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
      const reply = await fetch(`${target}${req.url}`, {
        method: req.method!,
        headers,
        ...(body ? { body } : {}),
      });
      const bytes = Buffer.from(await reply.arrayBuffer());
      if (req.method === 'PUT' && req.url?.endsWith('/participants')) proxyPlays.afterPut?.(req.url);
      if (proxyPlays.unknownCompanyAs404 && reply.status === 400 && req.url?.endsWith('/participants')) {
        // Another reading of the undocumented contract: an unknown company in the body is a 404.
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: null, status: 'FAILED', message: 'Company not found' }));
        return;
      }
      res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'text/plain' });
      res.end(bytes);
    } catch {
      res.socket?.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let stack: Emulators;
let proxy: { url: string; server: Server };
let world: OnboardingPipeline;

beforeAll(async () => {
  stack = await startEmulators({ simulator: { participantsMode: 'replace', seed: { companies: 20 } } });
  proxy = await startPageCappingProxy(stack.keepnet.url);
  world = await startOnboardingPipeline({
    env: { ...stack.env, KEEPNET_BASE_URL: proxy.url, POWERTOOLS_METRICS_DISABLED: 'true' },
    participantsMode: 'union',
    visibilityTimeoutMs: 1_000,
    loadHandlers: async () => {
      let handlers: Awaited<ReturnType<typeof load>> | undefined;
      const load = async () => ({
        router: (await import('../../functions/onboarding-router/handler')).handler,
        worker: (await import('../../functions/onboarding-worker/handler')).handler,
      });
      await jest.isolateModulesAsync(async () => {
        handlers = await load();
        // What the handlers load on first use, loaded in this registry and environment.
        await (await import('../../lib/lazy')).loadDeferred();
      });
      return handlers!;
    },
  });
});
afterAll(async () => {
  await world.close();
  await new Promise((resolve) => proxy.server.close(resolve));
  await stack.close();
});

const addCompanies = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => stack.keepnet.state.addCompany({ name: `${prefix} ${i}` }));

const routerEvent = (detail: unknown, detailType = 'CompanyCreated') => ({
  ...eventBridgeEnvelope(
    {
      source: 'msp.crm',
      detailType,
      detail,
      resources: ['arn:aws:events:eu-west-1:123456789012:rule/company-created'],
    },
    { account: '123456789012', region: 'eu-west-1' },
  ),
  'replay-name': 'replay-after-outage',
});

const context = (): Context => makeLambdaContext({ functionName: 'onboarding-worker', timeoutMs: 60_000 });

/** An SQS FIFO record exactly as the event source mapping hands it to Lambda: trace header, a message attribute. */
const fifoRecord = (body: unknown, messageGroupId: string, extra: Partial<SQSRecord['attributes']> = {}) =>
  sqsFifoRecord({
    body,
    messageGroupId,
    attributes: {
      AWSTraceHeader: 'Root=1-67891233-abcdef012345678912345678;Parent=0123456789abcdef;Sampled=1',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ...extra,
    },
    messageAttributes: {
      tenant: { stringValue: 'msp-42', stringListValues: [], binaryListValues: [], dataType: 'String' },
    },
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:onboarding.fifo',
  });

const members = (groupId: string) => new Set(stack.keepnet.state.groupMemberIds(groupId));

describe('onboarding-router with real EventBridge envelopes', () => {
  it('routes a CompanyCreated envelope (replay-name, resources, account) to one message per group', async () => {
    const [company] = addCompanies(1, 'Envelope');
    const group = stack.keepnet.state.addGroup('Envelope Group');
    const before = world.sqs.sentCount();
    await world.router(
      routerEvent({
        companyResourceId: company!.resourceId,
        groupResourceIds: [group.resourceId],
        groupNames: ['Envelope Named Group'],
      }),
    );
    expect(world.sqs.sentCount() - before).toBe(2);
    await world.drain({ concurrency: 2 });
    expect(members(group.resourceId).has(company!.resourceId)).toBe(true);
    const named = stack.keepnet.state.groupByName('Envelope Named Group')!;
    expect(members(named.resourceId).has(company!.resourceId)).toBe(true);
  });

  it('treats 64-character names differing in case and blanks as one group, created once', async () => {
    const [company] = addCompanies(1, 'Long name');
    const name = `Regional ${'Customers '.repeat(6)}Europe`.slice(0, 64);
    expect(name).toHaveLength(64);
    const before = world.sqs.sentCount();
    await world.router(
      routerEvent({
        companyResourceId: company!.resourceId,
        groupNames: [`  ${name}\t`, name.toUpperCase(), name.toLowerCase()],
      }),
    );
    expect(world.sqs.sentCount() - before).toBe(1);
    await world.drain({ concurrency: 2 });
    const created = stack.keepnet.state.groups().filter((g) => g.name.toLowerCase() === name.toLowerCase());
    expect(created.map((g) => g.name)).toEqual([name]);
    expect(members(created[0]!.resourceId)).toEqual(new Set([company!.resourceId]));
  });

  it('refuses another detail-type with an error naming it, queueing nothing', async () => {
    const before = world.sqs.sentCount();
    await expect(
      world.router(routerEvent({ companyResourceId: 'abc123def456' }, 'Scheduled Event')),
    ).rejects.toThrow(/detail-type: must be "CompanyCreated"/);
    expect(world.sqs.sentCount()).toBe(before);
  });
});

describe('onboarding-worker with real SQS FIFO records', () => {
  it('writes every group of a mixed batch and dead-letters exactly the poison records, failing none', async () => {
    const [a, b, c, d] = addCompanies(4, 'Mixed batch');
    const groupOne = stack.keepnet.state.addGroup('Mixed One');
    const groupTwo = stack.keepnet.state.addGroup('Mixed Two');
    const message = (companyResourceId: string, groupId: string) => ({
      v: 1,
      companyResourceId,
      group: { id: groupId },
      eventId: crypto.randomUUID(),
    });
    const one = `group-${groupOne.resourceId}`;
    const records = [
      fifoRecord(message(a!.resourceId, groupOne.resourceId), one),
      // A company Keepnet does not know: poison, moved to the DLQ by the worker, so the later records of
      // its group are not failed with it.
      fifoRecord(message('NoSuchCompany9', groupOne.resourceId), one),
      // Redriven from the DLQ: more attributes, a higher receive count, a body from an older router
      // (no viaName) with a field this version does not know.
      fifoRecord({ ...message(b!.resourceId, groupOne.resourceId), traceId: 't-1' }, one, {
        ApproximateReceiveCount: '4',
        DeadLetterQueueSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:onboarding-dlq.fifo',
      }),
      fifoRecord(message(c!.resourceId, groupTwo.resourceId), `group-${groupTwo.resourceId}`),
      // A group id Keepnet does not know (permanent), alone in its message group.
      fifoRecord(message(d!.resourceId, 'NoSuchGroup12'), 'group-NoSuchGroup12'),
      fifoRecord('not json at all', 'group-garbage'),
    ];
    const event: SQSEvent = { Records: records };

    const deadBefore = world.sqs.messages(world.dlqUrl).length;
    const reply = await world.worker(event, context());

    // Every permanent failure went to the DLQ on this first receive, in its message group: nothing is
    // failed back to SQS, so nothing (the record behind the poison included) is redelivered.
    expect(reply.batchItemFailures).toEqual([]);
    expect(
      world.sqs
        .messages(world.dlqUrl)
        .slice(deadBefore)
        .map((m) => [m.groupId, m.body]),
    ).toEqual([records[1]!, records[4]!, records[5]!].map((r) => [r.attributes.MessageGroupId, r.body]));
    // Every valid company is in its group.
    expect(members(groupOne.resourceId)).toEqual(new Set([a!.resourceId, b!.resourceId]));
    expect(members(groupTwo.resourceId)).toEqual(new Set([c!.resourceId]));
  });

  it('isolates an unknown company that Keepnet answers with a 404, writing the valid ones', async () => {
    const [a, b] = addCompanies(2, 'Not found neighbour');
    const group = stack.keepnet.state.addGroup('Not Found Isolation');
    const message = (companyResourceId: string) => ({
      v: 1,
      companyResourceId,
      group: { id: group.resourceId },
      eventId: crypto.randomUUID(),
    });
    const messageGroupId = `group-${group.resourceId}`;
    const records = [a!.resourceId, b!.resourceId, 'NoSuchCompany8'].map((id) =>
      fifoRecord(message(id), messageGroupId),
    );
    proxyPlays.unknownCompanyAs404 = true;
    stack.keepnet.resetCounts();
    try {
      const deadBefore = world.sqs.messages(world.dlqUrl).length;
      const reply = await world.worker({ Records: records }, context());
      // The unknown company alone is dead-lettered (and so not failed back to SQS).
      expect(reply.batchItemFailures).toEqual([]);
      expect(
        world.sqs
          .messages(world.dlqUrl)
          .slice(deadBefore)
          .map((m) => m.body),
      ).toEqual([records[2]!.body]);
    } finally {
      proxyPlays.unknownCompanyAs404 = false;
    }
    expect(members(group.resourceId)).toEqual(new Set([a!.resourceId, b!.resourceId]));
    expect(stack.keepnet.count('GET /api/company-groups/{resourceId}')).toBe(1);
  });

  it('repairs, by writing the union again, when a concurrent writer dropped members after our write', async () => {
    const deadBefore = world.sqs.messages(world.dlqUrl).length;
    const earlier = addCompanies(5, 'Concurrent earlier');
    const group = stack.keepnet.state.addGroup(
      'Concurrent Writer Group',
      earlier.map((co) => co.resourceId),
    );
    const [newcomer] = addCompanies(1, 'Concurrent newcomer');
    let overwritten = 0;
    // Another writer on a replacing API: right after our first PUT, it sets the list from its own stale
    // read (two earlier members only), before our read-back.
    proxyPlays.afterPut = () => {
      if (overwritten++ === 0)
        stack.keepnet.state.setGroupMembers(group.resourceId, [
          earlier[0]!.resourceId,
          earlier[1]!.resourceId,
        ]);
    };
    stack.keepnet.resetCounts();
    try {
      await world.router(
        routerEvent({ companyResourceId: newcomer!.resourceId, groupResourceIds: [group.resourceId] }),
      );
      await world.drain({ concurrency: 1 });
    } finally {
      delete proxyPlays.afterPut;
    }
    expect(overwritten).toBe(2);
    expect(stack.keepnet.count(PUT_PARTICIPANTS)).toBe(2);
    expect(members(group.resourceId)).toEqual(new Set([...earlier, newcomer!].map((co) => co.resourceId)));
    expect(world.sqs.messages(world.dlqUrl)).toHaveLength(deadBefore);
  });

  it('reads members in smaller pages when Keepnet refuses the big page size as invalid', async () => {
    const earlier = addCompanies(120, 'Small pages');
    const group = stack.keepnet.state.addGroup(
      'Small Pages Group',
      earlier.map((co) => co.resourceId),
    );
    const [newcomer] = addCompanies(1, 'Small pages newcomer');
    proxyPlays.refuseBigPages = true;
    try {
      await world.router(
        routerEvent({ companyResourceId: newcomer!.resourceId, groupResourceIds: [group.resourceId] }),
      );
      const drained = await world.drain({ concurrency: 1 });
      expect(drained.failures).toBe(0);
    } finally {
      proxyPlays.refuseBigPages = false;
    }
    expect(members(group.resourceId)).toEqual(new Set([...earlier, newcomer!].map((co) => co.resourceId)));
  });

  it('keeps all 250 members of a group whose member list spans three capped pages', async () => {
    const earlier = addCompanies(250, 'Paged member');
    const group = stack.keepnet.state.addGroup(
      'Big Paged Group',
      earlier.map((co) => co.resourceId),
    );
    const [newcomer] = addCompanies(1, 'Paged newcomer');
    stack.keepnet.resetCounts();

    await world.router(
      routerEvent({ companyResourceId: newcomer!.resourceId, groupResourceIds: [group.resourceId] }),
    );
    await world.drain({ concurrency: 1 });

    const after = members(group.resourceId);
    expect(after.size).toBe(251);
    expect(earlier.filter((co) => !after.has(co.resourceId))).toEqual([]);
    expect(after.has(newcomer!.resourceId)).toBe(true);
    // The proxy did cap the pages: the read took three pages; the verification is a one-row count and
    // a presence search for the newcomer (two calls, not three more pages).
    expect(stack.keepnet.count(MEMBER_SEARCH)).toBe(5);
    expect(stack.keepnet.count(PUT_PARTICIPANTS)).toBe(1);
  });
});

describe('onboarding when a call may have succeeded', () => {
  it('creates a named group once and loses no member when replies are lost after handling', async () => {
    const deadBefore = world.sqs.messages(world.dlqUrl).length;
    const existing = addCompanies(3, 'Lost reply existing');
    const group = stack.keepnet.state.addGroup(
      'Lost Reply Group',
      existing.map((co) => co.resourceId),
    );
    const newcomers = addCompanies(4, 'Lost reply newcomer');
    const faults = stack.keepnet.injectFaults(
      { kind: 'connection-reset', route: 'POST /api/company-groups', afterHandling: true, times: 1 },
      { kind: 'connection-reset', route: PUT_PARTICIPANTS, afterHandling: true, times: 2 },
      { kind: 'server-error', route: PUT_PARTICIPANTS, afterHandling: true, times: 1 },
    );
    stack.keepnet.resetCounts();

    for (const co of newcomers) {
      await world.router(
        routerEvent({
          companyResourceId: co.resourceId,
          groupResourceIds: [group.resourceId],
          groupNames: ['Created Despite Reset'],
        }),
      );
    }
    await world.drain({ concurrency: 2 });

    expect(faults.map((f) => f.exhausted)).toEqual([true, true, true]);
    expect(stack.keepnet.count('POST /api/company-groups')).toBe(1);
    const created = stack.keepnet.state.groups().filter((g) => g.name === 'Created Despite Reset');
    expect(created).toHaveLength(1);
    const all = [...existing, ...newcomers].map((co) => co.resourceId);
    expect([...members(group.resourceId)].sort()).toEqual([...all].sort());
    expect([...members(created[0]!.resourceId)].sort()).toEqual(newcomers.map((co) => co.resourceId).sort());
    expect(world.sqs.messages(world.dlqUrl)).toHaveLength(deadBefore);
  });

  it('queues one forwarded message when a name-keyed message is delivered twice', async () => {
    const [company] = addCompanies(1, 'Forward twice');
    const body = {
      v: 1,
      companyResourceId: company!.resourceId,
      group: { name: 'Forward Twice Group' },
      eventId: crypto.randomUUID(),
    };
    const first = fifoRecord(body, 'name-forward-twice');
    // The same SQS message received again (after a visibility timeout): same dedup id, higher count.
    const again = {
      ...first,
      receiptHandle: `${first.receiptHandle}-2`,
      attributes: { ...first.attributes, ApproximateReceiveCount: '2' },
    };
    expect((await world.worker({ Records: [first] }, context())).batchItemFailures).toEqual([]);
    expect((await world.worker({ Records: [again] }, context())).batchItemFailures).toEqual([]);

    const forwarded = world.sqs.messages(world.queueUrl).filter((m) => m.body.includes(company!.resourceId));
    expect(forwarded).toHaveLength(1);
    await world.drain({ concurrency: 1 });
    const group = stack.keepnet.state.groupByName('Forward Twice Group')!;
    expect(members(group.resourceId)).toEqual(new Set([company!.resourceId]));
  });

  it('forwards a name-keyed message again after SendMessage failed, without creating the group twice', async () => {
    const deadBefore = world.sqs.messages(world.dlqUrl).length;
    const newcomers = addCompanies(2, 'Forward retry');
    for (const co of newcomers) {
      await world.router(
        routerEvent({ companyResourceId: co.resourceId, groupNames: ['Forward Retry Group'] }),
      );
    }
    stack.keepnet.resetCounts();
    // The router's messages are queued; now every forwarding attempt of the first receive fails
    // (sendMessages tries 3 times), after the worker has created the group.
    world.sqs.failNextSends(3 * newcomers.length);

    const drained = await world.drain({ concurrency: 1 });

    expect(drained.failures).toBe(newcomers.length); // the first receive could not forward
    const created = stack.keepnet.state.groups().filter((g) => g.name === 'Forward Retry Group');
    expect(created).toHaveLength(1);
    expect(stack.keepnet.count('POST /api/company-groups')).toBe(1);
    expect([...members(created[0]!.resourceId)].sort()).toEqual(newcomers.map((co) => co.resourceId).sort());
    expect(world.sqs.messages(world.dlqUrl)).toHaveLength(deadBefore);
  });
});
