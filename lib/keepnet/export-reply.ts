// Telling an export file from a failure that arrived in its place (see readExportDownload).
import type { Readable } from 'node:stream';
import { headerValue, readTextUpTo } from './body';
import { fileNameFromContentDisposition } from './content-disposition';
import type { KeepnetReply } from './content-encoding';
import { textExcerpt } from './envelope';
import { KeepnetServerError } from './errors';
import { readExportJsonReply } from './export-result';
import { jsonReplyData } from './reply-errors';
import type { ExportDownload } from './types';

/**
 * The export file of a 2xx reply, its body left streaming. Keepnet documents the export reply as "the
 * file itself", and failures as a JSON envelope; but a server may send that envelope with a 200 and a
 * file-ish Content-Type (application/octet-stream, text/plain, none at all), or an HTML page (a login or
 * proxy page). Neither may be stored as the export. Exports are CSV (a header row) or xlsx (a ZIP: "PK"),
 * never JSON, so a body whose first byte is `{` is read as JSON; anything else streams on untouched:
 * only the first chunk is looked at, and pushed back. Throws
 * `KeepnetServerError` for an HTML page or an empty body; a JSON reply becomes the file its
 * ExportServiceResult carries, or the typed error of its failure envelope (see ./export-result).
 */
export async function readExportDownload(
  reply: KeepnetReply,
  request: { method: string; path: string },
): Promise<ExportDownload> {
  const contentType = headerValue(reply.headers['content-type']) ?? 'application/octet-stream';
  const lengthHeader = headerValue(reply.headers['content-length']);
  const contentLength =
    lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  const fileName = fileNameFromContentDisposition(reply.headers['content-disposition']);
  const body: Readable = reply.body;
  const source = { method: request.method, path: request.path, httpStatus: reply.statusCode };
  if (isHtmlContentType(contentType)) {
    const text = await readTextUpTo(reply.body);
    throw new KeepnetServerError(
      `${request.method} ${request.path}: expected an export file, got ${contentType}: ${textExcerpt(text)}`,
      source,
    );
  }
  // JSON (by Content-Type, or a body starting with `{` under a file-ish one) is a failure envelope or
  // an ExportServiceResult, never the file itself (see ./export-result); an empty body is no file.
  const start = await inspectExportBody(reply.body);
  if (start === 'empty') {
    throw new KeepnetServerError(
      `${request.method} ${request.path}: expected an export file, got an empty body`,
      source,
    );
  }
  if (start === 'json' || /\bjson\b/i.test(contentType)) {
    const decoded = await readExportJsonReply(reply.body, source, async (text) =>
      jsonReplyData(source, contentType, text),
    );
    // The JSON's Content-Type says nothing about the file inside it.
    return { ...decoded, fileName: decoded.fileName ?? fileName, contentLength: null };
  }
  return { body, contentType, fileName, contentLength };
}

/**
 * How an export body starts: `empty` (no byte at all), `json` (its first bytes are `{`) or `file`.
 * Only the first chunk is read, and pushed back: the body is left intact for the caller.
 */
export type ExportBodyStart = 'empty' | 'json' | 'file';

/** Whether a Content-Type can only be a failure page, never an export file. */
export function isHtmlContentType(contentType: string): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}

/** Reads how `body` starts (see {@link ExportBodyStart}); rejects with the stream's error. */
export async function inspectExportBody(body: Readable): Promise<ExportBodyStart> {
  const first = await nextChunk(body);
  if (first === null) return 'empty';
  body.unshift(first);
  return startsLikeJsonObject(first) ? 'json' : 'file';
}

function startsLikeJsonObject(chunk: Buffer): boolean {
  const text = chunk
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return text.trimStart().startsWith('{');
}

/** The next chunk of a paused stream, or null at its end; rejects with the stream's error. */
function nextChunk(body: Readable): Promise<Buffer | null> {
  if (body.errored) return Promise.reject(body.errored);
  const chunk: unknown = body.read();
  if (chunk !== null) return Promise.resolve(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  if (body.readableEnded) return Promise.resolve(null);
  return new Promise<Buffer | null>((resolve, reject) => {
    const cleanup = () => {
      body.off('readable', onReadable);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onReadable = () => {
      cleanup();
      nextChunk(body).then(resolve, reject);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(error);
    };
    // Destroyed without an error (by the caller): nothing more will come.
    const onClose = () => {
      cleanup();
      if (body.errored) reject(body.errored);
      else resolve(null);
    };
    body.on('readable', onReadable);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}
