// The HTTP pipeline: route → count → read body → latency → faults → auth → rate limit → role →
// media type → handler → write (envelope style, key case, truncation) → record.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Principal } from './auth';
import type { SimulatorCore } from './context';
import { contentDisposition } from './export-writers';
import type { FaultPlan } from './faults';
import { readWholeFile, shortCut } from './quirks';
import type { RateLimiter } from './rate-limit';
import { empty, inputError, type Reply, serverError, tooManyRequests } from './reply';
import { matchRoute, type RouteMatch } from './routes';
import type { FaultRule, RecordedExchange, ReplyQuirks } from './types';
import { canonicalKeys, renderEnvelope } from './wire';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const JSON_MEDIA_TYPES = new Set(['application/json', 'text/json']);

export interface PipelineParts {
  core: SimulatorCore;
  faults: FaultPlan;
  limiter: RateLimiter;
  counts: Map<string, number>;
  exchanges: RecordedExchange[];
}

/** The whole request body, or null when it exceeds MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A multipart form as a plain object, parsed by the platform's own multipart parser (fetch's
 * Response.formData). Repeated fields, fields named like `X[]`/`X[0]` and `…Array`/`Tags` fields
 * become arrays, as ASP.NET binds them; files are ignored.
 */
async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': contentType },
  }).formData();
  const fields: Record<string, unknown> = {};
  for (const [rawName, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    const name = rawName.replace(/\[\d*\]$/, '');
    const listy = name !== rawName || /array$/i.test(name) || /^tags$/i.test(name);
    const existing = fields[name];
    if (Array.isArray(existing)) existing.push(value);
    else if (existing !== undefined) fields[name] = [existing, value];
    else fields[name] = listy ? [value] : value;
  }
  return fields;
}

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isJsonMediaType(mediaType: string): boolean {
  return (
    JSON_MEDIA_TYPES.has(mediaType) || (mediaType.startsWith('application/') && mediaType.endsWith('+json'))
  );
}

function safeHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'authorization' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseRecordedBody(raw: Buffer, mediaType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (mediaType === 'application/x-www-form-urlencoded') {
    // Never keep the client secret in a recording.
    const form = Object.fromEntries(new URLSearchParams(text));
    if ('client_secret' in form) form.client_secret = '[redacted]';
    return form;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A JSON reply as sent (per the current envelope style and key case); null for other kinds. */
function renderJson(reply: Reply, core: SimulatorCore): unknown {
  if (reply.kind === 'envelope') {
    return renderEnvelope(reply.envelope, core.behaviour.envelope, core.behaviour.keyCase);
  }
  return reply.kind === 'json' ? reply.body : null;
}

function destroyAfter(res: ServerResponse, bytes: Buffer, cut: number): void {
  res.write(bytes.subarray(0, cut), () => res.socket?.destroy());
}

/** Writes the reply; returns the JSON value sent (for recordings), undefined for files and empty bodies. */
function writeReply(
  res: ServerResponse,
  reply: Reply,
  core: SimulatorCore,
  truncate: FaultRule | undefined,
): unknown {
  for (const [name, value] of Object.entries(reply.kind === 'file' ? {} : (reply.headers ?? {})))
    res.setHeader(name, value);
  const fraction = Math.min(Math.max(truncate?.truncateAt ?? 0.5, 0), 0.99);

  if (reply.kind === 'file') {
    res.statusCode = reply.status;
    res.setHeader('content-type', reply.contentType);
    res.setHeader('content-disposition', contentDisposition(reply.fileName));
    const short = core.behaviour.quirks.shortExport;
    if (!truncate && short) {
      void sendShortFramed(res, reply.body, short);
      return undefined;
    }
    if (!truncate) {
      reply.body.pipe(res);
      reply.body.once('error', () => res.destroy());
      res.once('close', () => reply.body.destroy());
      return undefined;
    }
    if (reply.expectedBytes === undefined) void truncateSmallFile(res, reply.body, fraction);
    else truncateStream(res, reply.body, Math.floor(reply.expectedBytes * fraction));
    return undefined;
  }

  const value = renderJson(reply, core);
  res.statusCode = reply.status;
  if (value === null) {
    res.setHeader('content-length', '0');
    res.end();
    return undefined;
  }
  const json = Buffer.from(JSON.stringify(value));
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', String(json.length));
  if (truncate) destroyAfter(res, json, Math.floor(json.length * fraction));
  else res.end(json);
  return value;
}

/** Up to this size a file is buffered so a truncation can announce its true Content-Length. */
const TRUNCATE_BUFFER_LIMIT = 8 * 1024 * 1024;

/** Announces the whole file's Content-Length, sends `fraction` of it, drops the connection. */
async function truncateSmallFile(res: ServerResponse, body: Readable, fraction: number): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > TRUNCATE_BUFFER_LIMIT) break;
  }
  const whole = Buffer.concat(chunks);
  if (size <= TRUNCATE_BUFFER_LIMIT) res.setHeader('content-length', String(whole.length));
  destroyAfter(res, whole, Math.floor(whole.length * fraction));
}

/**
 * The `shortExport` quirk: part of the file, framed as the whole of it (a Content-Length matching
 * what is sent, or a chunked body ended cleanly). Nothing on the wire says anything is missing.
 */
async function sendShortFramed(
  res: ServerResponse,
  body: Readable,
  quirk: NonNullable<ReplyQuirks['shortExport']>,
): Promise<void> {
  try {
    const whole = await readWholeFile(body);
    const part = whole.subarray(0, shortCut(whole, quirk));
    if (quirk.framing === 'content-length') {
      res.setHeader('content-length', String(part.length));
      res.end(part);
    } else {
      res.setHeader('transfer-encoding', 'chunked');
      res.write(part.subarray(0, Math.ceil(part.length / 2)));
      res.end(part.subarray(Math.ceil(part.length / 2)));
    }
  } catch {
    res.destroy();
  }
}

/** A large streamed file: passes bytes through until `cut`, then drops the connection. */
function truncateStream(res: ServerResponse, body: Readable, cut: number): void {
  let sent = 0;
  body.on('data', (chunk: Buffer) => {
    if (sent + chunk.length >= cut) {
      body.destroy();
      destroyAfter(res, chunk, Math.max(0, cut - sent));
    } else if (!res.write(chunk)) body.pause();
    sent += chunk.length;
  });
  res.on('drain', () => body.resume());
  body.once('end', () => res.socket?.destroy());
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
