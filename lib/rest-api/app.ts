// The REST API as a Powertools HTTP router over the route table (createApiApp).
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Middleware, RequestContext } from '@aws-lambda-powertools/event-handler/types';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import { logger } from '../observability/powertools';
import { type BodyCheck, checkBody } from './body-guard';
import type { ApiDependencies } from './dependencies';
import { registerErrorHandlers } from './error-handlers';
import { ApiError, internalError, methodNotAllowed, toProxyResult } from './errors';
import { normaliseGatewayEvent } from './gateway-event';
import * as companies from './handlers/companies';
import { exportNow } from './handlers/export-now';
import * as groups from './handlers/groups';
import { health } from './handlers/health';
import * as members from './handlers/members';
import * as operations from './handlers/operations';
import { latestReport } from './handlers/reports';
import { companyCreatedWebhook } from './handlers/webhook';
import { type Reply, type RequestScope, toWebResponse } from './reply';
import { allowedMethods, ROUTES, type RouteDefinition, toRouterPath } from './routes';

/** API Gateway gives up after 29 s; stop upstream work a little before, so the caller gets our answer. */
const GATEWAY_BUDGET_MS = 28_000;
const LAMBDA_MARGIN_MS = 500;

type SchemaOutput<S> = S extends z.ZodType ? z.output<S> : undefined;
interface RouteInput<R extends RouteDefinition> {
  path: SchemaOutput<NonNullable<R['request']>['path']>;
  query: SchemaOutput<NonNullable<R['request']>['query']>;
  body: SchemaOutput<NonNullable<R['request']>['body']>;
  headers: SchemaOutput<NonNullable<R['request']>['headers']>;
  scope: RequestScope;
}

/** The router, and the Lambda entry that answers one API Gateway event with it. */
export interface ApiApp {
  router: Router;
  handle(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult>;
}

/**
 * Every route of routes.ts registered with its zod schemas (validated by the router's own validation
 * middleware), a body guard first, every error rendered as `{ error: { code, message, details } }`. In
 * front of the router the gateway event is made safe (gateway-event.ts), 404/405/OPTIONS are answered from
 * the route table, HEAD runs as GET, and nothing escapes as a Lambda error. Built once per container by
 * functions/api.
 */
export function createApiApp(deps: ApiDependencies): ApiApp {
  const router = new Router({ logger });
  router.use(bodyGuard);

  const register = <R extends RouteDefinition>(route: R, run: (input: RouteInput<R>) => Promise<Reply>) => {
    const { path, query, body, headers, bodyCheckedByHandler } = route.request ?? {};
    const req = {
      ...(path ? { path } : {}),
      ...(query ? { query } : {}),
      ...(headers ? { headers } : {}),
      ...(body && !bodyCheckedByHandler ? { body } : {}),
    };
    const handler = async (reqCtx: RequestContext): Promise<Response> => {
      // Set by the router's validation middleware: the zod outputs (coerced, defaulted, de-duplicated).
      const valid = (reqCtx as { valid?: { req?: Record<string, unknown> } }).valid?.req ?? {};
      const reply = await run({
        path: valid.path,
        query: valid.query,
        body: valid.body,
        headers: valid.headers,
        scope: scopeOf(reqCtx),
      } as RouteInput<R>);
      return toWebResponse(reply);
    };
    const options = { method: route.method, path: toRouterPath(route.path) };
    // The router infers handler types from a literal validation config; these routes come from a
    // table, so the cast is here and RouteInput<R> gives the handlers their types back.
    if (Object.keys(req).length > 0) {
      router.route(handler, {
        ...options,
        validation: { req: req as unknown as { query: z.ZodType<Record<string, unknown>> } },
      });
    } else {
      router.route(handler, options);
    }
  };

  register(ROUTES.health, ({ scope, query }) => health(deps, scope, query.deep ?? false));
  // The generator loads only for GET /openapi.json: no other request (the webhook included) needs it.
  register(ROUTES.openApi, async () => ({
    status: 200,
    body: (await import('./openapi')).openApiDocument(),
  }));
  register(ROUTES.listGroups, ({ scope }) => groups.listGroups(deps, scope));
  register(ROUTES.searchGroups, ({ scope, body }) => groups.searchGroups(deps, scope, body));
  register(ROUTES.createGroup, ({ scope, body }) => groups.createGroup(deps, scope, body));
  // Before the /groups/{groupId}/… templates that /groups/by-name/<name> also matches.
  register(ROUTES.getGroupByName, ({ scope, path }) => companies.getGroupByName(deps, scope, path));
  register(ROUTES.getGroup, ({ scope, path }) => groups.getGroup(deps, scope, path));
  register(ROUTES.renameGroup, ({ scope, path, body, headers }) =>
    groups.renameGroup(deps, scope, path, body, headers['idempotency-key']),
  );
  register(ROUTES.deleteGroup, ({ scope, path }) => groups.deleteGroup(deps, scope, path));
  register(ROUTES.listMembers, ({ scope, path, query }) => members.listMembers(deps, scope, path, query));
  register(ROUTES.addMembers, ({ scope, path, body, headers }) =>
    members.addMembers(deps, scope, path, body, headers['idempotency-key']),
  );
  register(ROUTES.removeMembers, ({ scope, path, body, headers }) =>
    members.removeMembers(deps, scope, path, body, headers['idempotency-key']),
  );
  register(ROUTES.setMembers, ({ scope, path, body, headers }) =>
    members.setMembers(deps, scope, path, body, headers['idempotency-key']),
  );
  register(ROUTES.listCompanies, ({ scope, query }) => companies.listCompanies(deps, scope, query));
  register(ROUTES.getCompany, ({ scope, path }) => companies.getCompany(deps, scope, path));
  register(ROUTES.getOperation, ({ scope, path }) => operations.getOperation(deps, scope, path));
  register(ROUTES.exportGroups, ({ scope, body }) => exportNow(deps, scope, body));
  register(ROUTES.exportMembers, ({ scope, path, body }) => exportNow(deps, scope, body, path));
  register(ROUTES.latestReport, ({ query }) => latestReport(deps, query.expiresInSeconds ?? 900));
  register(ROUTES.companyCreatedWebhook, ({ scope }) => companyCreatedWebhook(deps, scope));

  registerErrorHandlers(router);

  return {
    router,
    handle: async (event, context) => {
      const result = await answer(event, context);
      // HEAD runs as GET: same status and headers, no body.
      const method: unknown = (event as Partial<APIGatewayProxyEvent> | null)?.httpMethod;
      const isHead = typeof method === 'string' && method.toUpperCase() === 'HEAD';
      return isHead ? { ...result, body: '', isBase64Encoded: false } : result;
    },
  };

  async function answer(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    try {
      const request = normaliseGatewayEvent(event);
      const allowed = allowedMethods(request.path);
      // 404 and 405 are decided from the route table before the router runs: it would take
      // GET /groups/search for the group whose id is "search", and answer a method it does not know
      // (e.g. "PROPFIND") with an empty 405.
      if (allowed.length === 0) {
        return toProxyResult(
          new ApiError(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${request.path}.`),
        );
      }
      if (request.method === 'OPTIONS') return optionsAnswer(allowed);
      if (!allowed.includes(request.method)) {
        return toProxyResult(methodNotAllowed(request.method, request.path, allowed));
      }
      return await router.resolve(request.event, context);
    } catch (error) {
      // Whatever escapes the router (it rethrows what it cannot turn into a Request) still gets the
      // one error shape, not a Lambda error that the gateway would turn into a bare 502.
      if (error instanceof ApiError) return toProxyResult(error);
      const requestId = (event as Partial<APIGatewayProxyEvent> | null)?.requestContext?.requestId;
      logger.error('request not handled', {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        requestId,
      });
      return toProxyResult(internalError(requestId));
    }
  }
}

/**
 * OPTIONS lists the methods of a path. No CORS headers: every route but the webhook needs a SigV4
 * signature, which browsers do not make, and the webhook is called server to server.
 */
function optionsAnswer(allowed: string[]): APIGatewayProxyResult {
  return { statusCode: 204, headers: { Allow: allowed.join(', ') }, body: '', isBase64Encoded: false };
}

function scopeOf(reqCtx: RequestContext): RequestScope {
  const event = reqCtx.event as Partial<APIGatewayProxyEvent>;
  const remaining = reqCtx.context?.getRemainingTimeInMillis?.() ?? GATEWAY_BUDGET_MS;
  return {
    requestId: event.requestContext?.requestId ?? reqCtx.context?.awsRequestId ?? 'unknown',
    deadline: Date.now() + Math.max(0, Math.min(GATEWAY_BUDGET_MS, remaining - LAMBDA_MARGIN_MS)),
    request: reqCtx.req,
    rawBody: rawBodyOf(event),
  };
}

/** The exact bytes the caller sent, from the event itself (a web Request would re-encode them). */
function rawBodyOf(event: Partial<APIGatewayProxyEvent>): Buffer | null {
  if (typeof event.body !== 'string') return null;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Presence, size, media type, and (unless the handler must see the raw bytes first) JSON syntax and nesting. */
const bodyGuard: Middleware = async ({ reqCtx, next }) => {
  if (reqCtx.route !== null) {
    await checkBody(reqCtx.req, bodyChecks.get(reqCtx.route) ?? 'none', sentContentType(reqCtx));
  }
  await next();
};

/** The Content-Type header as the caller sent it (any case; both event header shapes), if any. */
function sentContentType(reqCtx: RequestContext): string | undefined {
  const event = reqCtx.event as Partial<APIGatewayProxyEvent>;
  const single = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type');
  if (single?.[1] != null) return single[1];
  const multi = Object.entries(event.multiValueHeaders ?? {}).find(
    ([name]) => name.toLowerCase() === 'content-type',
  );
  return multi?.[1]?.[0];
}

/** Route key as the router reports it ("POST /groups/:groupId/companies") → what its body needs. */
const bodyChecks = new Map<string, BodyCheck>(
  Object.values(ROUTES as Record<string, RouteDefinition>)
    .filter((route) => route.request?.body !== undefined)
    .map((route) => [
      `${route.method} ${toRouterPath(route.path)}`,
      route.request?.bodyCheckedByHandler ? 'envelope' : 'envelope-and-json',
    ]),
);
