// The nightly report people open: one .xlsx built from the membership snapshot and its diff (no Keepnet
// call of its own), with sheets Summary, Groups, Memberships and Changes. Written with exceljs's
// streaming WorkbookWriter: each row is committed (serialised and let go) as soon as it is added, and the
// writer waits for the output to drain every few hundred rows, so memory does not grow with the number
// of rows (10,000 groups × 1,000 members: see bench/report.ts).
//
// Cells hold real values: numbers as numbers, times as dates (UTC, shown `yyyy-mm-dd hh:mm`). Text
// cells get the same formula neutralising as the CSV files we write (csv-cells.ts): names come from
// webhook senders and API callers.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { neutraliseCell } from './csv-cells';
import type { GroupSnapshot, MadeBy, MembershipDiff } from './membership-diff';

/** What the report reads of a snapshot: a Map satisfies it, and so does a synthetic one (bench). */
export interface ReportSnapshot {
  readonly size: number;
  get(groupResourceId: string): GroupSnapshot | undefined;
  values(): Iterable<GroupSnapshot>;
}

/** What the report is built from: tonight's snapshot, the previous one and the diff between them. */
export interface ReportInput {
  /** Tonight's run (the snapshot's scheduled time). */
  scheduledTime: Date;
  current: ReportSnapshot;
  /** The previous night's snapshot and its time; null on the first night. */
  previous: { time: Date; membership: ReportSnapshot } | null;
  /** Tonight against the previous night; null on the first night. */
  diff: MembershipDiff | null;
  /** When a company was first seen in a group (it has been a member ever since). */
  firstSeen(groupResourceId: string, companyResourceId: string): Date;
  /** The reseller's companies tonight (one counted search), or null when unknown. */
  companiesTotal?: number | null;
}

/** The workbook's sheets, in order. */
export const REPORT_SHEETS = ['Summary', 'Groups', 'Memberships', 'Changes'] as const;

/** Said in the Summary when Keepnet did not tell how many companies there are. */
export const NO_GROUP_UNKNOWN =
  'Not known: the company count could not be read tonight (the snapshot lists groups and their members only)';
/** Said in the Summary beside the figure. */
export const NO_GROUP_HOW = 'All companies (one counted search) less the distinct companies in any group';

const DATE_FORMAT = 'yyyy-mm-dd hh:mm';
/** Rows between two waits for the output to drain: small enough to bound what is buffered. */
const ROWS_PER_YIELD = 500;

type Cell = string | number | Date | null;
interface ColumnSpec {
  header: string;
  width: number;
  date?: boolean;
}

/** Writes the whole workbook to `output` and ends it; rejects (leaving `output` to the caller) on failure. */
export async function writeReportWorkbook(input: ReportInput, output: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.created = input.scheduledTime;
  workbook.modified = input.scheduledTime;
  workbook.creator = 'keepnet-msp-automation';
  let rows = 0;
  const sheet = (name: string, columns: readonly ColumnSpec[]) => {
    const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((c) => ({
      width: c.width,
      ...(c.date ? { style: { numFmt: DATE_FORMAT } } : {}),
    }));
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    const header = ws.addRow(columns.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
    return {
      async add(values: readonly Cell[]): Promise<void> {
        const row = ws.addRow(values.map(safeCell));
        columns.forEach((c, i) => {
          if (c.date) row.getCell(i + 1).numFmt = DATE_FORMAT;
        });
        row.commit();
        if (++rows % ROWS_PER_YIELD === 0) await drained(ws, output);
      },
      done: () => ws.commit(),
    };
  };

  const summary = sheet('Summary', [
    { header: 'Item', width: 40 },
    { header: 'Group id', width: 26 },
    { header: 'Tonight', width: 18, date: false },
    { header: 'Previous night', width: 18 },
    { header: 'Joined / created', width: 16 },
    { header: 'Left / deleted', width: 16 },
    { header: 'Renamed', width: 10 },
    { header: 'Note', width: 60 },
  ]);
  await writeSummary(input, summary.add);
  summary.done();

  const groups = sheet('Groups', [
    { header: 'Name', width: 40 },
    { header: 'Group id', width: 26 },
    { header: 'Members', width: 10 },
    { header: 'Created', width: 18, date: true },
  ]);
  for (const group of input.current.values()) {
    await groups.add([group.name, group.resourceId, group.members.length, toDate(group.createTime)]);
  }
  groups.done();

  const memberships = sheet('Memberships', [
    { header: 'Group', width: 40 },
    { header: 'Group id', width: 26 },
    { header: 'Company', width: 40 },
    { header: 'Company id', width: 26 },
    { header: 'First seen', width: 18, date: true },
  ]);
  for (const group of input.current.values()) {
    for (const member of group.members) {
      await memberships.add([
        group.name,
        group.resourceId,
        member.companyName,
        member.companyResourceId,
        input.firstSeen(group.resourceId, member.companyResourceId),
      ]);
    }
  }
  memberships.done();

  const changes = sheet('Changes', [
    { header: 'Change', width: 14 },
    { header: 'Not yet at', width: 18, date: true },
    { header: 'Seen at', width: 18, date: true },
    { header: 'Group', width: 40 },
    { header: 'Group id', width: 26 },
    { header: 'Company', width: 40 },
    { header: 'Company id', width: 26 },
    { header: 'Previous group name', width: 40 },
    { header: 'Made by', width: 12 },
    { header: 'Operation ids', width: 40 },
  ]);
  for (const row of changeRows(input)) await changes.add(row);
  changes.done();

  await workbook.commit();
}

async function writeSummary(input: ReportInput, add: (values: readonly Cell[]) => Promise<void>) {
  const { current, previous, diff } = input;
  const count = (snapshot: ReportSnapshot): number => {
    let total = 0;
    for (const group of snapshot.values()) total += group.members.length;
    return total;
  };
  const first = previous === null ? 'First night: no previous snapshot to compare with' : null;
  await add(['Snapshot time', null, input.scheduledTime, previous?.time ?? null, null, null, null, null]);
  await add([
    'Groups',
    null,
    current.size,
    previous?.membership.size ?? null,
    diff?.groupsCreated.length ?? null,
    diff?.groupsDeleted.length ?? null,
    diff?.groupsRenamed.length ?? null,
    first,
  ]);
  await add([
    'Members (group, company pairs)',
    null,
    count(current),
    previous === null ? null : count(previous.membership),
    diff?.joined.length ?? null,
    diff?.left.length ?? null,
    null,
    first,
  ]);
  const total = input.companiesTotal ?? null;
  const inSomeGroup = new Set<string>();
  for (const group of current.values()) for (const m of group.members) inSomeGroup.add(m.companyResourceId);
  await add(
    total === null
      ? ['Companies in no group', null, null, null, null, null, null, NO_GROUP_UNKNOWN]
      : [
          'Companies in no group',
          null,
          Math.max(0, total - inSomeGroup.size),
          null,
          null,
          null,
          null,
          NO_GROUP_HOW,
        ],
  );

  // By group: tonight's groups, then those deleted since the previous night (0 members tonight).
  const joined = countBy(diff?.joined ?? []);
  const left = countBy(diff?.left ?? []);
  const renamed = new Set(diff?.groupsRenamed.map((g) => g.groupResourceId));
  for (const group of current.values()) {
    const before = previous?.membership.get(group.resourceId);
    await add([
      group.name,
      group.resourceId,
      group.members.length,
      before?.members.length ?? null,
      joined.get(group.resourceId) ?? 0,
      left.get(group.resourceId) ?? 0,
      renamed.has(group.resourceId) ? 1 : 0,
      previous !== null && before === undefined ? 'Created since the previous night' : null,
    ]);
  }
  for (const deleted of diff?.groupsDeleted ?? []) {
    const before = previous?.membership.get(deleted.groupResourceId);
    await add([
      deleted.groupName,
      deleted.groupResourceId,
      0,
      before?.members.length ?? null,
      0,
      left.get(deleted.groupResourceId) ?? 0,
      0,
      'Deleted since the previous night',
    ]);
  }
}

function* changeRows(input: ReportInput): Generator<Cell[]> {
  const { diff, previous } = input;
  if (diff === null) return;
  const between = [previous?.time ?? null, input.scheduledTime];
  const by = (madeBy: MadeBy | undefined): Cell[] => [
    madeBy === undefined ? null : madeBy.by === 'system' ? 'this system' : 'outside',
    madeBy?.operationIds.join(' ') || null,
  ];
  for (const g of diff.groupsCreated)
    yield ['group created', ...between, g.groupName, g.groupResourceId, null, null, null, null, null];
  for (const g of diff.groupsDeleted)
    yield ['group deleted', ...between, g.groupName, g.groupResourceId, null, null, null, null, null];
  for (const g of diff.groupsRenamed)
    yield [
      'renamed',
      ...between,
      g.groupName,
      g.groupResourceId,
      null,
      null,
      g.previousName,
      ...by(g.madeBy),
    ];
  for (const [change, list] of [
    ['joined', diff.joined],
    ['left', diff.left],
  ] as const) {
    for (const m of list) {
      yield [
        change,
        ...between,
        m.groupName,
        m.groupResourceId,
        m.companyName,
        m.companyResourceId,
        null,
        ...by(m.madeBy),
      ];
    }
  }
}

function countBy(changes: ReadonlyArray<{ groupResourceId: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.groupResourceId, (counts.get(c.groupResourceId) ?? 0) + 1);
  return counts;
}

/** Keepnet's time text as a Date; null when absent or not a time (the cell stays empty, never text). */
function toDate(value: string | null): Date | null {
  if (value === null) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

function safeCell(value: Cell): Cell {
  return typeof value === 'string' ? neutraliseCell(value) : value;
}

/**
 * Waits until what was written has moved on. exceljs's sheet stream (a StreamBuf) hands its bytes to
 * the zip entry's stream (a readable-stream PassThrough, an exceljs/archiver internal) without heeding
 * backpressure, so rows made faster than zlib deflates them would pile up there: wait while that stream
 * or the output holds more than its high-water mark.
 */
async function drained(ws: object, output: Writable): Promise<void> {
  await nextTurn();
  const pipes = (ws as { stream?: { pipes?: unknown } }).stream?.pipes;
  for (const pipe of Array.isArray(pipes) ? (pipes as BufferedStream[]) : []) {
    while (isOverfull(pipe)) await once(pipe, 'drain');
  }
  while (output.writableNeedDrain) await once(output, 'drain');
}

interface BufferedStream extends NodeJS.EventEmitter {
  _writableState?: { length: number; highWaterMark: number };
}

function isOverfull(stream: BufferedStream): boolean {
  const state = stream._writableState;
  return state !== undefined && state.length > state.highWaterMark;
}
