// `npm run bench`: every measurement side by side in one run, printed as a table of figures beside
// their goals and written to bench/results.json. Ratios, not absolute times: these machines are noisy,
// so each speed figure compares our path with a baseline measured in the same run.
// Options: --quick (smaller sizes and fewer runs, for CI), --only <area>[,<area>] (cold-start, onboarding,
// export, api, plan, report).
import './quiet-env';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchApi } from './api';
import { benchColdStart } from './cold-start';
import { benchDesiredStatePlan } from './desired-state-plan';
import { benchExport } from './export';
import { benchOnboarding } from './onboarding';
import { benchReport } from './report';

interface Row {
  area: string;
  figure: string;
  value: string;
  goal: string;
  holds: boolean | null;
}

const AREAS = ['cold-start', 'onboarding', 'export', 'api', 'plan', 'report'] as const;
type Area = (typeof AREAS)[number];

const fmt = (n: number, digits = 2): string => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const kib = (bytes: number): string => `${fmt(bytes / 1024, 1)} KiB`;

async function coldStartRows(quick: boolean): Promise<{ rows: Row[]; raw: unknown }> {
  const result = await benchColdStart({ quick });
  const rows: Row[] = [];
  for (const f of result.functions) {
    rows.push({
      area: 'cold-start',
      figure: `${f.name}: bundle bytes (reference ${kib(f.referenceBytes)})`,
      value: kib(f.bytes),
      goal: 'budget in bench/budgets.json',
      holds: null,
    });
    rows.push({
      area: 'cold-start',
      figure: `${f.name}: init ${fmt(f.initMs)} ms ÷ reference ${fmt(f.referenceInitMs)} ms`,
      value: fmt(f.ratio),
      goal: `≤ ${result.goal}`,
      holds: f.ratio <= result.goal,
    });
    const top = f.largestContributors
      .slice(0, 4)
      .map((c) => `${c.name} ${kib(c.bytes)}`)
      .join(', ');
    rows.push({
      area: 'cold-start',
      figure: `${f.name}: largest contributors`,
      value: top,
      goal: '',
      holds: null,
    });
  }
  return { rows, raw: result };
}

async function onboardingRows(quick: boolean): Promise<{ rows: Row[]; raw: unknown }> {
  const result = await benchOnboarding({ quick });
  const { figures } = result;
  const rows = Object.entries(figures).map(([figure, f]) => ({
    area: 'onboarding',
    figure,
    value: fmt(f.value),
    goal: f.goal,
    holds: f.holds,
  }));
  return { rows, raw: result };
}

async function exportRows(quick: boolean): Promise<{ rows: Row[]; raw: unknown }> {
  const result = await benchExport({ quick });
  const rows: Row[] = [];
  for (const s of result.sizes) {
    const label = `${fmt(s.bytes / 1_000_000, 0)} MB`;
    rows.push({
      area: 'export',
      figure: `${label}: export→S3 ${fmt(s.exportMs, 0)} ms ÷ max(download ${fmt(s.downloadMs, 0)}, upload ${fmt(s.uploadMs, 0)})`,
      value: fmt(s.ratio),
      goal: `≤ ${result.goals.ratio}`,
      holds: s.ratio <= result.goals.ratio,
    });
    rows.push({
      area: 'export',
      figure: `${label}: peak RSS growth (peak ${fmt(s.peakRssMb, 0)} MB)`,
      value: `${fmt(s.rssGrowthMb, 1)} MB`,
      goal: `≤ ${result.goals.rssGrowthMb} MB`,
      holds: s.rssGrowthMb <= result.goals.rssGrowthMb,
    });
  }
  return { rows, raw: result };
}

async function apiRows(quick: boolean): Promise<{ rows: Row[]; raw: unknown }> {
  const r = await benchApi({ quick });
  const op = r.operations;
  const rows: Row[] = [
    {
      area: 'api',
      figure: `median latency through the api function ÷ direct client call (${r.requests} requests; +${fmt(r.addedMedianMs)} ms)`,
      value: fmt(r.ratio),
      goal: 'reported (added latency, as a ratio)',
      holds: null,
    },
    {
      area: 'api',
      figure: 'router + validation alone, median ms',
      value: fmt(r.routerOnlyMedianMs),
      goal: '',
      holds: null,
    },
    {
      area: 'api',
      figure: `GET /operations/{id}: median through the api function ${fmt(op.api.medianMs)} ms ÷ OperationStore.get ${fmt(op.direct.medianMs)} ms (+${fmt(op.addedMedianMs)} ms)`,
      value: fmt(op.ratio),
      goal: 'reported (added latency, as a ratio)',
      holds: null,
    },
    {
      area: 'api',
      figure: `GET /operations/{id}: p95 through the api function ${fmt(op.api.p95Ms)} ms ÷ OperationStore.get ${fmt(op.direct.p95Ms)} ms`,
      value: fmt(op.p95Ratio),
      goal: 'reported',
      holds: null,
    },
  ];
  return { rows, raw: r };
}

async function planRows(quick: boolean): Promise<{ rows: Row[]; raw: unknown }> {
  const r = await benchDesiredStatePlan({ quick });
  const size = `${r.groups} groups × ${r.membersPerGroup} members, ${r.companies} companies`;
  const rows: Row[] = [
    {
      area: 'plan',
      figure: `keepnet-groups plan, ${size}: Keepnet calls (tokens excluded)`,
      value: String(r.calls),
      goal: `≤ ${r.minimalCalls} (1 group list + company pages + 1 member page per group)`,
      holds: r.calls <= r.minimalCalls,
    },
    {
      area: 'plan',
      figure: `plan ${fmt(r.planMedianMs)} ms ÷ the same reads made one after another ${fmt(r.readsMedianMs)} ms (median of ${r.runs})`,
      value: fmt(r.ratio),
      goal: 'reported (planning overhead, as a ratio)',
      holds: null,
    },
  ];
  return { rows, raw: r };
}

async function reportRows(quick: boolean): Promise<{ rows: Row[]; raw: unknown }> {
  const r = await benchReport({ quick });
  const size = `${r.groups} groups × ${r.membersPerGroup} members`;
  const rows: Row[] = [
    {
      area: 'report',
      figure: `nightly report, ${size}: build ${fmt(r.reportMs, 0)} ms ÷ the same rows as JSON Lines ${fmt(r.baselineMs, 0)} ms (${fmt(r.bytes / 1_000_000, 0)} MB xlsx)`,
      value: fmt(r.ratio),
      goal: 'reported (build time, as a ratio)',
      holds: null,
    },
    {
      area: 'report',
      figure: `nightly report, ${size}: peak RSS growth (peak ${fmt(r.peakRssMb, 0)} MB)`,
      value: `${fmt(r.rssGrowthMb, 1)} MB`,
      goal: `≤ ${r.goals.rssGrowthMb} MB`,
      holds: r.rssGrowthMb <= r.goals.rssGrowthMb,
    },
  ];
  return { rows, raw: r };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
  });
  const quick = values.quick ?? false;
  const only = values.only ? (values.only.split(',') as Area[]) : [...AREAS];
  const runners: Record<Area, () => Promise<{ rows: Row[]; raw: unknown }>> = {
    'cold-start': () => coldStartRows(quick),
    onboarding: () => onboardingRows(quick),
    export: () => exportRows(quick),
    api: () => apiRows(quick),
    plan: () => planRows(quick),
    report: () => reportRows(quick),
  };

  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  for (const area of only) {
    const run = runners[area];
    if (!run) throw new Error(`--only: unknown area "${area}" (one of ${AREAS.join(', ')})`);
    process.stderr.write(`bench: ${area}…\n`);
    try {
      const result = await run();
      rows.push(...result.rows);
      raw[area] = result.raw;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push({ area, figure: 'failed to run', value: message, goal: '', holds: false });
      raw[area] = { error: message };
    }
  }

  const header: Row = { area: 'area', figure: 'figure', value: 'value', goal: 'goal', holds: null };
  const cells = (r: Row): string[] => [
    r.area,
    r.figure,
    r.value,
    r.goal,
    r === header ? 'holds' : r.holds === null ? '' : r.holds ? 'yes' : 'NO',
  ];
  const widths = cells(header).map((_, i) => Math.max(...[header, ...rows].map((r) => cells(r)[i]!.length)));
  for (const r of [header, ...rows]) {
    console.log(
      cells(r)
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  }
  const out = path.resolve(process.cwd(), 'bench/results.json');
  writeFileSync(
    out,
    `${JSON.stringify({ node: process.version, quick, at: new Date().toISOString(), rows, raw }, null, 2)}\n`,
  );
  console.log(`\nwritten: ${path.relative(process.cwd(), out)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
