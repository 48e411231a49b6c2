// Planning against Keepnet now: read the companies, resolve the file into a target, read the managed
// groups and their members, compute the plan. Shared by the CLI (`plan`, `apply`) and `reconcile`.
import type { CompanySummary, KeepnetApi } from '../keepnet/types';
import type { AttributeTable } from './attributes';
import { companyDirectory } from './companies';
import type { ParsedDesiredState } from './parse';
import { computePlan, type Plan } from './plan';
import { readCompanies, readGroupsAndMembers } from './snapshot';
import { buildTarget, type Target } from './target';

/** A desired-state file and its optional attributes CSV, parsed and validated. */
export interface DesiredStateInputs {
  parsed: ParsedDesiredState;
  attributes?: AttributeTable;
}

/** Plans a target against Keepnet now: the groups, the managed groups' members, the companies. */
export async function planTarget(
  client: KeepnetApi,
  target: Target,
  source: string,
  companies: readonly CompanySummary[],
): Promise<Plan> {
  const state = await readGroupsAndMembers(
    client,
    target.groups.map((g) => g.name),
  );
  return computePlan(target, { ...state, companies }, source, companies);
}

/** Reads Keepnet and plans the file. */
export async function planFromFile(client: KeepnetApi, inputs: DesiredStateInputs): Promise<Plan> {
  const companies = await readCompanies(client);
  const target = buildTarget(inputs.parsed, companyDirectory(companies), inputs.attributes);
  return planTarget(client, target, inputs.parsed.file, companies);
}
