// The MessageDeduplicationId of every kind of onboarding-queue send, pinned byte for byte: messages in
// flight during a deployment are de-duplicated against ids the previous version computed, so a change
// to any derivation would queue them twice. Checked on the builder and through each sender.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { deduplicationId, fifoMessage, queueEntry } from '../../lib/group-queue/entry';
import type { SubmitDependencies } from '../../lib/group-queue/submit';
import { submitOperation } from '../../lib/group-queue/submit';
import { sha256 } from '../../lib/hash';
import { KeepnetNotFoundError } from '../../lib/keepnet/errors';
import type { KeepnetApi } from '../../lib/keepnet/types';
import { deadLetterFailures } from '../../lib/onboarding/dead-letter';
import type { GroupResolver } from '../../lib/onboarding/group-resolver';
import { onboardingEntries } from '../../lib/onboarding/route';
import { onboardBatch } from '../../lib/onboarding/worker';
import type { OperationRecord } from '../../lib/operations/operation';
import type { OperationStore } from '../../lib/operations/store';
import { parseGroupRules } from '../../lib/rules/group-rules';
import { sqsFifoRecord } from '../support/factories';

const PINNED = {
  routeById: 'ca629da9ae42af0a4f799b23b9b74c5d5bfadc0e3f681c23444040a9d77bf297',
  routeByName: '5de13cd158e58444bbc030e2f2fe18dc2f180fe3f4abbfd316f7abbc360be123',
  forward: 'c996f56b97ebc1684a04f81c103ecda60ad0cf5b9f729e24536d1c840e094f8c',
  reroute: 'efa62e0639acbde373739a59da2b1d72f77b01548b9f886aebf72d82c9255889',
  operation: '165b8c8b07ecd5edfeac8d992f2dd6ccc69b2a66ceacbbaca83f3ffe87800165',
  deadLetter: 'a98e07189480fdfdb07e11dfe7351520c050a927b0ebc745b8ed04218f0b65ef',
};
const NAME_GROUP = 'name-e15d01444bcbadf9ab23fcfa3f572f3b2ad606bd';

/** A v1 message for company c-1 from event evt-1. */
const company = (group: Record<string, string>) => ({
  v: 1,
  companyResourceId: 'c-1',
  group,
  eventId: 'evt-1',
});

/** An SQS client that accepts every send and keeps what was sent. */
function recordingSqs() {
  const inputs: Record<string, unknown>[] = [];
  const sqs = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      const entries = (command.input.Entries ?? []) as { Id: string }[];
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), MessageId: 'm' };
    },
  } as unknown as SQSClient;
  const entries = () => inputs.flatMap((i) => (i.Entries ?? [i]) as Record<string, unknown>[]);
  return { sqs, entries };
}

describe('deduplicationId', () => {
  it('is fixed for each purpose', () => {
    const route = { purpose: 'route', eventId: 'evt-1', companyResourceId: 'c-1' } as const;
    expect(deduplicationId({ ...route, target: { kind: 'id', groupId: 'g-1' } })).toBe(PINNED.routeById);
    expect(deduplicationId({ ...route, target: { kind: 'name', groupName: '  EU  Customers ' } })).toBe(
      PINNED.routeByName,
    );
    // The name is normalised: the same group under another spelling is the same send.
    expect(deduplicationId({ ...route, target: { kind: 'name', groupName: 'eu customers' } })).toBe(
      PINNED.routeByName,
    );
    expect(deduplicationId({ purpose: 'forward', original: 'dedup-1', groupId: 'g-1' })).toBe(PINNED.forward);
    expect(deduplicationId({ purpose: 'reroute', original: 'dedup-1', staleId: 'g-1' })).toBe(PINNED.reroute);
    expect(deduplicationId({ purpose: 'operation', operationId: 'op-1' })).toBe(PINNED.operation);
    expect(deduplicationId({ purpose: 'dead-letter', messageId: 'm-1' })).toBe(PINNED.deadLetter);
  });

  it('redrive: the readable id the CLI always sent, not a hash', () => {
    expect(deduplicationId({ purpose: 'redrive', messageId: 'm-1' })).toBe('redrive-m-1');
  });

  it('differs between purposes given the same keys', () => {
    const forward = deduplicationId({ purpose: 'forward', original: 'k', groupId: 'g' });
    const reroute = deduplicationId({ purpose: 'reroute', original: 'k', staleId: 'g' });
    expect(forward).not.toBe(reroute);
  });
});

describe('fifoMessage and queueEntry', () => {
  const message = { v: 1, companyResourceId: 'c-1', group: { id: 'g-1' }, eventId: 'evt-1' } as const;
  const dedup = { purpose: 'operation', operationId: 'op-1' } as const;

  it('serialises a message and derives its message group from the target', () => {
    expect(queueEntry(3, message, { kind: 'id', groupId: 'g-1' }, dedup)).toEqual({
      Id: '3',
      MessageBody: JSON.stringify(message),
      MessageGroupId: 'group-g-1',
      MessageDeduplicationId: PINNED.operation,
    });
  });

  it('passes a body and a MessageGroupId on unchanged', () => {
    expect(fifoMessage('not json {', { messageGroupId: 'anything-1' }, dedup)).toEqual({
      MessageBody: 'not json {',
      MessageGroupId: 'anything-1',
      MessageDeduplicationId: PINNED.operation,
    });
  });
});

describe('each sender uses the pinned ids', () => {
  it('router', () => {
    const detail = { companyResourceId: 'c-1', groupResourceIds: ['g-1'], groupNames: ['  EU  Customers '] };
    const entries = onboardingEntries(detail, 'evt-1', parseGroupRules('[]'));
    expect(entries.map((e) => e.entry)).toEqual([
      {
        Id: '0',
        MessageBody: '{"v":1,"companyResourceId":"c-1","group":{"id":"g-1"},"eventId":"evt-1"}',
        MessageGroupId: 'group-g-1',
        MessageDeduplicationId: PINNED.routeById,
      },
      {
        Id: '1',
        MessageBody:
          '{"v":1,"companyResourceId":"c-1","group":{"name":"  EU  Customers "},"eventId":"evt-1"}',
        MessageGroupId: NAME_GROUP,
        MessageDeduplicationId: PINNED.routeByName,
      },
    ]);
  });

  const workerDeps = (sqs: SQSClient, client: Partial<KeepnetApi> = {}) => ({
    client: client as KeepnetApi,
    resolver: { resolve: async () => ({ groupId: 'g-1' }) } as unknown as GroupResolver,
    sqs,
    queueUrl: 'https://sqs.example/onboarding.fifo',
    mode: 'union' as const,
  });

  it('worker forwarding a name to its id', async () => {
    const { sqs, entries } = recordingSqs();
    const record = sqsFifoRecord({
      body: company({ name: 'EU Customers' }),
      messageGroupId: NAME_GROUP,
      deduplicationId: 'dedup-1',
    });
    const outcomes = await onboardBatch([record], workerDeps(sqs));
    expect(outcomes.get(record.messageId)).toEqual({ ok: true, action: 'forwarded', groupId: 'g-1' });
    expect(entries()).toEqual([
      {
        Id: '0',
        MessageBody: JSON.stringify(company({ id: 'g-1', viaName: 'EU Customers' })),
        MessageGroupId: 'group-g-1',
        MessageDeduplicationId: PINNED.forward,
      },
    ]);
  });

  it('worker routing by name again when the id is gone', async () => {
    const { sqs, entries } = recordingSqs();
    const record = sqsFifoRecord({
      body: company({ id: 'g-1', viaName: 'EU Customers' }),
      messageGroupId: 'group-g-1',
      deduplicationId: 'dedup-1',
    });
    // The member search and the group read both answer 404: the group is gone.
    const gone = async () => {
      throw new KeepnetNotFoundError('not found', { httpStatus: 404 });
    };
    const client = { searchGroupMembers: gone, getGroup: gone } as unknown as Partial<KeepnetApi>;
    const outcomes = await onboardBatch([record], workerDeps(sqs, client));
    expect(outcomes.get(record.messageId)).toEqual({ ok: true, action: 'rerouted', groupId: 'g-1' });
    expect(entries()).toEqual([
      {
        Id: '0',
        MessageBody: JSON.stringify(company({ name: 'EU Customers', staleId: 'g-1' })),
        MessageGroupId: NAME_GROUP,
        MessageDeduplicationId: PINNED.reroute,
      },
    ]);
  });

  it('dead-letter step', async () => {
    const { sqs, entries } = recordingSqs();
    const record = sqsFifoRecord({ body: 'not json {', messageGroupId: 'group-g-1', messageId: 'm-1' });
    const failure = { ok: false, permanent: true, reason: 'bad', code: 'INVALID_MESSAGE' } as const;
    await deadLetterFailures([record], new Map([['m-1', failure]]), sqs, {
      dlqUrl: 'https://sqs.example/dlq.fifo',
    });
    expect(entries()).toMatchObject([
      { MessageBody: 'not json {', MessageGroupId: 'group-g-1', MessageDeduplicationId: PINNED.deadLetter },
    ]);
  });

  it('operation submit', async () => {
    const { sqs, entries } = recordingSqs();
    const records = new Map<string, OperationRecord>();
    const store = {
      get: async (id: string) => records.get(id),
      put: async (record: OperationRecord) => void records.set(record.operationId, record),
    } as unknown as OperationStore;
    const deps: SubmitDependencies = { sqs, queueUrl: 'https://sqs.example/onboarding.fifo', store };
    const { record } = await submitOperation(deps, {
      groupId: 'g-1',
      change: { kind: 'add', companyResourceIds: ['c-1'] },
      source: 'api',
    });
    expect(entries()).toMatchObject([
      {
        Id: '0',
        MessageGroupId: 'group-g-1',
        // The derivation pinned above, for an operation id that is random each run.
        MessageDeduplicationId: sha256(`operation\n${record.operationId}`),
      },
    ]);
  });
});
