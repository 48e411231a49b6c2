// The nightly report (lib/exports/report-workbook.ts) for 10,000 groups × 1,000 members (10 million
// membership rows), built from a synthetic snapshot generated on the fly (no simulator, no S3: what is
// measured is the workbook's build). In a fresh Node process, so the baseline RSS is the writer's own:
//   report:   the whole workbook written to a sink that counts and drops the bytes, RSS sampled;
//   baseline: the same groups and members serialised as JSON Lines (the snapshot's format) to the same
//             sink: what merely touching every membership once costs.
// ratio = report time ÷ baseline time (reported: exceljs's per-cell XML and zip are the price of a file
// people open). Goal: RSS growth (peak − baseline before the build) ≤ 64 MB whatever the size.
// Run alone: `npx tsx bench/report.ts [--quick]`, or `npm run bench -- --only report`.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { diffMembership, type GroupSnapshot, type MembershipDiff } from '../lib/exports/membership-diff';
import { type ReportSnapshot, writeReportWorkbook } from '../lib/exports/report-workbook';

const run = promisify(execFile);
export const REPORT_RSS_GROWTH_GOAL_MB = 64;
const MB = 1024 * 1024;

export interface ReportBenchResult {
  groups: number;
  membersPerGroup: number;
  rows: number;
  bytes: number;
  reportMs: number;
  baselineMs: number;
  ratio: number;
  baselineRssMb: number;
  peakRssMb: number;
  rssGrowthMb: number;
  goals: { rssGrowthMb: number };
}

/** A snapshot of `groups` groups × `members` members, each group made when asked for, never kept. */
function syntheticSnapshot(groups: number, members: number, night: number): ReportSnapshot {
  const group = (i: number): GroupSnapshot => ({
    resourceId: `G${String(i).padStart(8, '0')}`,
    name: `Group ${i}`,
    createTime: '2026-01-01T00:00:00Z',
    // Night 1 shifts every group's members by one: one joined and one left per group.
    members: Array.from({ length: members }, (_, m) => {
      const id = i * members + m + night;
      return { companyResourceId: `C${String(id).padStart(10, '0')}`, companyName: `Company ${id}` };
    }),
  });
  return {
    size: groups,
    get: (id) => {
      const i = Number(id.slice(1));
      return Number.isInteger(i) && i < groups ? group(i) : undefined;
    },
    *values() {
      for (let i = 0; i < groups; i++) yield group(i);
    },
  };
}

function smallDiff(groups: number): MembershipDiff {
  const diff = diffMembership(new Map(), new Map()); // empty, filled below
  for (let i = 0; i < Math.min(groups, 1000); i++) {
    const ref = { groupResourceId: `G${String(i).padStart(8, '0')}`, groupName: `Group ${i}` };
    diff.joined.push({
      ...ref,
      companyResourceId: `Cj${i}`,
      companyName: `Joined ${i}`,
      madeBy: { by: 'outside', operationIds: [] },
    });
    diff.left.push({
      ...ref,
      companyResourceId: `Cl${i}`,
      companyName: `Left ${i}`,
      madeBy: { by: 'system', operationIds: [`op_${i}`] },
    });
  }
  return diff;
}

function countingSink(): { sink: Writable; bytes(): number } {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  return { sink, bytes: () => bytes };
}

async function child(groups: number, members: number): Promise<Omit<ReportBenchResult, 'goals' | 'ratio'>> {
  const current = syntheticSnapshot(groups, members, 1);
  const previous = syntheticSnapshot(groups, members, 0);
  const tonight = new Date('2026-12-03T02:00:00Z');
  const lastNight = new Date('2026-12-02T02:00:00Z');

  // Baseline first: the same memberships as JSON Lines.
  const base = countingSink();
  let started = performance.now();
  for (const group of current.values()) {
    if (!base.sink.write(`${JSON.stringify(group)}\n`)) await new Promise((r) => base.sink.once('drain', r));
  }
  base.sink.end();
  const baselineMs = performance.now() - started;

  globalThis.gc?.();
  const baselineRss = process.memoryUsage.rss();
  let peak = baselineRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const out = countingSink();
  started = performance.now();
  await writeReportWorkbook(
    {
      scheduledTime: tonight,
      current,
      previous: { time: lastNight, membership: previous },
      diff: smallDiff(groups),
      firstSeen: () => lastNight,
    },
    out.sink,
  );
  const reportMs = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    groups,
    membersPerGroup: members,
    rows: groups * members,
    bytes: out.bytes(),
    reportMs: Math.round(reportMs),
    baselineMs: Math.round(baselineMs),
    baselineRssMb: Math.round(baselineRss / MB),
    peakRssMb: Math.round(peak / MB),
    rssGrowthMb: Math.round(((peak - baselineRss) / MB) * 10) / 10,
  };
}

/** Runs the build in a fresh process (V8 flags of a 1024 MB Lambda's heap cap) and returns its figures. */
export async function benchReport(options: { quick?: boolean } = {}): Promise<ReportBenchResult> {
  const [groups, members] = options.quick ? [1_000, 100] : [10_000, 1_000];
  const { stdout } = await run(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=896',
      '--import',
      'tsx',
      'bench/report.ts',
      '--child',
      String(groups),
      String(members),
    ],
    { maxBuffer: 1024 * 1024, timeout: 30 * 60_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<ReportBenchResult, 'goals' | 'ratio'>;
  return {
    ...result,
    ratio: Math.round((result.reportMs / Math.max(1, result.baselineMs)) * 100) / 100,
    goals: { rssGrowthMb: REPORT_RSS_GROWTH_GOAL_MB },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    child(Number(args[1]), Number(args[2])).then(
      (r) => console.log(JSON.stringify(r)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    benchReport({ quick: args.includes('--quick') }).then((r) => console.log(JSON.stringify(r, null, 2)));
  }
}
