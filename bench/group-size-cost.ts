// Onboarding cost against group size: Keepnet calls per onboarded pair (tokens excluded) when events
// come one at a time (each routed and drained before the next, the normal onboarding pattern) into
// groups of 10, 1,000 and 10,000 members, and when a burst of 10 arrives at once in the largest group.
// Before issue 11 each event read the whole group twice, so the trickle cost grew with N (10 → 3,
// 1,000 → 4.9, 10,000 → 22.9 calls per pair; burst 2.2); the verification is now O(1), so only the one
// member read still grows, by one call per 10,000-row page.
// Runs on the onboarding bench's pipeline (bench/onboarding.ts): the handlers read their configuration
// once per process, so every measurement of ours shares one local world.
import { eventBridgeEnvelope } from '../local/eventbridge';
import type { KeepnetSimulator } from '../local/keepnet-simulator/types';
import type { OnboardingPipeline } from '../local/sqs-fifo';

/** Token requests are per process, not per pair: left out so the figure is the membership work alone. */
const TOKEN_ROUTE = 'POST /connect/token';

export interface GroupSizeCostOptions {
  /** Group sizes for the one-at-a-time figure. */
  sizes: readonly number[];
  /** Events per size, one at a time; the figure is their average. */
  eventsPerSize: number;
  /** Size of the group the burst goes into (seeded afresh, so the trickle does not change it). */
  burstSize: number;
  /** Events of the burst, routed together and then drained. */
  burstEvents: number;
  /** Workers for the burst drain (the trickle drains with one). */
  workers: number;
}

export interface GroupSizeCost {
  /** Group members before the first event. */
  members: number;
  events: number;
  /** Keepnet calls (tokens excluded) ÷ events. */
  callsPerPair: number;
  /** Calls per route key over the whole run, to see where the cost goes. */
  calls: Record<string, number>;
}

export interface GroupSizeCostResult {
  trickle: GroupSizeCost[];
  burst: GroupSizeCost;
}

/**
 * Seeds a group of `members` new companies directly in the simulator's state (no HTTP, no counts) and
 * `events` further companies to onboard into it.
 */
function seedGroup(keepnet: KeepnetSimulator, label: string, members: number, events: number) {
  const { state } = keepnet;
  const memberIds = Array.from(
    { length: members },
    (_, i) => state.addCompany({ name: `${label} member ${i}` }).resourceId,
  );
  const group = state.addGroup(label, memberIds);
  const newcomers = Array.from(
    { length: events },
    (_, i) => state.addCompany({ name: `${label} newcomer ${i}` }).resourceId,
  );
  return { groupId: group.resourceId, memberIds, newcomers };
}

function membershipEvent(companyResourceId: string, groupId: string) {
  return eventBridgeEnvelope({
    source: 'keepnet.bench',
    detailType: 'CompanyCreated',
    detail: { companyResourceId, groupResourceIds: [groupId] },
  });
}

/**
 * A figure only means something if every pair was onboarded and nobody was lost: the bench refuses
 * to report a cost for a run that did not do the work.
 */
function assertComplete(keepnet: KeepnetSimulator, label: string, groupId: string, expected: string[]) {
  const now = new Set(keepnet.state.groupMemberIds(groupId));
  const missing = expected.filter((id) => !now.has(id));
  if (missing.length > 0) {
    throw new Error(`${label}: ${missing.length} expected member(s) missing after the run`);
  }
}

/** The simulator's call counts by route, token requests left out, and their total. */
export function callsWithoutTokens(keepnet: KeepnetSimulator): {
  total: number;
  calls: Record<string, number>;
} {
  const calls = keepnet.counts();
  delete calls[TOKEN_ROUTE];
  return { total: Object.values(calls).reduce((a, b) => a + b, 0), calls };
}

async function trickle(
  keepnet: KeepnetSimulator,
  pipeline: OnboardingPipeline,
  members: number,
  events: number,
): Promise<GroupSizeCost> {
  const label = `Bench trickle ${members}`;
  const { groupId, memberIds, newcomers } = seedGroup(keepnet, label, members, events);
  keepnet.resetCounts();
  for (const companyId of newcomers) {
    await pipeline.router(membershipEvent(companyId, groupId));
    await pipeline.drain({ concurrency: 1, batchSize: 10, timeoutMs: 120_000 });
  }
  const { total, calls } = callsWithoutTokens(keepnet);
  assertComplete(keepnet, label, groupId, [...memberIds, ...newcomers]);
  return { members, events, callsPerPair: total / events, calls };
}

async function burst(
  keepnet: KeepnetSimulator,
  pipeline: OnboardingPipeline,
  options: GroupSizeCostOptions,
): Promise<GroupSizeCost> {
  const label = `Bench burst ${options.burstSize}`;
  const { groupId, memberIds, newcomers } = seedGroup(keepnet, label, options.burstSize, options.burstEvents);
  keepnet.resetCounts();
  await Promise.all(newcomers.map((companyId) => pipeline.router(membershipEvent(companyId, groupId))));
  await pipeline.drain({ concurrency: options.workers, batchSize: 10, timeoutMs: 120_000 });
  const { total, calls } = callsWithoutTokens(keepnet);
  assertComplete(keepnet, label, groupId, [...memberIds, ...newcomers]);
  return {
    members: options.burstSize,
    events: options.burstEvents,
    callsPerPair: total / newcomers.length,
    calls,
  };
}

/** Calls per onboarded pair against group size, on a pipeline whose handlers already run. */
export async function measureGroupSizeCost(
  keepnet: KeepnetSimulator,
  pipeline: OnboardingPipeline,
  options: GroupSizeCostOptions,
): Promise<GroupSizeCostResult> {
  const results: GroupSizeCost[] = [];
  for (const size of options.sizes)
    results.push(await trickle(keepnet, pipeline, size, options.eventsPerSize));
  return { trickle: results, burst: await burst(keepnet, pipeline, options) };
}
