// The nightly report people open: the nightly export run twice with changes in between (a group
// created, one renamed, one deleted, a member added by this system's worker, one removed from outside),
// then the workbook opened with exceljs and every sheet checked against the snapshot and diff the run
// stored beside it. Against the simulator and s3rver.
import ExcelJS from 'exceljs';
import { type RunSummary, runScheduledExport } from '../../lib/exports';
import type { GroupSnapshot, MembershipDiff } from '../../lib/exports/membership-diff';
import { writeMembershipReport } from '../../lib/exports/membership-report';
import { NO_GROUP_HOW, REPORT_SHEETS } from '../../lib/exports/report-workbook';
import { type JournaledExportWorld, startJournaledExportWorld } from '../support/journaled-export-world';
import { onboardOne } from '../support/onboard-one';

let world: JournaledExportWorld;
beforeAll(async () => {
  world = await startJournaledExportWorld();
});
afterAll(() => world?.close());

const context = (scheduledTime: Date) => world.context('report-test/', scheduledTime);

const keyOf = (summary: RunSummary, kind: string, ext: string): string =>
  summary.objects.find((o) => o.kind === kind && o.key.endsWith(ext))!.key;
async function snapshotOf(summary: RunSummary): Promise<GroupSnapshot[]> {
  const text = (await world.getBytes(keyOf(summary, 'membership-snapshot', '.jsonl'))).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as GroupSnapshot);
}
async function workbookOf(summary: RunSummary): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await world.getBytes(summary.reportKey!)) as unknown as ArrayBuffer);
  return workbook;
}
/** Data rows (after the header) as arrays of cell values, column 1 first. */
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = row.values as unknown[];
    rows.push(Array.from({ length: sheet.columnCount }, (_, i) => values[i + 1] ?? null));
  });
  return rows;
}
function expectSheetShape(sheet: ExcelJS.Worksheet): void {
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  expect(sheet.autoFilter).toBeTruthy();
  expect(sheet.getRow(1).font?.bold).toBe(true);
  for (let c = 1; c <= sheet.columnCount; c++) expect(sheet.getColumn(c).width).toBeGreaterThanOrEqual(10);
}

it('writes a workbook whose every sheet agrees with the snapshot and diff, night after night', async () => {
  const { state } = world.stack.keepnet;
  const [finance, eu] = [state.groupByName('Finance')!, state.groupByName('EU Customers')!];
  const doomed = state.groups().find((g) => g !== finance && g !== eu)!;
  const newcomer = state
    .companies()
    .find((c) => !state.groupMemberIds(finance.resourceId).includes(c.resourceId))!;
  const [leaver, ...stay] = state.groupMemberIds(eu.resourceId);
  const renamedFrom = finance.name;

  const lastNight = new Date(Date.now() - 86_400_000);
  lastNight.setUTCMilliseconds(0);
  const first = await runScheduledExport([], context(lastNight));
  expect(first.reportKey).toMatch(
    /^report-test\/report\/date=\d{4}-\d{2}-\d{2}\/company-groups-report-\d{8}T\d{6}Z\.xlsx$/,
  );
  const firstBook = await workbookOf(first);
  expect(rowsOf(firstBook.getWorksheet('Changes')!)).toEqual([]);

  // Between the nights: this system adds a member (journaled), someone removes one in Keepnet's UI,
  // a group is renamed, one deleted, one created with a formula-like name.
  const outcome = await onboardOne(world, {
    companyResourceId: newcomer.resourceId,
    groupId: finance.resourceId,
    eventId: 'evt-7',
  });
  expect(outcome).toMatchObject({ ok: true });
  state.setGroupMembers(eu.resourceId, stay);
  await world.client.updateGroup(finance.resourceId, {
    name: 'Finance & Legal',
    companyResourceIds: state.groupMemberIds(finance.resourceId),
  });
  state.deleteGroup(doomed.resourceId);
  const created = state.addGroup('=HYPERLINK("http://evil")', [stay[0]!]);

  const tonight = new Date();
  tonight.setUTCMilliseconds(0);
  const second = await runScheduledExport([], context(tonight));
  expect(second.objects.map((o) => o.kind)).toEqual(
    expect.arrayContaining(['membership-snapshot', 'membership-diff', 'membership-first-seen', 'report']),
  );
  const snapshot = await snapshotOf(second);
  const previousSnapshot = await snapshotOf(first);
  const diff = JSON.parse(
    (await world.getBytes(keyOf(second, 'membership-diff', '.json'))).toString('utf8'),
  ) as MembershipDiff;
  const book = await workbookOf(second);
  expect(book.worksheets.map((s) => s.name)).toEqual([...REPORT_SHEETS]);
  for (const sheet of book.worksheets) expectSheetShape(sheet);

  // Groups: one row per group of the snapshot, members as numbers, created as a date.
  const groups = rowsOf(book.getWorksheet('Groups')!);
  expect(groups).toEqual(
    snapshot.map((g) => [
      g.resourceId === created.resourceId ? `'${g.name}` : g.name,
      g.resourceId,
      g.members.length,
      g.createTime === null ? null : new Date(g.createTime),
    ]),
  );

  // Memberships: every pair; first seen last night for those already members then, tonight otherwise.
  const lastNightMembers = new Set(
    previousSnapshot.flatMap((g) => g.members.map((m) => `${g.resourceId}/${m.companyResourceId}`)),
  );
  const memberships = rowsOf(book.getWorksheet('Memberships')!);
  expect(memberships).toEqual(
    snapshot.flatMap((g) =>
      g.members.map((m) => [
        g.resourceId === created.resourceId ? `'${g.name}` : g.name,
        g.resourceId,
        m.companyName,
        m.companyResourceId,
        lastNightMembers.has(`${g.resourceId}/${m.companyResourceId}`) ? lastNight : tonight,
      ]),
    ),
  );
  expect(memberships).toContainEqual([
    'Finance & Legal',
    finance.resourceId,
    newcomer.name,
    newcomer.resourceId,
    tonight,
  ]);

  // Changes: every change of the diff, between the two nights, with who made it.
  const changes = rowsOf(book.getWorksheet('Changes')!);
  expect(changes).toHaveLength(
    diff.groupsCreated.length +
      diff.groupsDeleted.length +
      diff.groupsRenamed.length +
      diff.joined.length +
      diff.left.length,
  );
  for (const row of changes) expect(row.slice(1, 3)).toEqual([lastNight, tonight]);
  expect(changes).toContainEqual([
    'renamed',
    lastNight,
    tonight,
    'Finance & Legal',
    finance.resourceId,
    null,
    null,
    renamedFrom,
    'outside',
    null,
  ]);
  expect(changes).toContainEqual([
    'joined',
    lastNight,
    tonight,
    'Finance & Legal',
    finance.resourceId,
    newcomer.name,
    newcomer.resourceId,
    null,
    'this system',
    'event:evt-7',
  ]);
  expect(changes).toContainEqual([
    'left',
    lastNight,
    tonight,
    eu.name,
    eu.resourceId,
    expect.anything(),
    leaver,
    null,
    'outside',
    null,
  ]);
  expect(changes).toContainEqual([
    'group deleted',
    lastNight,
    tonight,
    doomed.name,
    doomed.resourceId,
    null,
    null,
    null,
    null,
    null,
  ]);
  expect(changes).toContainEqual([
    'group created',
    lastNight,
    tonight,
    `'${created.name}`,
    created.resourceId,
    null,
    null,
    null,
    null,
    null,
  ]);

  // Summary: totals tonight beside last night's, the changes counted, then one row per group.
  const summary = rowsOf(book.getWorksheet('Summary')!);
  const pairs = (s: GroupSnapshot[]) => s.reduce((n, g) => n + g.members.length, 0);
  expect(summary[0]).toEqual(['Snapshot time', null, tonight, lastNight, null, null, null, null]);
  expect(summary[1]).toEqual([
    'Groups',
    null,
    snapshot.length,
    previousSnapshot.length,
    diff.groupsCreated.length,
    diff.groupsDeleted.length,
    diff.groupsRenamed.length,
    null,
  ]);
  expect(summary[2]).toEqual([
    'Members (group, company pairs)',
    null,
    pairs(snapshot),
    pairs(previousSnapshot),
    diff.joined.length,
    diff.left.length,
    null,
    null,
  ]);
  // Every company (one counted search) less those in any group of tonight's snapshot.
  const inSomeGroup = new Set(snapshot.flatMap((g) => g.members.map((m) => m.companyResourceId)));
  const companies = world.stack.keepnet.state.companies().length;
  expect(summary[3]).toEqual([
    'Companies in no group',
    null,
    companies - inSomeGroup.size,
    null,
    null,
    null,
    null,
    NO_GROUP_HOW,
  ]);
  expect(companies - inSomeGroup.size).toBeGreaterThan(0);
  const before = new Map(previousSnapshot.map((g) => [g.resourceId, g.members.length]));
  const count = (list: Array<{ groupResourceId: string }>, id: string) =>
    list.filter((c) => c.groupResourceId === id).length;
  expect(summary.slice(4, 4 + snapshot.length)).toEqual(
    snapshot.map((g) => [
      g.resourceId === created.resourceId ? `'${g.name}` : g.name,
      g.resourceId,
      g.members.length,
      before.get(g.resourceId) ?? null,
      count(diff.joined, g.resourceId),
      count(diff.left, g.resourceId),
      g.resourceId === finance.resourceId ? 1 : 0,
      g.resourceId === created.resourceId ? 'Created since the previous night' : null,
    ]),
  );
  expect(summary.slice(4 + snapshot.length)).toEqual([
    [
      doomed.name,
      doomed.resourceId,
      0,
      before.get(doomed.resourceId)!,
      0,
      count(diff.left, doomed.resourceId),
      0,
      'Deleted since the previous night',
    ],
  ]);

  // A third night carries "first seen" forward from the index, not from the night before.
  const third = await runScheduledExport([], context(new Date(tonight.getTime() + 86_400_000)));
  const thirdRows = rowsOf((await workbookOf(third)).getWorksheet('Memberships')!);
  expect(thirdRows).toContainEqual([
    'Finance & Legal',
    finance.resourceId,
    newcomer.name,
    newcomer.resourceId,
    tonight,
  ]);
  expect(thirdRows.filter((r) => (r[4] as Date).getTime() === lastNight.getTime()).length).toBe(
    memberships.filter((r) => (r[4] as Date).getTime() === lastNight.getTime()).length,
  );
});

describe('writeMembershipReport on its own', () => {
  const group = (id: string, name: string, createTime: string | null, members: GroupSnapshot['members']) =>
    [id, { resourceId: id, name, createTime, members }] as const;
  const current = new Map([
    group('G1', '+SUM(A1)', null, [{ companyResourceId: 'C1', companyName: null }]),
    group('G2', '@cmd', 'not a time', [{ companyResourceId: 'C2', companyName: '-2+3' }]),
    group('G3', 'Plain', '2026-01-02T03:04:05Z', []),
  ]);
  const night = new Date('2026-12-01T02:00:00Z');
  const ctx = () => world.context('report-alone/', night);

  it('leaves a missing or unreadable time empty (never text) and neutralises formula-like text', async () => {
    const written = await writeMembershipReport(ctx(), {
      scheduledTime: night,
      current,
      previous: null,
      diff: null,
      firstSeen: () => night,
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await world.getBytes(written.key)) as unknown as ArrayBuffer);
    expect(rowsOf(book.getWorksheet('Groups')!)).toEqual([
      ["'+SUM(A1)", 'G1', 1, null],
      ["'@cmd", 'G2', 1, null],
      ['Plain', 'G3', 0, new Date('2026-01-02T03:04:05Z')],
    ]);
    expect(rowsOf(book.getWorksheet('Memberships')!)).toEqual([
      ["'+SUM(A1)", 'G1', null, 'C1', night],
      ["'@cmd", 'G2', "'-2+3", 'C2', night],
    ]);
    // The first night: figures without a previous night, and no changes.
    expect(rowsOf(book.getWorksheet('Summary')!)[1]).toEqual([
      'Groups',
      null,
      3,
      null,
      null,
      null,
      null,
      'First night: no previous snapshot to compare with',
    ]);
    expect(rowsOf(book.getWorksheet('Changes')!)).toEqual([]);
    expect(written.bytes).toBe((await world.getBytes(written.key)).length);
  });

  it('leaves no report at all when building it fails half-way', async () => {
    const failing = writeMembershipReport(ctx(), {
      scheduledTime: new Date('2026-12-02T02:00:00Z'),
      current,
      previous: null,
      diff: null,
      firstSeen: (groupId) => {
        if (groupId === 'G2') throw new Error('first-seen index broke');
        return night;
      },
    });
    await expect(failing).rejects.toThrow('first-seen index broke');
    expect(await world.keysUnder('report-alone/report/date=2026-12-02/')).toEqual([]);
  });
});
