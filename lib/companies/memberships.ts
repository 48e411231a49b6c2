// Which groups each company is in. Keepnet has no "groups of a company" endpoint and its company rows
// carry no group, so memberships are read from the other side: the group list once, then every group's
// members once, in pages of MEMBER_PAGE_SIZE rows. That is one call per group (more only for a group
// over 10,000 members) whatever is asked: one company's groups and the companies in no group cost the
// same, and a member search per group filtered on one company would be as many calls and answer only
// for that one company. Every call carries the caller's deadline, so the work stops when the request's
// time is up instead of running past it.
import { type CompanyDirectory, companyDirectory } from '../desired-state/companies';
import { readCompanies, readMembersOf } from '../desired-state/snapshot';
import type { CallOptions, CompanyGroup, CompanySummary, KeepnetApi, SearchOptions } from '../keepnet/types';
import { MEMBER_PAGE_SIZE } from '../membership/read';

/** Every group, and the groups each company is in. */
export interface MembershipIndex {
  readonly groups: readonly CompanyGroup[];
  /** The groups this company is a member of, by name (empty when none). */
  groupsOf(companyResourceId: string): CompanyGroup[];
  /** Of `companies`, those in no group, in the order given. */
  inNoGroup(companies: readonly CompanySummary[]): CompanySummary[];
}

/** Reads the group list and every group's members (4 groups at a time). */
export async function readMembershipIndex(client: KeepnetApi, opts?: CallOptions): Promise<MembershipIndex> {
  const groups = await client.listGroups(opts);
  const members = await readMembersOf(client, groups, opts, MEMBER_PAGE_SIZE);
  const byCompany = new Map<string, CompanyGroup[]>();
  for (const group of groups) {
    for (const id of members.get(group.resourceId) ?? []) {
      const list = byCompany.get(id) ?? [];
      list.push(group);
      byCompany.set(id, list);
    }
  }
  for (const list of byCompany.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  return {
    groups,
    groupsOf: (id) => [...(byCompany.get(id) ?? [])],
    inNoGroup: (companies) => companies.filter((company) => !byCompany.has(company.companyResourceId)),
  };
}

/** The companies (those matching `search`, or all) and the membership index, read side by side. */
export async function readCompaniesAndMemberships(
  client: KeepnetApi,
  search: SearchOptions = {},
  opts?: CallOptions,
): Promise<{ directory: CompanyDirectory; memberships: MembershipIndex }> {
  const [companies, memberships] = await Promise.all([
    readCompanies(client, { pageSize: MEMBER_PAGE_SIZE, ...search }, opts),
    readMembershipIndex(client, opts),
  ]);
  return { directory: companyDirectory(companies), memberships };
}

/** A company with the groups it is in (id, name and member count of each). */
export interface CompanyWithGroups {
  company: CompanySummary;
  groups: { resourceId: string; name: string; companyCount: number }[];
}

/** The company and its groups, from what readCompaniesAndMemberships read. */
export function withGroups(company: CompanySummary, memberships: MembershipIndex): CompanyWithGroups {
  return {
    company,
    groups: memberships
      .groupsOf(company.companyResourceId)
      .map(({ resourceId, name, companyCount }) => ({ resourceId, name, companyCount })),
  };
}

/** The search body for free text over company names, as the vendor's UI sends it. */
export function companyTextSearch(text: string | undefined): SearchOptions {
  return text ? { filter: { condition: 'AND', searchInputTextValue: text } } : {};
}
