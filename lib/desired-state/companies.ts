// Naming companies the way operators write them: by resource id, or by exact name. A name two
// companies share is ambiguous and refused (the file must then use the id), never guessed.
import type { CompanySummary } from '../keepnet/types';

const RESOURCE_ID = /^[A-Za-z0-9]{12}$/;

/** Every company of the reseller, indexed by id and by exact (trimmed) name. */
export interface CompanyDirectory {
  readonly companies: readonly CompanySummary[];
  byId(id: string): CompanySummary | undefined;
  /** `reason` tells a name no company has from one several have. */
  resolve(ref: string): { id: string } | { problem: string; reason: 'not-found' | 'ambiguous' };
}

/** Indexes the companies Keepnet listed. */
export function companyDirectory(companies: readonly CompanySummary[]): CompanyDirectory {
  const ids = new Map<string, CompanySummary>();
  const names = new Map<string, string[]>();
  for (const company of companies) {
    ids.set(company.companyResourceId, company);
    const name = company.companyName?.trim();
    if (!name) continue;
    const list = names.get(name) ?? [];
    list.push(company.companyResourceId);
    names.set(name, list);
  }
  return {
    companies,
    byId: (id) => ids.get(id),
    resolve(ref) {
      const wanted = ref.trim();
      if (RESOURCE_ID.test(wanted) && ids.has(wanted)) return { id: wanted };
      const matches = names.get(wanted) ?? [];
      if (matches.length === 1) return { id: matches[0]! };
      if (matches.length > 1) {
        return {
          problem: `company name "${wanted}" is ambiguous (${matches.length} companies: ${matches.slice(0, 5).join(', ')}); use a resource id`,
          reason: 'ambiguous',
        };
      }
      return { problem: `no company with id or name "${wanted}"`, reason: 'not-found' };
    },
  };
}
