// The nightly membership diff says who made each change: a write of this system (journaled, with its
// operation or event id) or someone outside (Keepnet's UI, another integration), and counts the
// outside removals for the OutsideRemovals metric. Against the simulator and s3rver.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parse } from 'csv-parse/sync';
import { attributeChanges, type ExportContext, outsideRemovals, runScheduledExport } from '../../lib/exports';
import { createKeepnetClientFromEnv, type KeepnetClient, resetKeepnetClientFromEnv } from '../../lib/keepnet';
import { GroupResolver } from '../../lib/onboarding/group-resolver';
import { onboardBatch } from '../../lib/onboarding/worker';
import { operationStoreFromEnv } from '../../lib/operations/config';
import type { OperationStore } from '../../lib/operations/store';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { sqsFifoRecord } from '../support/factories';

let stack: LocalStack;
let restoreEnv: () => void;
let client: KeepnetClient;
let s3: S3Client;
let store: OperationStore;

beforeAll(async () => {
  stack = await startLocalStack();
  restoreEnv = stack.applyEnv();
  client = createKeepnetClientFromEnv();
  s3 = new S3Client(stack.s3.clientConfig());
  store = operationStoreFromEnv(stack.env, s3)!;
});
afterAll(async () => {
  s3?.destroy();
  await resetKeepnetClientFromEnv();
  restoreEnv?.();
  await stack?.close();
});

const context = (scheduledTime: Date): ExportContext => ({
  client,
  s3,
  bucket: stack.env.EXPORT_BUCKET!,
  prefix: 'attribution/',
  scheduledTime,
  journal: (from, to) => store.journalBetween(from, to),
});

it("marks the worker's changes as this system's, with their ids, and counts a removal from outside", async () => {
  const { state } = stack.keepnet;
  const [finance, eu] = [state.groupByName('Finance')!, state.groupByName('EU Customers')!];
  const newcomer = state
    .companies()
    .find((c) => !state.groupMemberIds(finance.resourceId).includes(c.resourceId))!;
  const [leaver, ...stay] = state.groupMemberIds(eu.resourceId);

  const yesterday = new Date();
  yesterday.setUTCDate(yesterday.getUTCDate() - 1);
  await runScheduledExport([], context(yesterday));

  // Today: the worker adds a company (journaled), and someone removes one in Keepnet's UI (not).
  const record = sqsFifoRecord({
    body: {
      v: 1,
      companyResourceId: newcomer.resourceId,
      group: { id: finance.resourceId },
      eventId: 'evt-42',
    },
    messageGroupId: `group-${finance.resourceId}`,
  });
  const outcomes = await onboardBatch([record], {
    client,
    resolver: new GroupResolver(client),
    sqs: new SQSClient({}),
    queueUrl: 'http://127.0.0.1:9/unused',
    mode: 'union',
    store,
  });
  expect(outcomes.get(record.messageId)).toMatchObject({ ok: true, action: 'added' });
  state.setGroupMembers(eu.resourceId, stay);

  const summary = await runScheduledExport([], context(new Date()));
  expect(summary.membershipDiff).toMatchObject({ joined: 1, left: 1, outsideRemovals: 1 });

  const csvKey = summary.objects.find((o) => o.kind === 'membership-diff' && o.key.endsWith('.csv'))!.key;
  const csv = await (
    await s3.send(new GetObjectCommand({ Bucket: stack.env.EXPORT_BUCKET!, Key: csvKey }))
  ).Body!.transformToString('utf8');
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  expect(rows).toEqual([
    expect.objectContaining({
      change: 'joined',
      companyResourceId: newcomer.resourceId,
      madeBy: 'system',
      operationIds: 'event:evt-42',
    }),
    expect.objectContaining({
      change: 'left',
      companyResourceId: leaver,
      madeBy: 'outside',
      operationIds: '',
    }),
  ]);
});

it('attributes a rename and a restored member to the write that made them', () => {
  const diff = attributeChanges(
    {
      groupsCreated: [],
      groupsDeleted: [],
      groupsRenamed: [{ groupResourceId: 'G1', groupName: 'New name', previousName: 'Old name' }],
      joined: [{ groupResourceId: 'G1', groupName: 'New name', companyResourceId: 'C1', companyName: null }],
      left: [{ groupResourceId: 'G1', groupName: 'New name', companyResourceId: 'C2', companyName: null }],
    },
    [
      { groupId: 'G1', added: [], removed: [], restored: ['C1'], operationIds: ['op_a'] },
      {
        groupId: 'G1',
        added: [],
        removed: ['C2'],
        restored: [],
        renamedTo: 'New name',
        operationIds: ['op_b'],
      },
    ],
  );
  expect(diff.groupsRenamed[0]!.madeBy).toEqual({ by: 'system', operationIds: ['op_b'] });
  expect(diff.joined[0]!.madeBy).toEqual({ by: 'system', operationIds: ['op_a'] });
  expect(diff.left[0]!.madeBy).toEqual({ by: 'system', operationIds: ['op_b'] });
  expect(outsideRemovals(diff)).toBe(0);
});
