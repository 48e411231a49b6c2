// The token endpoint, one request at a time. The caching, single-flight and retry policy around it
// live in ./token-cache and ./transport.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { KeepnetEndpoint } from '../config/keepnet-endpoint';
import type { KeepnetCredentials } from '../credentials/keepnet-secret';
import { logger } from '../observability/powertools';
import { readTextUpTo, USER_AGENT } from './body';
import { camelCaseKeys, parseJsonBody } from './envelope';
import { KeepnetAuthenticationError, type KeepnetError, KeepnetServerError } from './errors';
import { isTransientNetworkError, networkFailure } from './network-errors';
import { errorForHttpReply } from './reply-errors';
import { parseRetryAfterMs } from './retry-policy';
import type { IssuedToken } from './token-cache';

export const TOKEN_PATH = '/connect/token';
const DEFAULT_LIFETIME_SECONDS = 3600;

export type TokenOutcome =
  | { kind: 'done'; value: IssuedToken }
  | { kind: 'retry'; error: KeepnetError; retryAfterMs?: number | undefined }
  | { kind: 'refused'; error: KeepnetAuthenticationError };

const TokenReplySchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
});

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
  let reply: Dispatcher.ResponseData;
  let text: string;
  try {
    reply = await dispatcher.request({
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
    text = await readTextUpTo(reply.body);
  } catch (error) {
    const failure = networkFailure(error, 'POST', path);
    if (!isTransientNetworkError(error)) throw failure;
    return { kind: 'retry', error: failure };
  }
  const status = reply.statusCode;
  if (status >= 200 && status < 300) {
    // The reply holds the token: never put it (or its excerpt) in an error message.
    const parsed = TokenReplySchema.safeParse(camelCaseKeys(parseJsonBody(text)));
    if (!parsed.success) {
      throw new KeepnetServerError('POST /connect/token: the reply has no usable access_token', {
        httpStatus: status,
        method: 'POST',
        path,
      });
    }
    logger.debug('Fetched a Keepnet access token', {
      expiresInSeconds: parsed.data.expires_in ?? DEFAULT_LIFETIME_SECONDS,
    });
    return {
      kind: 'done',
      value: {
        accessToken: parsed.data.access_token,
        expiresInSeconds: parsed.data.expires_in ?? DEFAULT_LIFETIME_SECONDS,
      },
    };
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
  });
  if (status === 429 || status >= 500 || status === 408) return { kind: 'retry', error, retryAfterMs };
  throw error;
}

function tokenRefused(status: number, text: string): KeepnetAuthenticationError {
  // OAuth error replies carry `error` (invalid_client, invalid_scope...) and maybe `error_description`.
  const body = camelCaseKeys(parseJsonBody(text));
  const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const code = typeof record.error === 'string' ? record.error : undefined;
  const description = typeof record.error_description === 'string' ? `: ${record.error_description}` : '';
  return new KeepnetAuthenticationError(
    `Keepnet refused the client credentials (HTTP ${status}${code ? `, ${code}` : ''}${description}): check the Client ID and Secret in the Keepnet secret`,
    { httpStatus: status, keepnetStatus: code, method: 'POST', path: '/connect/token' },
  );
}
