// The single-writer promise, end to end: every change to a group (CompanyCreated adds, HTTP add /
// remove / set / rename) is applied by the onboarding worker in the group's FIFO message group, so
// none of them can lose a member to another; a repair survives a redelivery (the repair record); and
// verification costs O(1) calls. Over HTTP against the Keepnet simulator, s3rver and the local SQS.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { KeepnetClient } from '../../lib/keepnet/client';
import { KeepnetValidationError } from '../../lib/keepnet/errors';
import type { KeepnetApi } from '../../lib/keepnet/types';
import { GroupResolver } from '../../lib/onboarding/group-resolver';
import { onboardBatch, type WorkerDeps, type WorkerStats } from '../../lib/onboarding/worker';
import { operationStoreFromEnv } from '../../lib/operations/config';
import type { OperationStore } from '../../lib/operations/store';
import { type Emulators, startEmulators } from '../../local/emulators';
import { resellerClient } from '../../local/keepnet-simulator/reseller-client';
import { type ApiCallResult, callApi } from '../../local/lambda-events';
import { runFifoConsumers } from '../../local/sqs-fifo';
import { redelivered, sqsFifoRecord } from '../support/factories';
import { companyCreatedEvent, startWorld, stopWorld, type World } from './onboarding-world';

const PUT = 'PUT /api/company-groups/{resourceId}/participants';
const SEARCH = 'POST /api/company-groups/{resourceId}/companies/search';
const sorted = (ids: Iterable<string>) => [...ids].sort();

describe('the worker engine against the simulator and s3rver', () => {
  let stack: Emulators;
  let restoreEnv: () => void;
  let client: KeepnetClient;
  let store: OperationStore;
  let deps: WorkerDeps;

  beforeAll(async () => {
    stack = await startEmulators({ simulator: { seed: { companies: 40 } } });
    restoreEnv = stack.applyEnv();
    client = resellerClient(stack.keepnet, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    store = operationStoreFromEnv(stack.env)!;
    deps = {
      client,
      resolver: new GroupResolver(client),
      // Messages addressed by group id are never forwarded: the queue is not used here.
      sqs: new SQSClient({}),
      queueUrl: 'http://127.0.0.1:9/unused',
      mode: 'union',
      store,
    };
  });
  afterAll(async () => {
    await client.close();
    restoreEnv();
    await stack.close();
  });
  beforeEach(() => {
    stack.keepnet.clearFaults();
    stack.keepnet.configure({ participantsMode: 'replace' });
  });

  let n = 0;
  const freshGroup = (members: number) => {
    const ids = stack.keepnet.state.companies().map((c) => c.resourceId);
    const group = stack.keepnet.state.addGroup(`Single writer ${++n}`, ids.slice(0, members));
    return { groupId: group.resourceId, members: ids.slice(0, members), others: ids.slice(members) };
  };
  const addMessage = (groupId: string, companyResourceId: string, eventId: string) =>
    sqsFifoRecord({
      body: { v: 1, companyResourceId, group: { id: groupId }, eventId },
      messageGroupId: `group-${groupId}`,
    });

  /** The client, except that once one PUT participants succeeded, every later one fails with 503. */
  function repairWritesFail(target: KeepnetApi): KeepnetApi {
    return new Proxy(target, {
      get(object, prop, receiver) {
        if (prop === 'putParticipants') {
          return async (...args: Parameters<KeepnetApi['putParticipants']>) => {
            await object.putParticipants(...args);
            stack.keepnet.injectFaults({ kind: 'server-error', status: 503, route: PUT, times: Infinity });
          };
        }
        const value = Reflect.get(object, prop, receiver);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  }

  it('an additive PUT that in fact replaces, a failing repair, then a redelivery: every member is back', async () => {
    const { groupId, members, others } = freshGroup(3);
    const newcomer = others[0]!;
    const record = addMessage(groupId, newcomer, 'repair-1');
    const stats: WorkerStats = { restoredMembers: 0 };

    const first = await onboardBatch([record], {
      ...deps,
      client: repairWritesFail(client),
      mode: 'additive',
    });
    expect(first.get(record.messageId)).toMatchObject({ ok: false, permanent: false });
    // The loss happened: the additive PUT replaced, and the repair write failed.
    expect(stack.keepnet.state.groupMemberIds(groupId)).toEqual([newcomer]);

    stack.keepnet.clearFaults();
    const second = await onboardBatch([redelivered(record)], { ...deps, mode: 'additive', stats });
    expect(second.get(record.messageId)).toMatchObject({ ok: true });
    expect(sorted(stack.keepnet.state.groupMemberIds(groupId))).toEqual(sorted([...members, newcomer]));
    // Counted, for the MembersRestored metric and its alarm.
    expect(stats.restoredMembers).toBe(3);
  });

  it('without the repair record the same redelivery would keep the shrunken group (what the record prevents)', async () => {
    const { groupId, others } = freshGroup(3);
    const record = addMessage(groupId, others[0]!, 'repair-2');
    const { store: _unused, ...withoutStore } = deps;
    await onboardBatch([record], { ...withoutStore, client: repairWritesFail(client), mode: 'additive' });
    stack.keepnet.clearFaults();
    const again = await onboardBatch([redelivered(record)], { ...withoutStore, mode: 'additive' });
    expect(again.get(record.messageId)).toMatchObject({ ok: true, action: 'already-member' });
    expect(stack.keepnet.state.groupMemberIds(groupId)).toEqual([others[0]]);
  });

  it.each(['replace', 'additive'] as const)(
    'an additive set converges when the API means %s: one write of each kind, never alternating',
    async (api) => {
      stack.keepnet.configure({ participantsMode: api });
      const { groupId, members, others } = freshGroup(1);
      const wanted = [others[0]!, others[1]!];
      stack.keepnet.resetCounts();
      const record = sqsFifoRecord({
        body: {
          v: 2,
          operationId: `op_${'a'.repeat(31)}${api === 'replace' ? '1' : '2'}`,
          groupId,
          change: { kind: 'set', companyResourceIds: wanted },
          source: 'test',
          requestedAt: new Date().toISOString(),
        },
        messageGroupId: `group-${groupId}`,
      });
      const outcomes = await onboardBatch([record], { ...deps, mode: 'additive' });
      expect(outcomes.get(record.messageId)).toMatchObject({
        ok: true,
        action: 'applied',
        operation: { added: wanted, removed: members },
      });
      expect(sorted(stack.keepnet.state.groupMemberIds(groupId))).toEqual(sorted(wanted));
      expect(stack.keepnet.count(PUT)).toBe(1);
    },
  );

  it('verifies a write with a count and a presence check, not by reading a 2,500-member group again', async () => {
    const companies = Array.from({ length: 2_500 }, (_, i) =>
      stack.keepnet.state.addCompany({ name: `Bulk ${i}` }),
    ).map((c) => c.resourceId);
    const group = stack.keepnet.state.addGroup('Big group', companies);
    const newcomer = stack.keepnet.state.companies()[0]!.resourceId;
    stack.keepnet.resetCounts();
    const record = addMessage(group.resourceId, newcomer, 'cost-1');
    const outcomes = await onboardBatch([record], deps);
    expect(outcomes.get(record.messageId)).toMatchObject({ ok: true, action: 'added' });
    // One page of members (10,000 a page), one write, a one-row count and one filtered presence search.
    expect(stack.keepnet.count(SEARCH)).toBe(3);
    expect(stack.keepnet.count(PUT)).toBe(1);
    expect(stack.keepnet.state.groupMemberIds(group.resourceId)).toHaveLength(2_501);
  });

  it('falls back to a full read when a stricter server refuses the filtered presence search', async () => {
    const companies = Array.from({ length: 2_100 }, (_, i) =>
      stack.keepnet.state.addCompany({ name: `Strict ${i}` }),
    ).map((c) => c.resourceId);
    const group = stack.keepnet.state.addGroup('Strict server group', companies);
    const newcomer = stack.keepnet.state.companies()[1]!.resourceId;
    const strict = new Proxy(client, {
      get(object, prop, receiver) {
        if (prop === 'searchGroupMembers') {
          return async (...args: Parameters<KeepnetApi['searchGroupMembers']>) => {
            if (args[1]?.filter?.filterGroups?.length)
              throw new KeepnetValidationError('Unknown field CompanyResourceId', { httpStatus: 400 });
            return object.searchGroupMembers(...args);
          };
        }
        const value = Reflect.get(object, prop, receiver);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
    const record = addMessage(group.resourceId, newcomer, 'strict-1');
    const outcomes = await onboardBatch([record], { ...deps, client: strict });
    expect(outcomes.get(record.messageId)).toMatchObject({ ok: true, action: 'added' });
    expect(stack.keepnet.state.groupMemberIds(group.resourceId)).toHaveLength(2_101);
  });

  it('reads a small group back whole: one call that checks every member', async () => {
    const { groupId, members, others } = freshGroup(5);
    stack.keepnet.resetCounts();
    const outcomes = await onboardBatch([addMessage(groupId, others[0]!, 'small-1')], deps);
    expect([...outcomes.values()][0]).toMatchObject({ ok: true, action: 'added' });
    expect(stack.keepnet.count(SEARCH)).toBe(2);
    expect(stack.keepnet.count(PUT)).toBe(1);
    expect(sorted(stack.keepnet.state.groupMemberIds(groupId))).toEqual(sorted([...members, others[0]!]));
  });

  it('journals each write before making it, with the operations it carries out', async () => {
    const { groupId, others } = freshGroup(2);
    const record = addMessage(groupId, others[0]!, 'journal-1');
    await onboardBatch([record], deps);
    const entries = await store.journalOf(new Date().toISOString().slice(0, 10));
    const mine = entries.filter((e) => e.groupId === groupId);
    expect(mine).toEqual([
      expect.objectContaining({ added: [others[0]], removed: [], operationIds: ['event:journal-1'] }),
    ]);
  });
});

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

describe.each([
  ['replace', 'union'],
  ['replace', 'additive'],
  ['additive', 'union'],
] as const)('every writer of one group, concurrently (API %s, ours %s), with faults', (api, ours) => {
  let world: World;
  let apiHandler: Handler;

  beforeAll(async () => {
    world = await startWorld(api, ours, 5_000);
    await jest.isolateModulesAsync(async () => {
      apiHandler = (await import('../../functions/api/handler')).handler;
    });
  });
  afterAll(async () => {
    await stopWorld(world);
  });

  it('loses no member, and every operation reports what it did', async () => {
    const { keepnet } = world.stack;
    const everyone = keepnet.state.companies().map((c) => c.resourceId);
    const [m1, m2, m3, m4, m5] = everyone.slice(0, 5) as [string, string, string, string, string];
    const [c1, c2, c3, c4, c5, c6] = everyone.slice(5, 11) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const group = keepnet.state.addGroup('Contended', [m1, m2, m3, m4, m5]);
    const id = group.resourceId;
    const faults = keepnet.injectFaults(
      { kind: 'server-error', route: PUT, times: 2 },
      { kind: 'rate-limited', route: SEARCH, times: 3 },
      { kind: 'connection-reset', route: 'PUT /api/company-groups/{resourceId}', times: 1 },
    );

    // The worker runs while the writes arrive, as Lambda's event source mapping would.
    const consumers = runFifoConsumers({ queueUrl: world.queueUrl, handler: world.worker, concurrency: 4 });
    const http = (method: string, path: string, body: unknown): Promise<ApiCallResult> =>
      callApi(apiHandler, { method, path, body });
    const event = (companyResourceId: string) =>
      world.router(companyCreatedEvent({ companyResourceId, groupResourceIds: [id] }));

    await event(c1);
    await event(c2);
    const removed = await http('DELETE', `/groups/${id}/companies`, { companyResourceIds: [m1] });
    await event(c3);
    const renamed = await http('PATCH', `/groups/${id}`, { name: 'Contended (renamed)' });
    const added = await http('POST', `/groups/${id}/companies`, { companyResourceIds: [c4] });
    const set = await http('PUT', `/groups/${id}/companies`, {
      companyResourceIds: [m2, m3, c1, c3, c4, c5],
    });
    await event(c6);
    try {
      await consumers.drained({ timeoutMs: 30_000 });
    } finally {
      await consumers.stop();
    }

    // The FIFO order of the group's message group decides: the model applied in the same order.
    expect(sorted(keepnet.state.groupMemberIds(id))).toEqual(sorted([m2, m3, c1, c3, c4, c5, c6]));
    expect(keepnet.state.group(id)?.name).toBe('Contended (renamed)');
    expect(faults.some((f) => f.exhausted)).toBe(true);
    expect(world.deadLetters()).toEqual([]);

    const outcome = async (accepted: ApiCallResult) => {
      expect(accepted.status).toBe(202);
      const read = await callApi(apiHandler, {
        method: 'GET',
        path: (accepted.body as { location: string }).location,
      });
      return read.body as {
        status: string;
        result: { added: string[]; removed: string[]; alreadySo: string[]; renamedTo?: string };
      };
    };
    expect(await outcome(removed)).toMatchObject({
      status: 'succeeded',
      result: { removed: [m1], added: [] },
    });
    expect(await outcome(renamed)).toMatchObject({
      status: 'succeeded',
      result: { renamedTo: 'Contended (renamed)' },
    });
    expect(await outcome(added)).toMatchObject({ status: 'succeeded', result: { added: [c4] } });
    const setOutcome = await outcome(set);
    expect(setOutcome.status).toBe('succeeded');
    expect(setOutcome.result.added).toEqual([c5]);
    expect(sorted(setOutcome.result.removed)).toEqual(sorted([m4, m5, c2]));
    expect(sorted(setOutcome.result.alreadySo)).toEqual(sorted([m2, m3, c1, c3, c4]));
  });
});
