// The HTTP pipeline: route → count → read body → latency → faults → auth → rate limit → role →
// media type → handler → write (envelope style, key case, truncation) → record.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Principal } from './auth';
import type { SimulatorCore } from './context';
import type { FaultPlan } from './faults';
import type { RateLimiter } from './rate-limit';
import { parseRecordedBody, safeHeaders } from './recording';
import { empty, inputError, type Reply, serverError, tooManyRequests } from './reply';
import { isJsonMediaType, mediaTypeOf, parseMultipart, readBody } from './request-body';
import { matchRoute, type RouteMatch } from './routes';
import type { FaultRule, RecordedExchange } from './types';
import { canonicalKeys } from './wire';
import { writeReply } from './write-reply';

/**
 * What the pipeline reads and updates besides the core. `exchanges` is read through a getter in index.ts,
 * because `clearExchanges` replaces the array.
 */
export interface PipelineParts {
  core: SimulatorCore;
  faults: FaultPlan;
  limiter: RateLimiter;
  counts: Map<string, number>;
  exchanges: RecordedExchange[];
}

function authFailure(reason: 'missing' | 'invalid' | 'expired'): Reply {
  const challenge =
    reason === 'missing'
      ? 'Bearer'
      : `Bearer error="invalid_token"${reason === 'expired' ? ', error_description="The token expired"' : ''}`;
  return empty(401, { 'www-authenticate': challenge });
}

/** Everything between reading the body and having a reply. `principal` is resolved here. */
async function produceReply(
  req: IncomingMessage,
  matched: RouteMatch,
  rawBody: Buffer,
  parts: PipelineParts,
  fault: FaultRule | undefined,
): Promise<Reply | 'reset'> {
  const { core } = parts;
  if (matched.kind === 'not-found') return empty(404);
  if (matched.kind === 'method-not-allowed') return empty(405);

  const { route, params } = matched;
  if (fault && !fault.afterHandling) {
    if (fault.kind === 'connection-reset') return 'reset';
    if (fault.kind === 'server-error') return serverError(fault.status ?? 500);
    if (fault.kind === 'rate-limited') return tooManyRequests(fault.retryAfterSeconds);
  }

  let principal: Principal | undefined;
  if (route.access !== 'none') {
    const check = core.auth.verify(req.headers.authorization, core.clock());
    if (!check.ok) return authFailure(check.reason);
    principal = check.principal;
    const limit = core.behaviour.rateLimit;
    if (!parts.limiter.take(principal.clientId, limit, core.clock()))
      return tooManyRequests(limit?.retryAfterSeconds);
    if (route.access === 'reseller' && principal.role !== 'Reseller') return empty(403);
  }

  const mediaType = mediaTypeOf(req);
  let body: unknown;
  if (route.access !== 'none' && rawBody.length > 0) {
    // The vendor rejects JSON Patch's media type on these endpoints, although its spec lists it.
    if (mediaType === 'application/json-patch+json') {
      return inputError(['Content-Type: application/json-patch+json is not accepted; send application/json']);
    }
    if (mediaType === 'multipart/form-data' && route.acceptsMultipart) {
      try {
        body = canonicalKeys(await parseMultipart(rawBody, req.headers['content-type'] ?? ''));
      } catch (error) {
        return inputError([`body: not valid multipart/form-data (${(error as Error).message})`]);
      }
    } else if (!isJsonMediaType(mediaType)) {
      return empty(415);
    } else {
      try {
        body = canonicalKeys(JSON.parse(rawBody.toString('utf8')));
      } catch (error) {
        return inputError([`body: not valid JSON (${(error as Error).message})`]);
      }
    }
  }

  const reply = await route.handler({ params, body, rawBody, mediaType, principal, core });
  if (fault?.afterHandling) {
    if (fault.kind === 'connection-reset') return 'reset';
    if (fault.kind === 'server-error') return serverError(fault.status ?? 500);
  }
  return reply;
}

/**
 * The simulator's HTTP server, not yet listening. A handler that throws answers 500 and is logged: a
 * simulator bug, not a played fault.
 */
export function createSimulatorServer(parts: PipelineParts): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const matched = matchRoute(method, path);
    const template = matched.kind === 'found' ? matched.route.template : path;
    const routeKey = `${method} ${template}`;
    parts.counts.set(routeKey, (parts.counts.get(routeKey) ?? 0) + 1);

    const rawBody = await readBody(req);
    if (rawBody === null) {
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    const latency = parts.core.behaviour.latencyMs;
    if (latency > 0) await sleep(latency);

    const fault = parts.faults.take(routeKey);
    if (fault?.kind === 'expire-tokens') parts.core.auth.revokeAll();
    if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 1000);

    let reply: Reply | 'reset';
    try {
      reply = await produceReply(req, matched, rawBody, parts, fault);
    } catch (error) {
      // A simulator bug, not a played fault: make it visible to whoever is debugging a test.
      console.error(`keepnet simulator: ${routeKey} failed`, error);
      reply = serverError();
    }
    const exchange: RecordedExchange | undefined = parts.core.behaviour.recordExchanges
      ? {
          method,
          template,
          path,
          requestHeaders: safeHeaders(req),
          requestBody: parseRecordedBody(rawBody, mediaTypeOf(req)),
          status: reply === 'reset' ? 0 : reply.status,
          responseContentType: null,
          responseBody: undefined,
        }
      : undefined;

    if (reply === 'reset') {
      req.socket.destroy();
    } else {
      const truncate = fault?.kind === 'truncated-body' ? fault : undefined;
      const responseBody = writeReply(res, reply, parts.core, truncate);
      if (exchange) {
        const contentType = res.getHeader('content-type');
        exchange.responseContentType = typeof contentType === 'string' ? contentType : null;
        exchange.responseBody = responseBody;
      }
    }
    if (exchange) parts.exchanges.push(exchange);
  };

  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  });
}
