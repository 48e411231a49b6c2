// `rules backfill`: the current GROUP_RULES applied to companies that already exist. Each company gets
// the attributes the onboarding path would give it (the poller's, from Keepnet's fields) plus its row
// of an optional attributes CSV; the groups its rules give become an additive target: members are
// only ever added, as onboarding only ever adds.
import type { CompanySummary } from '../keepnet/types';
import { toCompanyCreatedDetail } from '../onboarding/poller/poll';
import type { CompanyAttributes, GroupRules } from '../rules/group-rules';
import type { Target } from './target';

/** What the rules see for one company. */
export function onboardingAttributes(
  company: CompanySummary,
  extra: Readonly<Record<string, string | string[]>> | undefined,
): CompanyAttributes {
  return { ...toCompanyCreatedDetail(company).attributes, ...extra };
}

/** For every group the rules give any company: the companies it gives it to (additive). */
export function backfillTarget(
  rules: GroupRules,
  companies: readonly CompanySummary[],
  extra: ReadonlyMap<string, Readonly<Record<string, string | string[]>>> = new Map(),
): Target {
  // Group names compare ignoring case, as Keepnet compares them; the first spelling is kept.
  const groups = new Map<string, { name: string; ids: string[] }>();
  for (const company of companies) {
    const attributes = onboardingAttributes(company, extra.get(company.companyResourceId));
    for (const name of rules.groupsFor(attributes)) {
      const key = name.trim().toLowerCase();
      const group = groups.get(key) ?? { name: name.trim(), ids: [] };
      group.ids.push(company.companyResourceId);
      groups.set(key, group);
    }
  }
  return {
    groups: [...groups.values()].map((g) => ({
      name: g.name,
      companyIds: [...new Set(g.ids)].sort(),
      additive: true,
    })),
  };
}
