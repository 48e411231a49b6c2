// Onboarding: Keepnet API calls per onboarded pair, token requests and secret fetches per process, and
// memberships lost under concurrent onboarding when PUT …/participants replaces the member list, ours
// (router → SQS FIFO → workers, lib/membership) beside the naive read-then-put baseline
// (bench/naive-onboarding.ts) under the same events, concurrency and simulator latency.
// 200 events over 8 groups, 25 in a row per group, each group named by id in even events and by name in
// odd ones; 8 workers. Then, on the same pipeline, calls per pair against group size
// (bench/group-size-cost.ts).
// Run alone: `npx tsx bench/onboarding.ts [--quick]`. Once per process: the handlers keep their
// cold-start config, so every measurement of ours runs in one world.
import './quiet-env';
import { pathToFileURL } from 'node:url';
import { type Emulators, startEmulators } from '../local/emulators';
import { eventBridgeEnvelope } from '../local/eventbridge';
import { SEEDED_GROUP_NAMES } from '../local/keepnet-simulator';
import { resellerClient } from '../local/keepnet-simulator/reseller-client';
import type { KeepnetSimulator } from '../local/keepnet-simulator/types';
import { startOnboardingPipeline } from '../local/sqs-fifo';
import { type GroupSizeCostOptions, type GroupSizeCostResult, measureGroupSizeCost } from './group-size-cost';
import { type NaiveEvent, runNaiveOnboarding } from './naive-onboarding';

export interface BenchFigure {
  value: number;
  goal: string;
  /** null: reported for reference, no goal to hold. */
  holds: boolean | null;
}

const EVENTS = 200;
const WORKERS = 8;
const LATENCY_MS = 2; // opens the read→write window a little, as a real network does
const EXTRA_GROUPS = ['Bench East', 'Bench West', 'Bench North', 'Bench South'];
const GROUPS = [...SEEDED_GROUP_NAMES, ...EXTRA_GROUPS];

/**
 * Events arrive grouped (25 for one group, then 25 for the next...), as a bulk import does: several
 * workers then handle the same group at once, which is the race under test.
 */
const groupOf = (i: number) => GROUPS[Math.floor((i * GROUPS.length) / EVENTS)]!;

interface World {
  stack: Emulators;
  events: NaiveEvent[];
  /** group name → members before the run. */
  before: Map<string, string[]>;
}

/** Same seed, same groups, same 200 new companies and events for both implementations. */
async function startWorld(): Promise<World> {
  const stack = await startEmulators({
    simulator: { participantsMode: 'replace', latencyMs: LATENCY_MS, seed: { companies: 40 } },
  });
  const { state } = stack.keepnet;
  const seeded = state.companies().map((c) => c.resourceId);
  for (const [i, name] of EXTRA_GROUPS.entries()) state.addGroup(name, seeded.slice(i * 3, i * 3 + 3));
  const events = Array.from({ length: EVENTS }, (_, i): NaiveEvent => {
    const company = state.addCompany({ name: `Bench company ${i}` });
    const group = groupOf(i);
    return i % 2 === 0
      ? { companyResourceId: company.resourceId, groupResourceIds: [state.groupByName(group)!.resourceId] }
      : { companyResourceId: company.resourceId, groupNames: [group] };
  });
  const before = new Map(GROUPS.map((g) => [g, state.groupMemberIds(state.groupByName(g)!.resourceId)]));
  stack.keepnet.resetCounts();
  stack.secrets.resetCounts();
  return { stack, events, before };
}

/** Pairs not in their group, plus members present before that are gone. */
function lostMemberships(keepnet: KeepnetSimulator, world: World): number {
  const members = (name: string) =>
    new Set(keepnet.state.groupMemberIds(keepnet.state.groupByName(name)!.resourceId));
  let lost = 0;
  world.events.forEach((event, i) => {
    if (!members(groupOf(i)).has(event.companyResourceId)) lost++;
  });
  for (const [name, before] of world.before) {
    const now = members(name);
    lost += before.filter((id) => !now.has(id)).length;
  }
  return lost;
}

/**
 * Seeding a 10,000-member group and reading it takes seconds, not minutes, so --quick keeps every
 * size and the burst and only trickles fewer events (3 instead of 10) into each group.
 */
function groupSizeOptions(quick: boolean): GroupSizeCostOptions {
  return {
    sizes: [10, 1_000, 10_000],
    eventsPerSize: quick ? 3 : 10,
    burstSize: 10_000,
    burstEvents: 10,
    workers: WORKERS,
  };
}

async function runOurs(quick: boolean) {
  const world = await startWorld();
  const pipeline = await startOnboardingPipeline({ env: world.stack.env, participantsMode: 'union' });
  try {
    await Promise.all(
      world.events.map((detail) =>
        pipeline.router(
          eventBridgeEnvelope({ source: 'keepnet.bench', detailType: 'CompanyCreated', detail }),
        ),
      ),
    );
    await pipeline.drain({ concurrency: WORKERS, batchSize: 10, timeoutMs: 120_000 });
    const { keepnet } = world.stack;
    const calls = Object.values(keepnet.counts()).reduce((a, b) => a + b, 0);
    const concurrent = {
      callsPerPair: calls / world.events.length,
      callsByRoute: keepnet.counts(),
      tokens: keepnet.count('POST /connect/token'),
      secretFetches: world.stack.secrets.getSecretValueCalls(),
      lost: lostMemberships(keepnet, world),
    };
    const bySize = await measureGroupSizeCost(keepnet, pipeline, groupSizeOptions(quick));
    return { ...concurrent, bySize };
  } finally {
    await pipeline.close();
    await world.stack.close();
  }
}

async function runNaive() {
  const world = await startWorld();
  const { keepnet } = world.stack;
  const client = resellerClient(keepnet);
  try {
    await runNaiveOnboarding(client, world.events, WORKERS);
    const calls = Object.values(keepnet.counts()).reduce((a, b) => a + b, 0);
    return { callsPerPair: calls / world.events.length, lost: lostMemberships(keepnet, world) };
  } finally {
    await client.close();
    await world.stack.close();
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Calls per pair before issue 11 (two full member reads per event), printed beside today's. */
const BEFORE_TRICKLE: Record<number, number> = { 10: 3, 1000: 4.9, 10000: 22.9 };
const BEFORE_BURST = 2.2;
/** Goals of issue 11: the largest trickle and the burst; the smaller trickles are reported. */
const TRICKLE_GOAL = { members: 10_000, callsPerPair: 12 };
const BURST_GOAL = 1.2;
const CONCURRENT_GOAL = 0.35;

function groupSizeFigures(bySize: GroupSizeCostResult): Record<string, BenchFigure> {
  const figures: Record<string, BenchFigure> = {};
  for (const t of bySize.trickle) {
    const before = BEFORE_TRICKLE[t.members];
    const beforeText = before === undefined ? '' : `before ${before}`;
    const hasGoal = t.members === TRICKLE_GOAL.members;
    figures[`onboarding.callsPerPair.oneAtATime.${t.members}members (${t.events} events)`] = {
      value: round(t.callsPerPair),
      goal: hasGoal
        ? `≤ ${TRICKLE_GOAL.callsPerPair} (${beforeText})`
        : `reported${beforeText ? ` (${beforeText})` : ''}`,
      holds: hasGoal ? t.callsPerPair <= TRICKLE_GOAL.callsPerPair : null,
    };
  }
  const b = bySize.burst;
  figures[`onboarding.callsPerPair.burst.${b.members}members (${b.events} events)`] = {
    value: round(b.callsPerPair),
    goal: `≤ ${BURST_GOAL} (before ${BEFORE_BURST})`,
    holds: b.callsPerPair <= BURST_GOAL,
  };
  return figures;
}

export interface OnboardingBenchResult {
  figures: Record<string, BenchFigure>;
  /** Keepnet calls per route key behind each figure of ours (tokens left out by group size). */
  callsByRoute: { concurrent: Record<string, number> } & GroupSizeCostResult;
}

/** Calls per pair and lost memberships, ours beside the naive baseline, and the cost by group size. */
export async function benchOnboarding(opts: { quick?: boolean } = {}): Promise<OnboardingBenchResult> {
  const ours = await runOurs(opts.quick ?? false);
  const naive = await runNaive();
  const figures: Record<string, BenchFigure> = {
    'onboarding.keepnetCallsPerPair (200 events, 8 groups)': {
      value: round(ours.callsPerPair),
      goal: `≤ ${CONCURRENT_GOAL} (was ≤ 1.0; before 0.41)`,
      holds: ours.callsPerPair <= CONCURRENT_GOAL,
    },
    ...groupSizeFigures(ours.bySize),
    'onboarding.tokenRequestsPerProcess': { value: ours.tokens, goal: '≤ 1', holds: ours.tokens <= 1 },
    'onboarding.secretFetchesPerProcess': {
      value: ours.secretFetches,
      goal: '≤ 1',
      holds: ours.secretFetches <= 1,
    },
    'onboarding.lostMemberships.ours': {
      value: ours.lost,
      goal: '= 0 (replace mode, 8 workers)',
      holds: ours.lost === 0,
    },
    'onboarding.lostMemberships.naiveBaseline': {
      value: naive.lost,
      goal: '> 0 (the race our design removes is real here)',
      holds: naive.lost > 0,
    },
    'onboarding.keepnetCallsPerPair.naiveBaseline': {
      value: round(naive.callsPerPair),
      goal: 'for comparison',
      holds: null,
    },
  };
  return { figures, callsByRoute: { concurrent: ours.callsByRoute, ...ours.bySize } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchOnboarding({ quick: process.argv.includes('--quick') })
    .then(({ figures, callsByRoute }) => {
      console.table(figures);
      console.log(JSON.stringify(callsByRoute, null, 2));
      if (Object.values(figures).some((f) => f.holds === false)) process.exitCode = 1;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
