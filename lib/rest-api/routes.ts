// The REST API's routes as data: method, path, how the caller is authorised, and the zod schemas of
// path, query and body. The router (app.ts), the OpenAPI document (openapi.ts) and the stack
// (infra/constructs/rest-api.ts: IAM on {proxy+}, the routes not authorised by IAM left open) all read
// this one list, so they cannot disagree (test/infra/routes.test.ts). Imports nothing heavier than zod.
import type * as z from 'zod';
import { CompanyCreatedDetailSchema } from '../onboarding/company-created';
import {
  AddCompaniesBodySchema,
  CompaniesQuerySchema,
  CompanyPathSchema,
  CompanyWithGroupsResponseSchema,
  CreateGroupBodySchema,
  ExportBodySchema,
  ExportResponseSchema,
  GroupListResponseSchema,
  GroupNamePathSchema,
  GroupPathSchema,
  GroupSchema,
  GroupSearchBodySchema,
  GroupSearchResponseSchema,
  HealthQuerySchema,
  HealthResponseSchema,
  IdempotencyHeadersSchema,
  LatestReportResponseSchema,
  MembersQuerySchema,
  MembersResponseSchema,
  OperationAcceptedResponseSchema,
  OperationPathSchema,
  OperationResponseSchema,
  RemoveCompaniesBodySchema,
  RenameGroupBodySchema,
  ReportQuerySchema,
  ResourceIdResponseSchema,
  requestSchemas,
  SetCompaniesBodySchema,
  WebhookAcceptedResponseSchema,
} from './schemas';

requestSchemas.add(CompanyCreatedDetailSchema, { id: 'CompanyCreatedDetail' });

/** The methods routes use (HEAD and OPTIONS are answered from the table, not routed). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `iam`: API Gateway checks a SigV4 signature (AuthorizationType AWS_IAM) before the function runs.
 * `webhook-signature`: open at the gateway (a CRM cannot sign SigV4); the function checks the HMAC
 * (lib/webhook) before it reads the body.
 */
export type RouteAuth = 'iam' | 'webhook-signature';

/** One route: what the router registers, the OpenAPI document lists and API Gateway is told. */
export interface RouteDefinition {
  operationId: string;
  method: HttpMethod;
  /** API Gateway / OpenAPI style: `/groups/{groupId}`. */
  path: `/${string}`;
  summary: string;
  description?: string;
  auth: RouteAuth;
  request?: {
    path?: z.ZodType;
    query?: z.ZodType;
    body?: z.ZodType;
    /** Loose: only the headers it names are checked (the rest, SigV4's included, pass untouched). */
    headers?: z.ZodType;
    /**
     * The body is checked by the handler, after something the router must not do first (the webhook
     * verifies the signature over the raw bytes before looking at them).
     */
    bodyCheckedByHandler?: boolean;
  };
  success: { status: 200 | 201 | 202 | 204; description: string; schema?: z.ZodType };
  /** Error statuses this route can answer with, besides 400/404/405/500 that every route can. */
  errors: readonly number[];
}

const KEEPNET_ERRORS = [415, 429, 502, 504] as const;

/** Every route by name; handlers are registered against these names (app.ts). */
export const ROUTES = {
  health: {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    summary: 'Liveness; with deep=true also checks that Keepnet answers with this service credential.',
    auth: 'iam',
    request: { query: HealthQuerySchema },
    success: { status: 200, description: 'The service is up.', schema: HealthResponseSchema },
    errors: [],
  },
  openApi: {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document.',
    auth: 'iam',
    success: { status: 200, description: 'The OpenAPI 3.1 document of this API.' },
    errors: [],
  },
  listGroups: {
    operationId: 'listGroups',
    method: 'GET',
    path: '/groups',
    summary: 'Every company group of the reseller.',
    auth: 'iam',
    success: { status: 200, description: 'The groups.', schema: GroupListResponseSchema },
    errors: KEEPNET_ERRORS,
  },
  searchGroups: {
    operationId: 'searchGroups',
    method: 'POST',
    path: '/groups/search',
    summary: 'Search groups: filter, sort, one page, or every page with `all: true`.',
    auth: 'iam',
    request: { body: GroupSearchBodySchema },
    success: { status: 200, description: 'One page of results.', schema: GroupSearchResponseSchema },
    errors: KEEPNET_ERRORS,
  },
  createGroup: {
    operationId: 'createGroup',
    method: 'POST',
    path: '/groups',
    summary: 'Create a group, optionally with its first members.',
    auth: 'iam',
    request: { body: CreateGroupBodySchema },
    success: { status: 201, description: 'Created.', schema: ResourceIdResponseSchema },
    errors: KEEPNET_ERRORS,
  },
  getGroupByName: {
    operationId: 'getGroupByName',
    method: 'GET',
    path: '/groups/by-name/{name}',
    summary: 'The group with this exact name, compared case-insensitively as Keepnet compares names.',
    description: 'URL-encode the name. 404 when no group has it.',
    auth: 'iam',
    request: { path: GroupNamePathSchema },
    success: { status: 200, description: 'The group.', schema: GroupSchema },
    errors: KEEPNET_ERRORS,
  },
  getGroup: {
    operationId: 'getGroup',
    method: 'GET',
    path: '/groups/{groupId}',
    summary: 'One group (without its members: see /groups/{groupId}/companies).',
    auth: 'iam',
    request: { path: GroupPathSchema },
    success: { status: 200, description: 'The group.', schema: GroupSchema },
    errors: KEEPNET_ERRORS,
  },
  renameGroup: {
    operationId: 'renameGroup',
    method: 'PATCH',
    path: '/groups/{groupId}',
    summary:
      "Rename a group: an operation applied by the group's single writer, which sends the name with the members it reads.",
    auth: 'iam',
    request: { path: GroupPathSchema, body: RenameGroupBodySchema, headers: IdempotencyHeadersSchema },
    success: { status: 202, description: 'Queued: poll Location.', schema: OperationAcceptedResponseSchema },
    errors: [...KEEPNET_ERRORS, 409, 503],
  },
  deleteGroup: {
    operationId: 'deleteGroup',
    method: 'DELETE',
    path: '/groups/{groupId}',
    summary: 'Delete a group (the companies stay).',
    auth: 'iam',
    request: { path: GroupPathSchema },
    success: { status: 204, description: 'Deleted.' },
    errors: KEEPNET_ERRORS,
  },
  listMembers: {
    operationId: 'listGroupCompanies',
    method: 'GET',
    path: '/groups/{groupId}/companies',
    summary: 'The companies in a group: one page, or every page with all=true.',
    auth: 'iam',
    request: { path: GroupPathSchema, query: MembersQuerySchema },
    success: { status: 200, description: 'One page of members.', schema: MembersResponseSchema },
    errors: KEEPNET_ERRORS,
  },
  addMembers: {
    operationId: 'addGroupCompanies',
    method: 'POST',
    path: '/groups/{groupId}/companies',
    summary:
      "Add companies: an operation applied by the group's single writer (serialised, retried, verified).",
    auth: 'iam',
    request: { path: GroupPathSchema, body: AddCompaniesBodySchema, headers: IdempotencyHeadersSchema },
    success: { status: 202, description: 'Queued: poll Location.', schema: OperationAcceptedResponseSchema },
    errors: [...KEEPNET_ERRORS, 409, 503],
  },
  removeMembers: {
    operationId: 'removeGroupCompanies',
    method: 'DELETE',
    path: '/groups/{groupId}/companies',
    summary: "Remove companies: an operation applied by the group's single writer, verified.",
    auth: 'iam',
    request: { path: GroupPathSchema, body: RemoveCompaniesBodySchema, headers: IdempotencyHeadersSchema },
    success: { status: 202, description: 'Queued: poll Location.', schema: OperationAcceptedResponseSchema },
    errors: [...KEEPNET_ERRORS, 409, 503],
  },
  setMembers: {
    operationId: 'setGroupCompanies',
    method: 'PUT',
    path: '/groups/{groupId}/companies',
    summary: "Make the membership exactly this list: an operation applied by the group's single writer.",
    auth: 'iam',
    request: { path: GroupPathSchema, body: SetCompaniesBodySchema, headers: IdempotencyHeadersSchema },
    success: { status: 202, description: 'Queued: poll Location.', schema: OperationAcceptedResponseSchema },
    errors: [...KEEPNET_ERRORS, 409, 503],
  },
  listCompanies: {
    operationId: 'listCompanies',
    method: 'GET',
    path: '/companies',
    summary: 'Companies: one page, free text over names; with inNoGroup=true every company in no group.',
    description:
      "inNoGroup=true reads the group list and every group's members once (one Keepnet call per group) " +
      'and every matching company; see docs/http-api.md.',
    auth: 'iam',
    request: { query: CompaniesQuerySchema },
    success: { status: 200, description: 'Companies.', schema: MembersResponseSchema },
    errors: KEEPNET_ERRORS,
  },
  getCompany: {
    operationId: 'getCompany',
    method: 'GET',
    path: '/companies/{companyResourceId}',
    summary: 'One company with the groups it is in.',
    description:
      'Keepnet has no "groups of a company" call: this reads the group list, every group\'s members once ' +
      '(one call per group) and the company list, within the request deadline; see docs/http-api.md.',
    auth: 'iam',
    request: { path: CompanyPathSchema },
    success: {
      status: 200,
      description: 'The company and its groups.',
      schema: CompanyWithGroupsResponseSchema,
    },
    errors: KEEPNET_ERRORS,
  },
  getOperation: {
    operationId: 'getOperation',
    method: 'GET',
    path: '/operations/{operationId}',
    summary:
      'A group operation: pending, succeeded or failed, with what it added, removed, found so or was refused.',
    auth: 'iam',
    request: { path: OperationPathSchema },
    success: { status: 200, description: 'The operation.', schema: OperationResponseSchema },
    errors: [],
  },
  exportGroups: {
    operationId: 'exportGroups',
    method: 'POST',
    path: '/groups/export',
    summary: 'Export the group list to S3 now; answers with the key and a presigned download URL.',
    auth: 'iam',
    request: { body: ExportBodySchema },
    success: { status: 200, description: 'Written to S3.', schema: ExportResponseSchema },
    errors: KEEPNET_ERRORS,
  },
  exportMembers: {
    operationId: 'exportGroupCompanies',
    method: 'POST',
    path: '/groups/{groupId}/export',
    summary: "Export a group's companies to S3 now; answers with the key and a presigned download URL.",
    auth: 'iam',
    request: { path: GroupPathSchema, body: ExportBodySchema },
    success: { status: 200, description: 'Written to S3.', schema: ExportResponseSchema },
    errors: KEEPNET_ERRORS,
  },
  latestReport: {
    operationId: 'getLatestReport',
    method: 'GET',
    path: '/reports/latest',
    summary: 'The newest nightly report (.xlsx people open): its key and a presigned download URL.',
    auth: 'iam',
    request: { query: ReportQuerySchema },
    success: { status: 200, description: 'The newest report.', schema: LatestReportResponseSchema },
    errors: [],
  },
  companyCreatedWebhook: {
    operationId: 'companyCreatedWebhook',
    method: 'POST',
    path: '/webhooks/company-created',
    summary: 'Signed webhook for CRMs and PSAs: a company was created; put it in its groups.',
    description:
      'Sign `<timestamp>.<raw body>` with HMAC-SHA256 and the shared secret; send X-Keepnet-Timestamp ' +
      '(Unix seconds) and X-Keepnet-Signature: v1=<hex>. See docs/http-api.md.',
    auth: 'webhook-signature',
    request: { body: CompanyCreatedDetailSchema, bodyCheckedByHandler: true },
    success: { status: 202, description: 'Queued for onboarding.', schema: WebhookAcceptedResponseSchema },
    errors: [401, 415, 422, 503],
  },
} as const satisfies Record<string, RouteDefinition>;

/** Every route: `{ method, path, auth }` is all API Gateway needs to know of one. */
export const API_ROUTES: readonly RouteDefinition[] = Object.values(ROUTES);

/** `/groups/{groupId}` → `/groups/:groupId` (the Powertools router's syntax). */
export function toRouterPath(path: string): `/${string}` {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1') as `/${string}`;
}

/**
 * The route a concrete request matches. When several templates match, the most specific wins (a literal
 * segment beats a parameter, left to right), as the app answers: `/groups/search` is the search route,
 * never a group whose id is "search", and `/groups/by-name/companies` is the group named "companies".
 */
export function routeFor(method: string, concretePath: string): RouteDefinition | undefined {
  return routesOfBestTemplate(concretePath).find((route) => route.method === method);
}

/** The methods registered for a concrete path (those of its most specific template), for 405 and Allow. */
export function methodsForPath(concretePath: string): HttpMethod[] {
  return routesOfBestTemplate(concretePath).map((route) => route.method);
}

function routesOfBestTemplate(concretePath: string): RouteDefinition[] {
  const matching = API_ROUTES.filter((route) => pathPattern(route.path).test(concretePath));
  const best = matching.map((route) => route.path).sort(bySpecificity)[0];
  return matching.filter((route) => route.path === best);
}

/** Orders templates most specific first: at the first segment where they differ, a literal wins. */
function bySpecificity(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const leftParam = left[i]?.startsWith('{') ?? true;
    const rightParam = right[i]?.startsWith('{') ?? true;
    if (leftParam !== rightParam) return leftParam ? 1 : -1;
  }
  return 0;
}

/**
 * What the Allow header lists for a concrete path: its routes' methods, HEAD wherever GET is (answered
 * as GET without the body), and OPTIONS (answered from this table). Empty when no route has the path.
 */
export function allowedMethods(concretePath: string): string[] {
  const methods: string[] = methodsForPath(concretePath);
  if (methods.length === 0) return [];
  if (methods.includes('GET')) methods.push('HEAD');
  methods.push('OPTIONS');
  return [...new Set(methods)].sort();
}

const patterns = new Map<string, RegExp>();
function pathPattern(path: string): RegExp {
  let pattern = patterns.get(path);
  if (!pattern) {
    const source = path
      .split(/\{[A-Za-z0-9_]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(path, pattern);
  }
  return pattern;
}
