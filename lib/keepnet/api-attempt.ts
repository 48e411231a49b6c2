// What one API attempt's reply or socket failure means for the retry loop (./retry), by the request's
// RetrySafety: its value, another attempt, a new token, or a typed error.
import { headerValue, readTextUpTo, withoutSecrets } from './body';
import type { KeepnetReply } from './content-encoding';
import { KeepnetNetworkError, KeepnetServerError, KeepnetTimeoutError } from './errors';
import { isTransientNetworkError, networkFailure, provesRequestNotSent } from './network-errors';
import { errorForHttpReply } from './reply-errors';
import type { AttemptOutcome } from './retry';
import { parseRetryAfterMs } from './retry-policy';

/**
 * `idempotent`: any transient failure may be retried (reads, searches, exports, updates, participants).
 * `create`: retried only when the request provably did not reach Keepnet (refused, 429); sent on a
 * connection of its own (see `KeepnetConnections.lease`).
 *
 * Why the writes we do retry are safe to repeat: PUT /{id} sets name and members (same body, same end
 * state); PUT …/participants with the same body gives the same membership under both readings of the
 * API (add: adding present companies again changes nothing; replace: the same list again); DELETE
 * …/participants removes the same companies again (already absent: no change); DELETE /{id} retried
 * after Keepnet did delete answers 404, which `notFoundOnRetryMeansDone` turns into success; bulk-delete
 * of already deleted ids changes nothing more.
 */
export type RetrySafety = 'idempotent' | 'create';

/** One API call as the client describes it; the transport adds the base path, headers and token. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API path without the base path or a query string, e.g. `/api/company-groups/{id}`. */
  path: string;
  /** Sent as JSON when present. */
  body?: unknown;
  safety: RetrySafety;
  /** Accept header; default JSON. Downloads ask for anything, so no server negotiates the file into JSON. */
  accept?: string;
  /**
   * For deletes: a 404 on a retry (after an attempt that may have been processed) means the earlier
   * attempt did the work, so the call succeeds (resolving to undefined) instead of failing.
   */
  notFoundOnRetryMeansDone?: boolean;
}

/** What one attempt came to, before the loop sees it: a 401 asks for a new token first. */
export type ApiOutcome<T> = Exclude<AttemptOutcome<T>, { kind: 'again' }> | { kind: 'refresh-token' };

/** Reads a 2xx reply into the call's value. */
export type ReadReply<T> = (reply: KeepnetReply) => Promise<T>;

/**
 * What a reply means for `request`: its value (read by `read` from a 2xx), a retry (429 always; 5xx, 408
 * and an `INTERNAL_SERVER_ERROR` inside a 200 only when idempotent), a new token (401), or a thrown
 * typed error. `token` is redacted from any body quoted in an error; `nowMs` dates a Retry-After.
 */
export async function replyOutcome<T>(
  reply: KeepnetReply,
  request: ApiRequest,
  token: string,
  nowMs: () => number,
  read: ReadReply<T>,
): Promise<ApiOutcome<T>> {
  const status = reply.statusCode;
  if (status >= 200 && status < 300) {
    try {
      return { kind: 'done', value: await read(reply) };
    } catch (error) {
      // `INTERNAL_SERVER_ERROR` inside a 200 is a server failure like a 500: worth a retry when safe.
      if (
        error instanceof KeepnetServerError &&
        error.keepnetStatus === 'INTERNAL_SERVER_ERROR' &&
        request.safety === 'idempotent'
      ) {
        return { kind: 'retry', error };
      }
      throw error;
    }
  }
  if (status === 401) {
    await reply.body.dump();
    // A 401 means the request was not processed, so even a create may be sent again.
    return { kind: 'refresh-token' };
  }
  // The body goes into the error message: never with our bearer token in it, should the server echo it.
  const bodyText = withoutSecrets(await readTextUpTo(reply.body), [token]);
  const retryAfterMs = parseRetryAfterMs(reply.headers['retry-after'], nowMs());
  const error = errorForHttpReply({
    method: request.method,
    path: request.path,
    httpStatus: status,
    bodyText,
    retryAfterMs,
    location: headerValue(reply.headers.location),
  });
  // 429 means "not processed": retried for every request, creates included.
  if (status === 429) return { kind: 'retry', error, retryAfterMs };
  if (status >= 500 || status === 408) {
    if (request.safety === 'idempotent') return { kind: 'retry', error, retryAfterMs };
    throw new KeepnetServerError(
      `${error.message}. Not retried: Keepnet may have processed the ${request.method} before failing; look the group up by name before creating it again`,
      {
        httpStatus: status,
        keepnetStatus: error.keepnetStatus,
        method: request.method,
        path: request.path,
        cause: error,
      },
    );
  }
  throw error;
}

/**
 * A failure below HTTP: the caller aborted (rethrows its reason), the deadline passed
 * (`KeepnetTimeoutError`), or the socket failed (a retry when transient and, for a create, provably not
 * sent; else a thrown typed error saying whether the group may exist).
 */
export function failedExchange(
  error: unknown,
  request: ApiRequest,
  deadlineSignal: AbortSignal,
  callerSignal: AbortSignal | undefined,
): ApiOutcome<never> {
  const { method, path } = request;
  if (callerSignal?.aborted) throw callerSignal.reason ?? error;
  const ambiguousCreate =
    request.safety === 'create'
      ? ' Keepnet may or may not have created the group: look it up by name before creating it again.'
      : '';
  if (deadlineSignal.aborted) {
    throw new KeepnetTimeoutError(
      `${method} ${path}: the caller's deadline passed while waiting for Keepnet.${ambiguousCreate}`,
      {
        method,
        path,
        cause: error,
      },
    );
  }
  const failure = networkFailure(error, method, path);
  if (!isTransientNetworkError(error)) throw failure;
  if (request.safety === 'create' && !provesRequestNotSent(error)) {
    const Kind = failure instanceof KeepnetTimeoutError ? KeepnetTimeoutError : KeepnetNetworkError;
    throw new Kind(
      `${failure.message}. Not retried: the request may have reached Keepnet.${ambiguousCreate}`,
      {
        method,
        path,
        cause: error,
      },
    );
  }
  return { kind: 'retry', error: failure };
}
