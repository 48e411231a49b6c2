// Groups as code (issue 16): what `keepnet-groups plan` costs for 100 managed groups of 50 members among
// 5,000 companies — Keepnet calls (deterministic: one group list, one page per 1,000 companies, one
// member page per managed group) and time, as a ratio to the bare reads of the same data made with the
// same client (so the figure is the planning's own overhead: parse, resolve, diff). The simulator is
// seeded directly (no HTTP); the plan runs through the real client over HTTP.
import { planFromFile } from '../lib/desired-state/plan-keepnet';
import { callsWithoutTokens } from './group-size-cost';
import './quiet-env';
import { stringify } from 'yaml';
import { parseDesiredState } from '../lib/desired-state/parse';
import { PLAN_PAGE_SIZE, readCompanies, readMembers } from '../lib/desired-state/snapshot';
import { startKeepnetSimulator } from '../local/keepnet-simulator/index';
import { resellerClient } from '../local/keepnet-simulator/reseller-client';

export interface PlanBenchResult {
  groups: number;
  membersPerGroup: number;
  companies: number;
  runs: number;
  /** Keepnet calls of one plan, tokens excluded, and by route. */
  calls: number;
  callsByRoute: Record<string, number>;
  /** The fewest calls that can read this state with pages of PLAN_PAGE_SIZE. */
  minimalCalls: number;
  planMedianMs: number;
  readsMedianMs: number;
  /** plan ÷ bare reads. */
  ratio: number;
  membersToAdd: number;
  membersToRemove: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** 100 × 50 by default (5,000 companies): each group keeps 48 members, loses 2 and gains 2. */
export async function benchDesiredStatePlan(options: { quick: boolean }): Promise<PlanBenchResult> {
  const groups = 100;
  const membersPerGroup = 50;
  const companies = 5_000;
  const runs = options.quick ? 1 : 5;
  const sim = await startKeepnetSimulator({ seed: { companies } });
  const client = resellerClient(sim);
  try {
    const ids = sim.state.companies().map((c) => c.resourceId);
    const desired = Array.from({ length: groups }, (_, g) => {
      const members = ids.slice(g * membersPerGroup, (g + 1) * membersPerGroup);
      const name = `Bench group ${g}`;
      sim.state.addGroup(name, members);
      const others = ids.slice((g + 1) * membersPerGroup, (g + 1) * membersPerGroup + 2);
      return { name, members: [...members.slice(2), ...others] };
    });
    const text = stringify({ version: 1, groups: desired });

    // The plan as the CLI and reconcile make it.
    const plan = () => planFromFile(client, { parsed: parseDesiredState(text, 'bench.yaml') });
    const reads = async () => {
      const list = await client.listGroups();
      await readCompanies(client);
      for (const group of list.filter((g) => g.name.startsWith('Bench group ')))
        await readMembers(client, group.resourceId);
    };

    // Warm: a token and the first connections, outside every figure.
    await reads();
    sim.resetCounts();
    const first = await plan();
    const { total: calls, calls: callsByRoute } = callsWithoutTokens(sim);

    const planMs: number[] = [];
    const readMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      let started = performance.now();
      await reads();
      readMs.push(performance.now() - started);
      started = performance.now();
      await plan();
      planMs.push(performance.now() - started);
    }
    const planMedianMs = median(planMs);
    const readsMedianMs = median(readMs);
    return {
      groups,
      membersPerGroup,
      companies: sim.state.companies().length,
      runs,
      calls,
      callsByRoute,
      minimalCalls: 1 + Math.ceil(sim.state.companies().length / PLAN_PAGE_SIZE) + groups,
      planMedianMs,
      readsMedianMs,
      ratio: planMedianMs / readsMedianMs,
      membersToAdd: first.summary.membersToAdd,
      membersToRemove: first.summary.membersToRemove,
    };
  } finally {
    await client.close();
    await sim.close();
  }
}
