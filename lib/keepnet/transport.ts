// Every call to Keepnet goes through here: bearer token, timeouts, retries, typed errors.
//
// Why a hand-written retry loop rather than undici's `interceptors.retry`: the rules here depend on
// things the interceptor cannot see. A retry must never start a wait that would pass the caller's
// deadline; a create (POST /api/company-groups) may be retried only when the request provably was not
// processed (connection refused, 429), never after a reset or a 5xx; a 401 is answered by fetching a new
// token (and re-reading the secret) and retrying exactly once, outside the backoff budget; and an export
// may be retried only until its body starts streaming. The loop is short, and each rule sits in one place.
//
// Idempotency of the writes we do retry: PUT /{id} sets name and members (same body, same end state);
// PUT …/participants with the same body gives the same membership under both readings of the API
// (add: adding present companies again changes nothing; replace: the same list again); DELETE
// …/participants removes the same companies again (already absent: no change); DELETE /{id} retried
// after Keepnet did delete answers 404, which `notFoundOnRetryMeansDone` turns into success; bulk-delete
// of already deleted ids changes nothing more.
//
// Creates travel on a connection of their own. A pooled keep-alive socket may be closed by the server
// (or a load balancer) just as a request is written on it; the request then fails with a reset although
// it was never read. Reads and idempotent writes simply retry, but a create cannot tell that reset from
// one after processing, so it would fail "ambiguously" for nothing. A fresh connection has no such race:
// a reset on it is a real one. Creates are rare (a group named but missing), so the extra handshake is cheap.
import type { Readable } from 'node:stream';
import { Client, type Dispatcher, Pool } from 'undici';
import { logger } from '../observability/powertools';
import { headerValue, readTextUpTo, USER_AGENT, withoutSecrets } from './body';
import { fileNameFromContentDisposition } from './content-disposition';
import { decodeContentEncoding, type KeepnetReply } from './content-encoding';
import type { CredentialsProvider } from './credentials/provider';
import { type KeepnetEndpoint, parseKeepnetBaseUrl, resolveKeepnetEndpoint } from './endpoint';
import { camelCaseKeys, parseJsonBody, readEnvelope, textExcerpt } from './envelope';
import {
  isKeepnetError,
  KeepnetAuthenticationError,
  type KeepnetError,
  KeepnetNetworkError,
  KeepnetNotFoundError,
  KeepnetServerError,
  KeepnetTimeoutError,
} from './errors';
import { inspectExportBody, isHtmlContentType } from './export-reply';
import { readExportJsonReply } from './export-result';
import { isTransientNetworkError, networkFailure, provesRequestNotSent } from './network-errors';
import { errorForFailedEnvelope, errorForHttpReply } from './reply-errors';
import { DEFAULT_RETRY_POLICY, parseRetryAfterMs, planRetry, type RetryPolicy } from './retry-policy';
import { type Runtime, systemRuntime } from './runtime';
import { type Bearer, type IssuedToken, TokenCache } from './token-cache';
import { requestToken } from './token-endpoint';
import type { CallOptions, ExportDownload } from './types';

export interface TransportTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From sending the request to the reply's headers. */
  headersMs: number;
  /** Longest silence between two body chunks (not the whole download). */
  bodyMs: number;
  /** Idle keep-alive; shorter than typical server keep-alive (5 s) so we never reuse a socket being closed. */
  keepAliveMs: number;
}

// All well under a Lambda timeout (the functions run for up to a few minutes).
export const DEFAULT_TIMEOUTS: TransportTimeouts = {
  connectMs: 5_000,
  headersMs: 20_000,
  bodyMs: 30_000,
  keepAliveMs: 4_000,
};

/** Counters read by tests and the bench. `requests` counts API requests sent (token requests apart). */
export interface TransportStats {
  requests: number;
  retries: number;
  tokenRequests: number;
  /** 401s answered with a new token and one retry. */
  authRefreshes: number;
}

/**
 * `idempotent`: any transient failure may be retried (reads, searches, exports, updates, participants).
 * `create`: retried only when the request provably did not reach Keepnet (refused, 429).
 */
export type RetrySafety = 'idempotent' | 'create';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API path without the base path or a query string, e.g. `/api/company-groups/{id}`. */
  path: string;
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

export interface TransportOptions {
  /** Validated base URL; when absent it is resolved on first use from the credentials' `baseUrl`. */
  baseUrl?: string | undefined;
  /** What to call the base URL in errors (e.g. "KEEPNET_BASE_URL" or "--base-url"); default "baseUrl". */
  baseUrlSource?: string | undefined;
  credentials: CredentialsProvider;
  /** Bring your own undici dispatcher (tests); default: one keep-alive Pool per client. */
  dispatcher?: Dispatcher;
  /** Max parallel connections of the default Pool. */
  connections?: number;
  timeouts?: Partial<TransportTimeouts>;
  retry?: Partial<RetryPolicy>;
  runtime?: Partial<Runtime>;
}

type AttemptOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'retry'; error: KeepnetError; retryAfterMs?: number | undefined }
  | { kind: 'refresh-token' };

type ReadReply<T> = (reply: KeepnetReply) => Promise<T>;

export class KeepnetTransport {
  readonly stats: TransportStats = { requests: 0, retries: 0, tokenRequests: 0, authRefreshes: 0 };
  private readonly credentials: CredentialsProvider;
  private readonly timeouts: TransportTimeouts;
  private readonly policy: RetryPolicy;
  private readonly runtime: Runtime;
  private readonly tokens: TokenCache;
  private readonly connections: number;
  private readonly ownsDispatcher: boolean;
  private dispatcher: Dispatcher | undefined;
  private endpoint: KeepnetEndpoint | undefined;
  private endpointPromise: Promise<KeepnetEndpoint> | undefined;

  constructor(options: TransportOptions) {
    this.credentials = options.credentials;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.runtime = { ...systemRuntime, ...options.runtime };
    this.connections = options.connections ?? 16;
    this.dispatcher = options.dispatcher;
    this.ownsDispatcher = options.dispatcher === undefined;
    // An explicit base URL is checked now, so a misconfiguration fails at start-up, not on first call.
    if (options.baseUrl !== undefined)
      this.endpoint = parseKeepnetBaseUrl(options.baseUrl, options.baseUrlSource ?? 'baseUrl');
    this.tokens = new TokenCache(
      () => this.fetchToken(),
      () => this.runtime.now(),
    );
  }

  /** A JSON call: returns the envelope's `data` (or the bare JSON when the reply has no envelope). */
  json(request: ApiRequest, opts: CallOptions = {}): Promise<unknown> {
    return this.send(request, opts, async (reply) => {
      const text = await reply.body.text();
      return this.dataOf(request, reply.statusCode, headerValue(reply.headers['content-type']), text);
    });
  }

  /** A file download: returns once the headers are in; the body streams to the caller, unbuffered. */
  download(request: ApiRequest, opts: CallOptions = {}): Promise<ExportDownload> {
    return this.send({ accept: '*/*', ...request }, opts, async (reply) => {
      const contentType = headerValue(reply.headers['content-type']) ?? 'application/octet-stream';
      const lengthHeader = headerValue(reply.headers['content-length']);
      const contentLength =
        lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
      const fileName = fileNameFromContentDisposition(reply.headers['content-disposition']);
      const body: Readable = reply.body;
      if (isHtmlContentType(contentType)) {
        const text = await readTextUpTo(reply.body);
        throw new KeepnetServerError(
          `${request.method} ${request.path}: expected an export file, got ${contentType}: ${textExcerpt(text)}`,
          { httpStatus: reply.statusCode, method: request.method, path: request.path },
        );
      }
      // JSON (by Content-Type, or a body starting with `{` under a file-ish one) is a failure envelope or
      // an ExportServiceResult, never the file itself (see ./export-result); an empty body is no file.
      const start = await inspectExportBody(reply.body);
      if (start === 'empty') {
        throw new KeepnetServerError(
          `${request.method} ${request.path}: expected an export file, got an empty body`,
          {
            httpStatus: reply.statusCode,
            method: request.method,
            path: request.path,
          },
        );
      }
      if (start === 'json' || /\bjson\b/i.test(contentType)) {
        const source = { method: request.method, path: request.path, httpStatus: reply.statusCode };
        const decoded = await readExportJsonReply(reply.body, source, (text) =>
          this.dataOf(request, reply.statusCode, contentType, text),
        );
        // The JSON's Content-Type says nothing about the file inside it.
        return { ...decoded, fileName: decoded.fileName ?? fileName, contentLength: null };
      }
      return { body, contentType, fileName, contentLength };
    });
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher && this.dispatcher) await this.dispatcher.close();
    this.dispatcher = undefined;
  }

  private async dataOf(
    request: ApiRequest,
    httpStatus: number,
    contentType: string | undefined,
    text: string,
  ) {
    const parsed = parseJsonBody(text);
    if (parsed === undefined) {
      if (text.trim() === '') return undefined; // 200/204 with no body: nothing to return.
      throw new KeepnetServerError(
        `${request.method} ${request.path}: expected JSON, got ${contentType ?? 'no content type'}: ${textExcerpt(text)}`,
        { httpStatus, method: request.method, path: request.path },
      );
    }
    const envelope = readEnvelope(parsed);
    if (!envelope) return camelCaseKeys(parsed);
    const failure = errorForFailedEnvelope(
      { method: request.method, path: request.path, httpStatus },
      envelope,
    );
    if (failure) throw failure;
    return envelope.data;
  }

  /** The retry loop. See the file comment for why it is not `interceptors.retry`. */
  private async send<T>(request: ApiRequest, opts: CallOptions, read: ReadReply<T>): Promise<T> {
    const where = `${request.method} ${request.path}`;
    let lastError: KeepnetError | undefined;
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      opts.signal?.throwIfAborted();
      if (opts.deadline !== undefined && this.runtime.now() >= opts.deadline) {
        throw new KeepnetTimeoutError(`${where}: the caller's deadline passed before attempt ${attempt}`, {
          method: request.method,
          path: request.path,
          cause: lastError,
        });
      }
      let outcome: AttemptOutcome<T>;
      try {
        outcome = await this.attempt(request, opts, read);
      } catch (error) {
        if (
          request.notFoundOnRetryMeansDone &&
          lastError !== undefined &&
          error instanceof KeepnetNotFoundError
        ) {
          logger.info('Keepnet answered 404 to a retried delete: the earlier attempt did it', {
            method: request.method,
            path: request.path,
          });
          return undefined as T;
        }
        throw error;
      }
      if (outcome.kind === 'done') return outcome.value;
      if (outcome.kind === 'refresh-token') {
        if (refreshedToken) {
          throw new KeepnetAuthenticationError(
            `${where}: Keepnet answered 401 again with a freshly issued token: check the Client ID and Secret and that the credential is enabled`,
            { httpStatus: 401, method: request.method, path: request.path },
          );
        }
        refreshedToken = true;
        this.stats.authRefreshes += 1;
        logger.info('Keepnet answered 401: fetching a new token and retrying once', {
          method: request.method,
          path: request.path,
        });
        attempt -= 1; // a refresh is not a failed attempt: it does not consume the retry budget
        continue;
      }
      lastError = outcome.error;
      const decision = planRetry({
        attempt,
        policy: this.policy,
        retryAfterMs: outcome.retryAfterMs,
        nowMs: this.runtime.now(),
        deadline: opts.deadline,
        random: this.runtime.random,
      });
      if (!decision.retry) {
        if (decision.reason === 'deadline') {
          throw new KeepnetTimeoutError(
            `${where}: not retried because the next attempt would start after the caller's deadline (after ${attempt} attempt(s); last failure: ${outcome.error.message})`,
            {
              httpStatus: outcome.error.httpStatus,
              method: request.method,
              path: request.path,
              cause: outcome.error,
            },
          );
        }
        throw outcome.error;
      }
      this.stats.retries += 1;
      logger.warn('Retrying Keepnet call', {
        method: request.method,
        path: request.path,
        attempt,
        delayMs: decision.delayMs,
        reason: outcome.error.message,
      });
      await this.runtime.sleep(decision.delayMs, opts.signal);
    }
  }

  private async attempt<T>(
    request: ApiRequest,
    opts: CallOptions,
    read: ReadReply<T>,
  ): Promise<AttemptOutcome<T>> {
    const bearer = await this.waitFor(this.tokens.get(), request, opts);
    const endpoint = await this.resolveEndpoint();
    const oneShot =
      request.safety === 'create' && this.ownsDispatcher ? this.freshConnection(endpoint) : undefined;
    const dispatcher = oneShot ?? this.dispatcherFor(endpoint);

    // The deadline bounds the wait for the reply (and, for JSON, its body). It is a real-time timer:
    // undici cannot be handed a fake clock, and an abort here must interrupt a hung socket.
    const deadlineAbort = new AbortController();
    const remaining =
      opts.deadline === undefined ? undefined : Math.max(0, opts.deadline - this.runtime.now());
    const timer = remaining === undefined ? undefined : setTimeout(() => deadlineAbort.abort(), remaining);
    const signal = opts.signal ? AbortSignal.any([deadlineAbort.signal, opts.signal]) : deadlineAbort.signal;
    this.stats.requests += 1;
    try {
      let reply: KeepnetReply;
      try {
        const raw = await dispatcher.request({
          origin: endpoint.origin,
          path: endpoint.basePath + request.path,
          method: request.method,
          headers: {
            authorization: `Bearer ${bearer.value}`,
            accept: request.accept ?? 'application/json',
            'user-agent': USER_AGENT,
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal,
        });
        reply = decodeContentEncoding(raw);
      } catch (error) {
        return this.failedExchange(error, request, deadlineAbort.signal, opts.signal);
      }
      return await this.handleReply(reply, bearer, request, read);
    } catch (error) {
      if (isKeepnetError(error)) throw error;
      return this.failedExchange(error, request, deadlineAbort.signal, opts.signal);
    } finally {
      clearTimeout(timer);
      // The reply has been read whole (creates are JSON calls): closing now loses nothing.
      await oneShot?.destroy().catch(() => undefined);
    }
  }

  private async handleReply<T>(
    reply: KeepnetReply,
    bearer: Bearer,
    request: ApiRequest,
    read: ReadReply<T>,
  ): Promise<AttemptOutcome<T>> {
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
      // Drop this token (only if still current: concurrent 401s cause one fetch) and re-read the secret,
      // which may have been rotated since it was cached. A 401 means the request was not processed,
      // so even a create may be sent again.
      this.tokens.invalidate(bearer);
      this.credentials.invalidate();
      return { kind: 'refresh-token' };
    }
    // The body goes into the error message: never with our bearer token in it, should the server echo it.
    const bodyText = withoutSecrets(await readTextUpTo(reply.body), [bearer.value]);
    const retryAfterMs = parseRetryAfterMs(reply.headers['retry-after'], this.runtime.now());
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

  /** A failure below HTTP: the caller aborted, the deadline passed, or the socket failed. */
  private failedExchange(
    error: unknown,
    request: ApiRequest,
    deadlineSignal: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): AttemptOutcome<never> {
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

  /** Awaits a shared promise (the token fetch) while honouring this caller's own deadline and signal. */
  private waitFor<T>(promise: Promise<T>, request: ApiRequest, opts: CallOptions): Promise<T> {
    const { deadline, signal } = opts;
    if (deadline === undefined && signal === undefined) return promise;
    return new Promise<T>((resolve, reject) => {
      const remaining = deadline === undefined ? undefined : Math.max(0, deadline - this.runtime.now());
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      const timer =
        remaining === undefined
          ? undefined
          : setTimeout(() => {
              cleanup();
              reject(
                new KeepnetTimeoutError(
                  `${request.method} ${request.path}: the caller's deadline passed while waiting for a token`,
                  {
                    method: request.method,
                    path: request.path,
                  },
                ),
              );
            }, remaining);
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          cleanup();
          resolve(value);
        },
        (error: unknown) => {
          cleanup();
          reject(error);
        },
      );
    });
  }

  private resolveEndpoint(): Promise<KeepnetEndpoint> {
    if (this.endpoint) return Promise.resolve(this.endpoint);
    // Pinned at first resolution: one pool per client, even if a rotated secret later names another host.
    this.endpointPromise ??= this.credentials.get().then((credentials) => {
      this.endpoint = resolveKeepnetEndpoint({ secret: credentials.baseUrl });
      return this.endpoint;
    });
    return this.endpointPromise.catch((error: unknown) => {
      this.endpointPromise = undefined;
      throw error;
    });
  }

  private dispatcherFor(endpoint: KeepnetEndpoint): Dispatcher {
    this.dispatcher ??= new Pool(endpoint.origin, {
      connections: this.connections,
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
      keepAliveTimeout: this.timeouts.keepAliveMs,
      keepAliveMaxTimeout: this.timeouts.keepAliveMs,
    });
    return this.dispatcher;
  }

  /** One connection for one request (see "Creates travel on a connection of their own" above). */
  private freshConnection(endpoint: KeepnetEndpoint): Dispatcher {
    return new Client(endpoint.origin, {
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    });
  }

  // ---- token ----------------------------------------------------------------------------------------

  /**
   * `POST /connect/token`, form-encoded client credentials. Retried on 429/5xx/socket errors (asking for
   * a token has no side effect). Refused credentials are re-read once from the provider: if the secret
   * was rotated, the new one is tried; otherwise the refusal is final.
   */
  private async fetchToken(): Promise<IssuedToken> {
    let credentials = await this.credentials.get();
    let reReadSecret = false;
    for (let attempt = 1; ; attempt++) {
      const endpoint = await this.resolveEndpoint();
      this.stats.tokenRequests += 1;
      const outcome = await requestToken(
        this.dispatcherFor(endpoint),
        endpoint,
        credentials,
        this.runtime.now,
      );
      if (outcome.kind === 'done') return outcome.value;
      if (outcome.kind === 'refused') {
        if (!reReadSecret) {
          reReadSecret = true;
          this.credentials.invalidate();
          const fresh = await this.credentials.get();
          if (fresh.clientId !== credentials.clientId || fresh.clientSecret !== credentials.clientSecret) {
            logger.info('Keepnet refused the cached credentials; retrying with the re-read secret');
            credentials = fresh;
            attempt -= 1;
            continue;
          }
        }
        throw outcome.error;
      }
      const decision = planRetry({
        attempt,
        policy: this.policy,
        retryAfterMs: outcome.retryAfterMs,
        nowMs: this.runtime.now(),
        deadline: undefined,
        random: this.runtime.random,
      });
      if (!decision.retry) throw outcome.error;
      this.stats.retries += 1;
      logger.warn('Retrying the Keepnet token request', {
        attempt,
        delayMs: decision.delayMs,
        reason: outcome.error.message,
      });
      await this.runtime.sleep(decision.delayMs);
    }
  }
}
