// The route table: every company-group path of the vendor's spec, the token endpoint and the
// company paths the project uses. Templates are the spec's, so counts and recorded exchanges
// are keyed exactly like the OpenAPI document ("PUT /api/company-groups/{resourceId}/participants").
import type { Handler } from './context';
import { createCompany, getCompany, searchCompanies } from './handlers/companies';
import { exportGroupMembers, exportGroups } from './handlers/exports';
import {
  bulkDeleteGroups,
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  putParticipants,
  removeParticipants,
  searchGroupMembers,
  searchGroups,
  updateGroup,
} from './handlers/groups';
import { issueToken } from './handlers/token';

/** `none`: no token; `any`: a valid token; `reseller`: a valid token of a Reseller credential. */
export type Access = 'none' | 'any' | 'reseller';

/**
 * One entry of the route table: the spec's template (also the key of counts, faults and recordings), who may
 * call it and its handler.
 */
export interface Route {
  method: string;
  template: string;
  access: Access;
  handler: Handler;
  pattern: RegExp;
  /** Also takes multipart/form-data (the vendor's company create does); JSON otherwise. */
  acceptsMultipart: boolean;
}

function route(
  method: string,
  template: string,
  access: Access,
  handler: Handler,
  options: { acceptsMultipart?: boolean } = {},
): Route {
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}/?$`);
  return { method, template, access, handler, pattern, acceptsMultipart: options.acceptsMultipart ?? false };
}

/**
 * Every route, tried in order: literal paths come before templated ones, since "/api/company-groups/search"
 * is not a resource id.
 */
export const ROUTES: Route[] = [
  route('POST', '/connect/token', 'none', issueToken),
  route('GET', '/api/company-groups', 'reseller', listGroups),
  route('POST', '/api/company-groups', 'reseller', createGroup),
  route('POST', '/api/company-groups/search', 'reseller', searchGroups),
  route('POST', '/api/company-groups/search-with-parent', 'reseller', searchGroups),
  route('POST', '/api/company-groups/search/export', 'reseller', exportGroups),
  route('DELETE', '/api/company-groups/bulk-delete', 'reseller', bulkDeleteGroups),
  route('GET', '/api/company-groups/{resourceId}', 'reseller', getGroup),
  route('PUT', '/api/company-groups/{resourceId}', 'reseller', updateGroup),
  route('DELETE', '/api/company-groups/{resourceId}', 'reseller', deleteGroup),
  route('PUT', '/api/company-groups/{resourceId}/participants', 'reseller', putParticipants),
  route('DELETE', '/api/company-groups/{resourceId}/participants', 'reseller', removeParticipants),
  route('POST', '/api/company-groups/{resourceId}/companies/search', 'reseller', searchGroupMembers),
  route('POST', '/api/company-groups/{resourceId}/companies/search/export', 'reseller', exportGroupMembers),
  route('POST', '/api/companies/search', 'any', searchCompanies),
  route('POST', '/api/companies', 'any', createCompany, { acceptsMultipart: true }),
  route('GET', '/api/companies/{resourceId}', 'any', getCompany),
];

/**
 * The outcome of routing: a route and its decoded path parameters, a known path with another method (405), or
 * nothing (404).
 */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; template: string }
  | { kind: 'not-found' };

/** Routes a method and path (a trailing slash is allowed); path parameters are URL-decoded. */
export function matchRoute(method: string, path: string): RouteMatch {
  let template: string | undefined;
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(
      Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
    );
    if (candidate.method === method) return { kind: 'found', route: candidate, params };
    template ??= candidate.template;
  }
  return template ? { kind: 'method-not-allowed', template } : { kind: 'not-found' };
}
