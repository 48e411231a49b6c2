// The nightly membership diff says who made each change: a write of this system (journaled, with its
// operation or event id) or someone outside (Keepnet's UI, another integration), and counts the
// outside removals for the OutsideRemovals metric. Against the simulator and s3rver.
import { parse } from 'csv-parse/sync';
import { attributeChanges, outsideRemovals, runScheduledExport } from '../../lib/exports';
import { type JournaledExportWorld, startJournaledExportWorld } from '../support/journaled-export-world';
import { onboardOne } from '../support/onboard-one';

let world: JournaledExportWorld;
beforeAll(async () => {
  world = await startJournaledExportWorld();
});
afterAll(() => world?.close());

const context = (scheduledTime: Date) => world.context('attribution/', scheduledTime);

it("marks the worker's changes as this system's, with their ids, and counts a removal from outside", async () => {
  const { state } = world.stack.keepnet;
  const [finance, eu] = [state.groupByName('Finance')!, state.groupByName('EU Customers')!];
  const newcomer = state
    .companies()
    .find((c) => !state.groupMemberIds(finance.resourceId).includes(c.resourceId))!;
  const [leaver, ...stay] = state.groupMemberIds(eu.resourceId);

  const yesterday = new Date();
  yesterday.setUTCDate(yesterday.getUTCDate() - 1);
  await runScheduledExport([], context(yesterday));

  // Today: the worker adds a company (journaled), and someone removes one in Keepnet's UI (not).
  const outcome = await onboardOne(world, {
    companyResourceId: newcomer.resourceId,
    groupId: finance.resourceId,
    eventId: 'evt-42',
  });
  expect(outcome).toMatchObject({ ok: true, action: 'added' });
  state.setGroupMembers(eu.resourceId, stay);

  const summary = await runScheduledExport([], context(new Date()));
  expect(summary.membershipDiff).toMatchObject({ joined: 1, left: 1, outsideRemovals: 1 });

  const csvKey = summary.objects.find((o) => o.kind === 'membership-diff' && o.key.endsWith('.csv'))!.key;
  const csv = (await world.getBytes(csvKey)).toString('utf8');
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
