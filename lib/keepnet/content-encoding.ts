// Compressed replies, decoded as a stream (an export stays memory-flat).
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';

const DECODERS: Record<string, () => NodeJS.ReadWriteStream & Readable> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** More codings than this is no real reply but an attempt to make us work (as undici and curl limit). */
const MAX_CODINGS = 5;

/** A reply body as the transport reads it: undici's own, or a decoded stream with the same two readers. */
export type ReplyBody = Readable & { text(): Promise<string>; dump(): Promise<void> };

/** What the transport reads from a reply: status, headers, and the body as the server meant it. */
export interface KeepnetReply {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: ReplyBody;
}

/**
 * The reply with its body decoded when it carries gzip/deflate/br codings (applied in the order they
 * were listed, undone in reverse), with Content-Encoding and Content-Length (the encoded size) removed.
 * Any other reply is returned as it is: an unknown coding is left for the reader to reject. We never ask
 * for compression, but a server or proxy that compresses regardless (seen behind CDNs) would hand us bytes
 * that are neither JSON nor the export file. Why not undici's `interceptors.decompress`: it is experimental
 * and prints an ExperimentalWarning on stderr in every process that builds a client (every CLI call,
 * `npm start`, each Lambda cold start).
 */
export function decodeContentEncoding(reply: Dispatcher.ResponseData): KeepnetReply {
  const header = reply.headers['content-encoding'];
  const listed = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (listed.length === 0 || reply.statusCode === 204 || reply.statusCode === 304) return reply;
  if (listed.length > MAX_CODINGS || !listed.every((coding) => Object.hasOwn(DECODERS, coding))) return reply;

  const decoders = listed.reverse().map((coding) => DECODERS[coding]!());
  // pipeline destroys every stage when one fails (a corrupt stream reaches the reader as an error) and
  // when the reader stops early (the socket is released, not read to the end).
  const decoded = pipeline([reply.body, ...decoders], () => undefined) as unknown as Readable;
  const body: ReplyBody = Object.assign(decoded, {
    text: () => text(decoded),
    dump: async () => {
      decoded.destroy();
    },
  });
  const { 'content-encoding': _encoding, 'content-length': _length, ...headers } = reply.headers;
  return { statusCode: reply.statusCode, headers, body };
}
