// Company routes: list and search companies, one company with the groups it is in, the companies in
// no group, and a group by its name. Memberships come from lib/companies (one call per group, bounded
// by the request's deadline: see there why).

import type * as z from 'zod';
import { companyTextSearch, readCompaniesAndMemberships, withGroups } from '../../companies/memberships';
import { groupNamed } from '../../desired-state/snapshot';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { callOptions, ok, type Reply, type RequestScope } from '../reply';
import {
  type CompaniesQuerySchema,
  type CompanyPathSchema,
  type GroupNamePathSchema,
  MAX_ALL_RESULTS,
} from '../schemas';
import { withCreatedAt } from './groups';

/** One page of companies (free text over names), or with inNoGroup=true every company in no group. */
export async function listCompanies(
  deps: ApiDependencies,
  scope: RequestScope,
  query: z.output<typeof CompaniesQuerySchema>,
): Promise<Reply> {
  const client = await deps.keepnet();
  const search = companyTextSearch(query.search);
  if (query.inNoGroup) {
    const { directory, memberships } = await readCompaniesAndMemberships(client, search, callOptions(scope));
    const orphans = memberships.inNoGroup(directory.companies);
    const kept = orphans.slice(0, MAX_ALL_RESULTS);
    return ok({
      pageNumber: 1,
      pageSize: kept.length,
      totalNumberOfPages: 1,
      totalNumberOfRecords: orphans.length,
      results: kept,
      truncated: kept.length < orphans.length,
    });
  }
  const page = await client.searchCompanies(
    {
      ...search,
      ...(query.pageNumber ? { pageNumber: query.pageNumber } : {}),
      ...(query.pageSize ? { pageSize: query.pageSize } : {}),
    },
    callOptions(scope),
  );
  return ok(page);
}

/** One company and the groups it is in; 404 when Keepnet lists no company with this id. */
export async function getCompany(
  deps: ApiDependencies,
  scope: RequestScope,
  path: z.output<typeof CompanyPathSchema>,
): Promise<Reply> {
  const client = await deps.keepnet();
  const { directory, memberships } = await readCompaniesAndMemberships(client, {}, callOptions(scope));
  const company = directory.byId(path.companyResourceId);
  if (!company) {
    throw new ApiError(404, 'NOT_FOUND', `No company with resource id "${path.companyResourceId}".`);
  }
  return ok(withGroups(company, memberships));
}

/** The group with this exact name, compared as Keepnet compares names (case-insensitively). */
export async function getGroupByName(
  deps: ApiDependencies,
  scope: RequestScope,
  path: z.output<typeof GroupNamePathSchema>,
): Promise<Reply> {
  const client = await deps.keepnet();
  const group = groupNamed(await client.listGroups(callOptions(scope)), path.name);
  if (!group) throw new ApiError(404, 'NOT_FOUND', `No group named "${path.name}".`);
  return ok(withCreatedAt(group));
}
