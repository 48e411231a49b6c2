// API Gateway REST (v1) proxy events as they really arrive, made safe for the Powertools router before
// it sees them (normaliseGatewayEvent).
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError } from './errors';

/** The event the router gets, and what the caller really sent. */
export interface GatewayRequest {
  /** The event to give the router: method, path, headers and body made safe. */
  event: APIGatewayProxyEvent;
  /** The caller's method, upper-case (the event says GET for a HEAD). */
  method: string;
  /** The path within this API (no stage, no base path), still percent-encoded. */
  path: string;
}

/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What `Headers` accepts as a value: bytes (ISO-8859-1), no NUL, CR or LF. */
const HEADER_VALUE = /^[\t\x20-\x7E\x80-\xFF]*$/;

/**
 * The router turns an event into a web Request, and several things real gateways send make that throw
 * (a Lambda error, which the gateway turns into a bare 502) or route wrongly; this removes them:
 * - a body on GET/HEAD (REST APIs forward it; `new Request` refuses it);
 * - a header value outside ISO-8859-1, or with a control character (`Headers` refuses it), and a Host
 *   or X-Forwarded-Proto that makes no URL;
 * - a path that still carries the stage or a custom domain's base path ("/v1/groups"): the resource
 *   `/{proxy+}` and its `proxy` parameter say which part of the path is ours;
 * - a malformed percent-escape (the router's decodeURIComponent throws a URIError: a 500);
 * - `Application/JSON` (the router's validation only parses a lower-case `application/json` body);
 * - fields a hand-built or test-console event leaves out instead of setting to null.
 * HEAD is answered as GET without the body, and OPTIONS from the route table, in app.ts. Throws an
 * ApiError (400) for what cannot be made safe.
 */
export function normaliseGatewayEvent(raw: APIGatewayProxyEvent): GatewayRequest {
  const candidate = raw as Partial<APIGatewayProxyEvent> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.httpMethod !== 'string' ||
    typeof candidate.path !== 'string'
  ) {
    throw new ApiError(400, 'INVALID_REQUEST', 'Not an API Gateway REST proxy event (httpMethod and path).');
  }
  const method = candidate.httpMethod.toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD' && typeof candidate.body === 'string';
  const isBase64Encoded = hasBody && candidate.isBase64Encoded === true;
  const body = hasBody ? (candidate.body as string) : null;
  const path = apiPath(candidate);

  const event: APIGatewayProxyEvent = {
    ...(candidate as APIGatewayProxyEvent),
    resource: typeof candidate.resource === 'string' ? candidate.resource : '/{proxy+}',
    httpMethod: method === 'HEAD' ? 'GET' : method,
    path,
    headers: safeHeaders(candidate.headers),
    multiValueHeaders: safeMultiValueHeaders(candidate.multiValueHeaders),
    queryStringParameters: candidate.queryStringParameters ?? null,
    multiValueQueryStringParameters: candidate.multiValueQueryStringParameters ?? null,
    pathParameters: candidate.pathParameters ?? null,
    stageVariables: candidate.stageVariables ?? null,
    requestContext: candidate.requestContext ?? ({} as APIGatewayProxyEvent['requestContext']),
    body,
    isBase64Encoded,
  };
  return { event, method, path };
}

/**
 * The path within this API. `event.path` is percent-encoded as the caller sent it but, behind a custom
 * domain (and in some test tools), starts with a base path or the stage. The resource API Gateway
 * matched says how much of it is ours: with `/{proxy+}`, the `proxy` parameter (possibly decoded) is,
 * so leading segments are dropped until what is left is that; a resource without parameters (the
 * webhook's) is its own path; a templated one (`/groups/{groupId}`) is as many trailing segments as it
 * has. Failing all that (a hand-built event), a leading `/<stage>` is dropped.
 */
function apiPath(event: Partial<APIGatewayProxyEvent>): string {
  const path = ensureDecodable((event.path as string) || '/');
  const proxy = event.pathParameters?.proxy;
  const resource = collapseSlashes(event.resource ?? '/{proxy+}');
  const segments = path.replace(/(.)\/$/, '$1').split('/');
  if (typeof proxy === 'string' && resource.endsWith('{proxy+}')) {
    const prefix = resource.slice(0, -'{proxy+}'.length);
    const wanted = collapseSlashes(`${prefix}${proxy}`);
    for (let drop = 0; drop < segments.length - 1; drop++) {
      const rest = ['', ...segments.slice(drop + 1)].join('/');
      if (rest === wanted || decodeURIComponent(rest) === wanted) return rest;
    }
    // The parameter does not appear in the path (a hand-built event): route by the parameter.
    return collapseSlashes(`${prefix}${proxy.split('/').map(encodeURIComponent).join('/')}`);
  }
  if (!resource.includes('{')) {
    if (path === resource || path.endsWith(resource === '/' ? '/' : resource)) return resource;
  } else if (!resource.includes('+}')) {
    const count = resource.split('/').length - 1;
    if (count < segments.length) return ['', ...segments.slice(-count)].join('/');
  }
  const stage = event.requestContext?.stage;
  if (stage && path.startsWith(`/${stage}/`)) return path.slice(stage.length + 1);
  return path;
}

/** The router decodes path parameters with decodeURIComponent; a malformed escape is the caller's error. */
function ensureDecodable(path: string): string {
  try {
    decodeURIComponent(path);
  } catch {
    throw new ApiError(400, 'INVALID_REQUEST', 'Invalid request: path: contains a malformed %-escape.', {
      details: { issues: [{ field: 'path', message: 'contains a malformed %-escape' }] },
    });
  }
  // `new URL` would read a "?" or "#" (decoded by a test tool) as the start of a query or fragment,
  // and "//x" as a host.
  return collapseSlashes(path.replace(/[?#]/g, encodeURIComponent));
}

function collapseSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

function safeHeaders(headers: APIGatewayProxyEvent['headers'] | null | undefined) {
  const safe: APIGatewayProxyEvent['headers'] = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string' && isSafeHeader(name, value))
      safe[name] = normaliseHeaderValue(name, value);
  }
  return safe;
}

function safeMultiValueHeaders(headers: APIGatewayProxyEvent['multiValueHeaders'] | null | undefined) {
  const safe: APIGatewayProxyEvent['multiValueHeaders'] = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (!Array.isArray(values)) continue;
    const kept = values
      .filter((value): value is string => typeof value === 'string' && isSafeHeader(name, value))
      .map((value) => normaliseHeaderValue(name, value));
    if (kept.length > 0) safe[name] = kept;
  }
  return safe;
}

// Dropped rather than refused: such a header can only be one we do not read (ours are ASCII), and a
// browser or proxy adding a UTF-8 User-Agent should not make the call fail.
// Host and X-Forwarded-Proto only serve the router to build the Request's URL (nothing reads them);
// one that makes no URL is dropped, and the router falls back to the request context's domain.
function isSafeHeader(name: string, value: string): boolean {
  if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return false;
  const lower = name.toLowerCase();
  if (lower === 'host') return URL.canParse(`https://${value}/`);
  if (lower === 'x-forwarded-proto') return value === 'https' || value === 'http';
  return true;
}

/** `Application/JSON; charset=UTF-8` → `application/json; charset=UTF-8`: media types are case-insensitive. */
function normaliseHeaderValue(name: string, value: string): string {
  if (name.toLowerCase() !== 'content-type') return value;
  return value.replace(/^\s*([^;\s]+)/, (mediaType) => mediaType.trim().toLowerCase());
}
