// The plan: what would make Keepnet match the target, group by group — create, add, remove — and the
// groups left alone. A plan carries the Keepnet state it was computed from (each managed group's
// members) and a fingerprint of it, so a saved plan can be applied exactly or refused when Keepnet moved.

import * as z from 'zod';
import { sha256 } from '../hash';
import type { CompanySummary } from '../keepnet/types';
import { groupNamed, type KeepnetSnapshot } from './snapshot';
import type { Target } from './target';

const PlannedGroupSchema = z.object({
  name: z.string(),
  /** null: the group does not exist and will be created. */
  groupId: z.string().nullable(),
  /** Member ids when the plan was made (empty for a group to create). */
  before: z.array(z.string()),
  add: z.array(z.string()),
  remove: z.array(z.string()),
  /** Members the target asks for. */
  desiredCount: z.number().int(),
  additive: z.boolean(),
});
/** One group of a plan (see `PlannedGroupSchema`). */
export type PlannedGroup = z.infer<typeof PlannedGroupSchema>;

const UnmanagedGroupSchema = z.object({ groupId: z.string(), name: z.string(), companyCount: z.number() });

/** The plan, as `plan --json` prints it and `plan -o` saves it. */
export const PlanSchema = z.object({
  kind: z.literal('keepnet-groups-plan'),
  version: z.literal(1),
  createdAt: z.string(),
  source: z.string(),
  /** SHA-256 of the managed groups' state the plan was computed from. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  groups: z.array(PlannedGroupSchema),
  unmanaged: z.array(UnmanagedGroupSchema),
  /** Names of the companies the plan adds or removes, for people reading it. */
  companyNames: z.record(z.string(), z.string()),
  summary: z.object({
    groupsToCreate: z.number(),
    groupsToChange: z.number(),
    groupsUnchanged: z.number(),
    membersToAdd: z.number(),
    membersToRemove: z.number(),
    unmanaged: z.number(),
  }),
});
/** A validated plan (see `PlanSchema`). */
export type Plan = z.infer<typeof PlanSchema>;

/** The fingerprint of the state a plan's groups were read in: names, ids and members. */
export function stateFingerprint(
  groups: readonly Pick<PlannedGroup, 'name' | 'groupId' | 'before'>[],
): string {
  const state = groups
    .map((g) => ({ name: g.name.toLowerCase(), groupId: g.groupId, before: [...g.before].sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256(JSON.stringify(state));
}

/** An id for what a plan does (state and changes): the idempotency key of its operations. */
export function planIdentity(plan: Plan): string {
  return sha256(JSON.stringify(plan.groups.map((g) => [g.name, g.groupId, g.add, g.remove])));
}

/** Whether applying the plan changes this group: it is created, or gains or loses members. */
export const changesIn = (group: PlannedGroup): boolean =>
  group.groupId === null || group.add.length > 0 || group.remove.length > 0;

/** Computes the plan of `target` against `snapshot`. Groups not in the target are listed as unmanaged. */
export function computePlan(
  target: Target,
  snapshot: KeepnetSnapshot,
  source: string,
  companies: readonly CompanySummary[] = snapshot.companies,
  now = new Date(),
): Plan {
  const managedIds = new Set<string>();
  const groups = target.groups.map((wanted): PlannedGroup => {
    const existing = groupNamed(snapshot.groups, wanted.name);
    if (existing) managedIds.add(existing.resourceId);
    const before = existing ? [...(snapshot.members.get(existing.resourceId) ?? [])] : [];
    const current = new Set(before);
    const desired = new Set(wanted.companyIds);
    return {
      name: existing?.name ?? wanted.name,
      groupId: existing?.resourceId ?? null,
      before,
      add: wanted.companyIds.filter((id) => !current.has(id)),
      remove: wanted.additive ? [] : before.filter((id) => !desired.has(id)),
      desiredCount: desired.size,
      additive: wanted.additive,
    };
  });
  const unmanaged = snapshot.groups
    .filter((group) => !managedIds.has(group.resourceId))
    .map((group) => ({ groupId: group.resourceId, name: group.name, companyCount: group.companyCount }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const named = new Set(groups.flatMap((g) => [...g.add, ...g.remove]));
  const companyNames: Record<string, string> = {};
  for (const company of companies) {
    if (named.has(company.companyResourceId) && company.companyName)
      companyNames[company.companyResourceId] = company.companyName;
  }
  return {
    kind: 'keepnet-groups-plan',
    version: 1,
    createdAt: now.toISOString(),
    source,
    fingerprint: stateFingerprint(groups),
    groups,
    unmanaged,
    companyNames,
    summary: {
      groupsToCreate: groups.filter((g) => g.groupId === null).length,
      groupsToChange: groups.filter((g) => g.groupId !== null && changesIn(g)).length,
      groupsUnchanged: groups.filter((g) => !changesIn(g)).length,
      membersToAdd: groups.reduce((n, g) => n + g.add.length, 0),
      membersToRemove: groups.reduce((n, g) => n + g.remove.length, 0),
      unmanaged: unmanaged.length,
    },
  };
}

/** True when applying the plan would change anything. */
export const planHasChanges = (plan: Plan): boolean => plan.groups.some(changesIn);
