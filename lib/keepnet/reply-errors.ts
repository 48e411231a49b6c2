// Turning a Keepnet reply into its data or a typed error. The HTTP status decides first (the envelope
// of an error reply is undocumented and often absent); on a 2xx, the envelope's own status can still
// say failure.
import {
  camelCaseKeys,
  type Envelope,
  envelopeReportsFailure,
  parseJsonBody,
  readEnvelope,
  textExcerpt,
} from './envelope';
import {
  KeepnetConfigurationError,
  type KeepnetError,
  KeepnetForbiddenError,
  KeepnetNotFoundError,
  KeepnetRateLimitedError,
  KeepnetServerError,
  KeepnetValidationError,
} from './errors';

/** A reply as the error mapping needs it: the request, the status, and the body (bounded, redacted). */
export interface ReplyContext {
  method: string;
  /** Path only: never a query string (which could carry secrets in some APIs). */
  path: string;
  httpStatus: number;
  bodyText: string;
  retryAfterMs?: number | undefined;
  /** The Location header of a 3xx reply. */
  location?: string | undefined;
}

/** The message of every 403: the one cause seen in practice, and where to fix it. */
export const RESELLER_ROLE_HINT =
  "Keepnet refused access (403): company-group endpoints need a REST API credential whose Client Role is 'Reseller'. Check the role of this Client ID in Keepnet's REST API settings.";

/** The typed error for a non-2xx reply (401 is handled by the transport: it refreshes the token first). */
export function errorForHttpReply(ctx: ReplyContext): KeepnetError {
  const envelope = readEnvelope(parseJsonBody(ctx.bodyText));
  const details = detailsOf(ctx, envelope);
  const said = summary(ctx, envelope);
  const where = `${ctx.method} ${ctx.path}`;
  const status = ctx.httpStatus;
  // Redirects are not followed: the bearer token (or, on /connect/token, the client secret) must not
  // travel to a URL nobody configured. A redirect almost always means the base URL is wrong (http vs
  // https, a moved host), which is a configuration fix, not something to retry.
  if (status >= 300 && status < 400) {
    const target = ctx.location ? ` to ${redirectTarget(ctx.location)}` : '';
    return new KeepnetConfigurationError(
      `${where}: Keepnet answered ${status}, a redirect${target}, which is not followed: set KEEPNET_BASE_URL (or the secret's baseUrl) to the address the API is served from`,
      details,
    );
  }
  if (status === 403) return new KeepnetForbiddenError(`${where}: ${RESELLER_ROLE_HINT}${said}`, details);
  if (status === 404) return new KeepnetNotFoundError(`${where}: not found (404)${said}`, details);
  if (status === 429) {
    const retryAfterSeconds = ctx.retryAfterMs === undefined ? undefined : Math.ceil(ctx.retryAfterMs / 1000);
    return new KeepnetRateLimitedError(`${where}: rate limited by Keepnet (429)${said}`, {
      ...details,
      retryAfterSeconds,
    });
  }
  if (status >= 500)
    return new KeepnetServerError(`${where}: Keepnet server error (${status})${said}`, details);
  // 400, 409, 422 and the other 4xx: the request itself was refused.
  return new KeepnetValidationError(`${where}: Keepnet rejected the request (${status})${said}`, details);
}

/**
 * For a 2xx reply whose envelope reports failure (`status` not SUCCESS, or `isSuccess: false`): the typed
 * error, else undefined. `INTERNAL_SERVER_ERROR` maps to a server error, which callers may retry.
 */
export function errorForFailedEnvelope(
  ctx: Omit<ReplyContext, 'bodyText'>,
  envelope: Envelope,
): KeepnetError | undefined {
  if (!envelopeReportsFailure(envelope)) return undefined;
  const details = detailsOf({ ...ctx, bodyText: '' }, envelope);
  const said = summary({ ...ctx, bodyText: '' }, envelope);
  const where = `${ctx.method} ${ctx.path}`;
  const status = envelope.status?.toUpperCase();
  if (status === 'INPUT_ERROR' || (status === undefined && envelope.validationMessages.length > 0)) {
    return new KeepnetValidationError(`${where}: Keepnet reported INPUT_ERROR${said}`, details);
  }
  if (status === 'PRIVACY_ERROR')
    return new KeepnetForbiddenError(`${where}: Keepnet reported PRIVACY_ERROR${said}`, details);
  if (status === 'NOT_FOUND' || (status === 'FAILED' && envelope.messages.some(saysNotFound))) {
    return new KeepnetNotFoundError(`${where}: not found${said}`, details);
  }
  return new KeepnetServerError(`${where}: Keepnet reported ${envelope.status ?? 'failure'}${said}`, details);
}

/**
 * The `data` of a 2xx JSON reply's envelope, or the bare JSON (camelCased) when the reply has no envelope;
 * undefined for an empty body (a 200/204 to a write). Throws `KeepnetServerError` for a body that is not
 * JSON, and the envelope's typed error when it reports failure.
 */
export function jsonReplyData(
  ctx: Omit<ReplyContext, 'bodyText'>,
  contentType: string | undefined,
  text: string,
): unknown {
  const parsed = parseJsonBody(text);
  if (parsed === undefined) {
    if (text.trim() === '') return undefined; // 200/204 with no body: nothing to return.
    throw new KeepnetServerError(
      `${ctx.method} ${ctx.path}: expected JSON, got ${contentType ?? 'no content type'}: ${textExcerpt(text)}`,
      { httpStatus: ctx.httpStatus, method: ctx.method, path: ctx.path },
    );
  }
  const envelope = readEnvelope(parsed);
  if (!envelope) return camelCaseKeys(parsed);
  const failure = errorForFailedEnvelope(ctx, envelope);
  if (failure) throw failure;
  return envelope.data;
}

function detailsOf(ctx: ReplyContext, envelope: Envelope | undefined) {
  return {
    httpStatus: ctx.httpStatus,
    keepnetStatus: envelope?.status ?? (envelope?.isSuccess === false ? 'isSuccess=false' : undefined),
    method: ctx.method,
    path: ctx.path,
    validationMessages: envelope?.validationMessages ?? [],
  };
}

// ": <message>; <validation 1>; <validation 2>" — every validation message, so logs show all of them.
function summary(ctx: ReplyContext, envelope: Envelope | undefined): string {
  const parts = envelope ? [...envelope.messages, ...envelope.validationMessages] : [];
  if (parts.length === 0 && !envelope) {
    const excerpt = textExcerpt(ctx.bodyText);
    if (excerpt) parts.push(excerpt);
  }
  return parts.length > 0 ? `: ${parts.join('; ')}` : '';
}

// Origin and path only: a query string may carry anything.
function redirectTarget(location: string): string {
  const queryAt = location.search(/[?#]/);
  return queryAt === -1 ? location : location.slice(0, queryAt);
}

// "Company group not found", "… could not be found", "… does not exist", "No such group", "NotFound".
function saysNotFound(message: string): boolean {
  return /not\s*(?:be\s+)?found|does\s*n[o']t\s+exist|\bno\s+such\b/i.test(message);
}
