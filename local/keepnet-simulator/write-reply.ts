// Writing a reply: JSON in the configured envelope and key case, files streamed, and the truncated-body
// fault and `shortExport` quirk applied on the way out.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { readRequestBody } from '../http-body';
import type { ReplyQuirks } from './behaviour';
import type { SimulatorCore } from './context';
import { contentDisposition } from './export-writers';
import { shortCut } from './quirks';
import type { Reply } from './reply';
import type { FaultRule } from './types';
import { renderEnvelope } from './wire';

/** Up to this size a file is buffered to be cut short (the cut needs its length). */
const SHORT_BUFFER_LIMIT = 64 * 1024 * 1024;

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
export function writeReply(
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
    const whole = await readRequestBody(body, SHORT_BUFFER_LIMIT);
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
