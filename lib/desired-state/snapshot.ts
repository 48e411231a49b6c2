// What a plan is computed from: Keepnet as it is now. One group list, the companies (only when the
// file needs them), and the members of each group the file names — never of unmanaged groups.
import { mapConcurrently } from '../concurrency';
import type { CallOptions, CompanyGroup, CompanySummary, KeepnetApi, SearchOptions } from '../keepnet/types';

/** Large pages: a plan's cost is its number of calls (the vendor's own UI asks for 10,000). */
export const PLAN_PAGE_SIZE = 1_000;

/** Keepnet as one plan sees it: every group, the members of the managed ones, and the companies. */
export interface KeepnetSnapshot {
  groups: readonly CompanyGroup[];
  /** Sorted member ids of each managed group that exists, by group id. */
  members: ReadonlyMap<string, readonly string[]>;
  /** Every company of the reseller (empty when not read). */
  companies: readonly CompanySummary[];
}

/** The existing group with this name, compared as Keepnet compares names (case-insensitively). */
export function groupNamed(groups: readonly CompanyGroup[], name: string): CompanyGroup | undefined {
  const wanted = name.trim().toLowerCase();
  return groups.find((group) => group.name.trim().toLowerCase() === wanted);
}

/** Sorted member ids of one group. */
export async function readMembers(
  client: KeepnetApi,
  groupId: string,
  opts?: CallOptions,
  pageSize: number = PLAN_PAGE_SIZE,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const member of client.iterateGroupMembers(groupId, { pageSize }, opts)) {
    ids.push(member.companyResourceId);
  }
  return ids.sort();
}

/** Every company of the reseller (those matching `search` when given). */
export async function readCompanies(
  client: KeepnetApi,
  search: SearchOptions = {},
  opts?: CallOptions,
): Promise<CompanySummary[]> {
  const companies: CompanySummary[] = [];
  for await (const company of client.iterateCompanies({ pageSize: PLAN_PAGE_SIZE, ...search }, opts)) {
    companies.push(company);
  }
  return companies;
}

/** Groups, and the members of those named in `managedNames` (up to 4 groups read at once). */
export async function readGroupsAndMembers(
  client: KeepnetApi,
  managedNames: readonly string[],
): Promise<Pick<KeepnetSnapshot, 'groups' | 'members'>> {
  const groups = await client.listGroups();
  const managed = managedNames
    .map((name) => groupNamed(groups, name))
    .filter((group): group is CompanyGroup => group !== undefined);
  return { groups, members: await readMembersOf(client, managed) };
}

/**
 * Sorted member ids of each of `groups`, by group id: up to 4 groups read at once, each group's pages
 * one after another (the client's paging guards need them in order).
 */
export async function readMembersOf(
  client: KeepnetApi,
  groups: readonly CompanyGroup[],
  opts?: CallOptions,
  pageSize: number = PLAN_PAGE_SIZE,
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  await mapConcurrently(groups, 4, async (group) => {
    members.set(group.resourceId, await readMembers(client, group.resourceId, opts, pageSize));
  });
  return members;
}
