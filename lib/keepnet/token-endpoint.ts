// The token endpoint, one request at a time. The caching and single-flight around it live in
// ./token-cache; the retries in ./transport (through ./retry).
import type { Dispatcher } from 'undici';
import * as z from 'zod';
import { logger } from '../observability/powertools';
import { headerValue, readTextUpTo, USER_AGENT, withoutSecrets } from './body';
import { decodeContentEncoding, type KeepnetReply } from './content-encoding';
import type { KeepnetCredentials } from './credentials/keepnet-secret';
import type { KeepnetEndpoint } from './endpoint';
import { camelCaseKeys, parseJsonBody } from './envelope';
import { KeepnetAuthenticationError, type KeepnetError, KeepnetServerError } from './errors';
import { isTransientNetworkError, networkFailure } from './network-errors';
import { errorForHttpReply } from './reply-errors';
import { parseRetryAfterMs } from './retry-policy';
import type { IssuedToken } from './token-cache';

/** The OAuth client-credentials token endpoint, below the base URL. */
export const TOKEN_PATH = '/connect/token';
const DEFAULT_LIFETIME_SECONDS = 3600;

/** One token request's result: a token, a failure worth a retry, or a refusal of the credentials. */
export type TokenOutcome =
  | { kind: 'done'; value: IssuedToken }
  | { kind: 'retry'; error: KeepnetError; retryAfterMs?: number | undefined }
  | { kind: 'refused'; error: KeepnetAuthenticationError };

// OAuth (RFC 6749 §5.1) spells the fields `access_token` / `expires_in`; a camelCase or PascalCase
// serialiser gives `accessToken` / `expiresIn`. `expires_in` is only RECOMMENDED: absent, null, "3600",
// 0 or garbage must not cost us a usable token, so anything but a positive number means "the default".
const lifetimeSeconds = z.unknown().transform((value) => {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
});
// Printable ASCII without spaces (RFC 6750 b64token and more): anything else cannot go into a header,
// and undici would refuse it later with a puzzling "invalid authorization header".
const accessToken = z.string().regex(/^[\x21-\x7e]+$/);
const TokenReplySchema = z
  .object({
    access_token: accessToken.optional(),
    accessToken: accessToken.optional(),
    expires_in: lifetimeSeconds.optional(),
    expiresIn: lifetimeSeconds.optional(),
  })
  .transform((reply) => ({
    accessToken: reply.access_token ?? reply.accessToken,
    expiresInSeconds: reply.expires_in ?? reply.expiresIn ?? DEFAULT_LIFETIME_SECONDS,
  }));

/**
 * One `POST /connect/token` with form-encoded client credentials (a JSON body gets a 500 from Keepnet).
 * Never throws for what the caller may act on: 'refused' (400/401/403: wrong id or secret) and 'retry'
 * (429, 5xx, socket errors) are outcomes; anything else throws a typed error.
 */
export async function requestToken(
  dispatcher: Dispatcher,
  endpoint: KeepnetEndpoint,
  credentials: KeepnetCredentials,
  now: () => number,
): Promise<TokenOutcome> {
  const path = TOKEN_PATH;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: 'api1',
  });
  let reply: KeepnetReply;
  let text: string;
  try {
    const raw = await dispatcher.request({
      origin: endpoint.origin,
      path: endpoint.basePath + path,
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': USER_AGENT,
      },
      body: form.toString(),
    });
    reply = decodeContentEncoding(raw);
    // Whatever the server says may reach an error message: never with the client secret in it.
    text = withoutSecrets(await readTextUpTo(reply.body), [credentials.clientSecret]);
  } catch (error) {
    const failure = networkFailure(error, 'POST', path);
    if (!isTransientNetworkError(error)) throw failure;
    return { kind: 'retry', error: failure };
  }
  const status = reply.statusCode;
  if (status >= 200 && status < 300) {
    // The reply holds the token: never put it (or its excerpt) in an error message.
    const parsed = TokenReplySchema.safeParse(camelCaseKeys(parseJsonBody(text)));
    const accessToken = parsed.success ? parsed.data.accessToken : undefined;
    // A 200 carrying an OAuth error (`{"error":"invalid_client"}`) is a refusal like a 400.
    if (accessToken === undefined && oauthErrorCode(text) !== undefined) {
      return { kind: 'refused', error: tokenRefused(status, text) };
    }
    if (!parsed.success || accessToken === undefined) {
      throw new KeepnetServerError('POST /connect/token: the reply has no usable access_token', {
        httpStatus: status,
        method: 'POST',
        path,
      });
    }
    const { expiresInSeconds } = parsed.data;
    logger.debug('Fetched a Keepnet access token', { expiresInSeconds });
    return { kind: 'done', value: { accessToken, expiresInSeconds } };
  }
  if (status === 400 || status === 401 || status === 403) {
    return { kind: 'refused', error: tokenRefused(status, text) };
  }
  const retryAfterMs = parseRetryAfterMs(reply.headers['retry-after'], now());
  const error = errorForHttpReply({
    method: 'POST',
    path,
    httpStatus: status,
    bodyText: text,
    retryAfterMs,
    location: headerValue(reply.headers.location),
  });
  if (status === 429 || status >= 500 || status === 408) return { kind: 'retry', error, retryAfterMs };
  throw error;
}

// OAuth error replies carry `error` (invalid_client, invalid_scope...) and maybe `error_description`.
function oauthError(text: string): Record<string, unknown> {
  const body = camelCaseKeys(parseJsonBody(text));
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

function oauthErrorCode(text: string): string | undefined {
  const { error } = oauthError(text);
  return typeof error === 'string' && error !== '' ? error : undefined;
}

function tokenRefused(status: number, text: string): KeepnetAuthenticationError {
  const record = oauthError(text);
  const code = oauthErrorCode(text);
  const description = typeof record.error_description === 'string' ? `: ${record.error_description}` : '';
  return new KeepnetAuthenticationError(
    `Keepnet refused the client credentials (HTTP ${status}${code ? `, ${code}` : ''}${description}): check the Client ID and Secret in the Keepnet secret`,
    { httpStatus: status, keepnetStatus: code, method: 'POST', path: '/connect/token' },
  );
}
