// Every call to Keepnet goes through here: bearer token, deadline, retries, typed errors. A thin
// composition: ./retry runs the loop, ./api-attempt says what a reply or failure means, ./connections
// holds the pool, ./export-reply checks downloads, ./token-endpoint asks for tokens.
import type { Dispatcher } from 'undici';
import { logger } from '../observability/powertools';
import {
  type ApiOutcome,
  type ApiRequest,
  failedExchange,
  type ReadReply,
  replyOutcome,
} from './api-attempt';
import { headerValue, USER_AGENT } from './body';
import { DEFAULT_TIMEOUTS, KeepnetConnections, type TransportTimeouts } from './connections';
import { decodeContentEncoding, type KeepnetReply } from './content-encoding';
import type { CredentialsProvider } from './credentials/provider';
import { abortAtDeadline, waitFor } from './deadline';
import { type KeepnetEndpoint, parseKeepnetBaseUrl, resolveKeepnetEndpoint } from './endpoint';
import { isKeepnetError, KeepnetAuthenticationError, KeepnetNotFoundError } from './errors';
import { readExportDownload } from './export-reply';
import { jsonReplyData } from './reply-errors';
import { withRetries } from './retry';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
import { type Runtime, systemRuntime } from './runtime';
import { type IssuedToken, TokenCache } from './token-cache';
import { requestToken, TOKEN_PATH } from './token-endpoint';
import type { CallOptions, ExportDownload } from './types';

export type { TransportTimeouts } from './connections';

/** Counters read by tests and the bench. `requests` counts API requests sent (token requests apart). */
export interface TransportStats {
  requests: number;
  /** Waits before another attempt, API calls and token requests together. */
  retries: number;
  tokenRequests: number;
  /** 401s answered with a new token and one retry. */
  authRefreshes: number;
}

/** What {@link KeepnetTransport} is built from; every field but `credentials` has a default. */
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

/**
 * Sends {@link ApiRequest}s to Keepnet with a cached bearer token, within the caller's deadline, retrying
 * what is safe to retry; every failure is a `KeepnetError`. One per client: it owns the token cache and
 * the connection pool.
 */
export class KeepnetTransport {
  readonly stats: TransportStats = { requests: 0, retries: 0, tokenRequests: 0, authRefreshes: 0 };
  private readonly credentials: CredentialsProvider;
  private readonly policy: RetryPolicy;
  private readonly runtime: Runtime;
  private readonly tokens: TokenCache;
  private readonly connections: KeepnetConnections;
  private endpoint: KeepnetEndpoint | undefined;
  private endpointPromise: Promise<KeepnetEndpoint> | undefined;

  constructor(options: TransportOptions) {
    this.credentials = options.credentials;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.runtime = { ...systemRuntime, ...options.runtime };
    this.connections = new KeepnetConnections({
      dispatcher: options.dispatcher,
      connections: options.connections,
      timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    });
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
      const source = { method: request.method, path: request.path, httpStatus: reply.statusCode };
      return jsonReplyData(source, headerValue(reply.headers['content-type']), text);
    });
  }

  /** A file download: returns once the headers are in; the body streams to the caller, unbuffered. */
  download(request: ApiRequest, opts: CallOptions = {}): Promise<ExportDownload> {
    const asked = { accept: '*/*', ...request };
    return this.send(asked, opts, (reply) => readExportDownload(reply, asked));
  }

  /** Closes the pool this transport made (not an injected dispatcher). */
  close(): Promise<void> {
    return this.connections.close();
  }

  /** One API call through the retry loop; a 401 is answered with one new token, outside the budget. */
  private send<T>(request: ApiRequest, opts: CallOptions, read: ReadReply<T>): Promise<T> {
    let refreshedToken = false;
    return withRetries<T>(
      async ({ lastError }) => {
        let outcome: ApiOutcome<T>;
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
            return { kind: 'done', value: undefined as T };
          }
          throw error;
        }
        if (outcome.kind !== 'refresh-token') return outcome;
        if (refreshedToken) {
          throw new KeepnetAuthenticationError(
            `${request.method} ${request.path}: Keepnet answered 401 again with a freshly issued token: check the Client ID and Secret and that the credential is enabled`,
            { httpStatus: 401, method: request.method, path: request.path },
          );
        }
        refreshedToken = true;
        this.stats.authRefreshes += 1;
        logger.info('Keepnet answered 401: fetching a new token and retrying once', {
          method: request.method,
          path: request.path,
        });
        return { kind: 'again' };
      },
      {
        policy: this.policy,
        runtime: this.runtime,
        method: request.method,
        path: request.path,
        deadline: opts.deadline,
        signal: opts.signal,
        onRetry: ({ attempt, delayMs, error }) => {
          this.stats.retries += 1;
          logger.warn('Retrying Keepnet call', {
            method: request.method,
            path: request.path,
            attempt,
            delayMs,
            reason: error.message,
          });
        },
      },
    );
  }

  private async attempt<T>(
    request: ApiRequest,
    opts: CallOptions,
    read: ReadReply<T>,
  ): Promise<ApiOutcome<T>> {
    const bearer = await waitFor(this.tokens.get(), request, opts, this.runtime.now);
    const endpoint = await this.resolveEndpoint();
    const lease = this.connections.lease(endpoint, request.safety === 'create');

    // The deadline bounds the wait for the reply (and, for JSON, its body).
    const { signal, expired, clear } = abortAtDeadline(opts, this.runtime.now);
    this.stats.requests += 1;
    try {
      let reply: KeepnetReply;
      try {
        const raw = await lease.dispatcher.request({
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
        return failedExchange(error, request, expired, opts.signal);
      }
      const outcome = await replyOutcome(reply, request, bearer.value, this.runtime.now, read);
      if (outcome.kind === 'refresh-token') {
        // Drop this token (only if still current: concurrent 401s cause one fetch) and re-read the secret,
        // which may have been rotated since it was cached.
        this.tokens.invalidate(bearer);
        this.credentials.invalidate();
      }
      return outcome;
    } catch (error) {
      if (isKeepnetError(error)) throw error;
      return failedExchange(error, request, expired, opts.signal);
    } finally {
      clear();
      await lease.release();
    }
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

  /**
   * `POST /connect/token` through the retry loop (asking for a token has no side effect, so 429, 5xx and
   * socket errors are retried). Refused credentials are re-read once from the provider: if the secret
   * was rotated, the new one is tried at once; otherwise the refusal is final.
   */
  private async fetchToken(): Promise<IssuedToken> {
    let credentials = await this.credentials.get();
    let reReadSecret = false;
    return withRetries<IssuedToken>(
      async () => {
        const endpoint = await this.resolveEndpoint();
        this.stats.tokenRequests += 1;
        const outcome = await requestToken(
          this.connections.pooled(endpoint),
          endpoint,
          credentials,
          this.runtime.now,
        );
        if (outcome.kind !== 'refused') return outcome;
        if (!reReadSecret) {
          reReadSecret = true;
          this.credentials.invalidate();
          const fresh = await this.credentials.get();
          if (fresh.clientId !== credentials.clientId || fresh.clientSecret !== credentials.clientSecret) {
            logger.info('Keepnet refused the cached credentials; retrying with the re-read secret');
            credentials = fresh;
            return { kind: 'again' };
          }
        }
        throw outcome.error;
      },
      {
        policy: this.policy,
        runtime: this.runtime,
        method: 'POST',
        path: TOKEN_PATH,
        onRetry: ({ attempt, delayMs, error }) => {
          this.stats.retries += 1;
          logger.warn('Retrying the Keepnet token request', { attempt, delayMs, reason: error.message });
        },
      },
    );
  }
}
