// A JSON reply where an export file was expected: the file an ExportServiceResult carries, or an error.
import { Readable } from 'node:stream';
import { ERROR_BODY_LIMIT_BYTES } from './body';
import { camelCaseKeys, parseJsonBody, textExcerpt } from './envelope';
import { KeepnetServerError } from './errors';

/** Where the reply came from, for error messages. */
export interface ExportReplySource {
  method: string;
  path: string;
  httpStatus: number;
}

/** The file a JSON export reply carried. */
export interface DecodedExportFile {
  body: Readable;
  /** `fileName` of the result when it came within the bound read before streaming. */
  fileName: string | null;
  /** The file's own type, from its name's extension (the reply's JSON type is not the file's). */
  contentType: string;
}

const FILE_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function fileType(fileName: string | null): string {
  const extension = fileName?.split('.').pop()?.toLowerCase() ?? '';
  return FILE_TYPES[extension] ?? 'application/octet-stream';
}

/** The parts of ExportServiceResult we read (camelCase after normalisation). */
interface ExportServiceResult {
  status?: unknown;
  message?: unknown;
  filePath?: unknown;
  fileName?: unknown;
  byteArray?: unknown;
}

const RESULT_KEYS = ['byteArray', 'filePath', 'fileName'] as const;
/** `"byteArray": "` in any key case, with the spaces JSON allows. */
const BYTE_ARRAY_START = /"byteArray"\s*:\s*"/i;

/**
 * Reads a JSON export reply (`body` unread) and returns the file it carries, or throws. The vendor's spec
 * documents no body for the two company-group exports, but seven other export operations answer with
 * `ExportServiceResult` `{ status, message, filePath, fileName, byteArray }`, so a tenant may well get
 * that here too. The shapes, and what each becomes:
 * - `byteArray` (base64, possibly inside an envelope's `data`): the file. Decoded while streaming, so a
 *   large one is never held whole (the JSON around it is read only up to `limitBytes`).
 * - only `filePath`: an error naming the shape; what the path points to (a server path? a URL needing
 *   which credentials?) is unknown until a real tenant shows it.
 * - a failure envelope: its typed error (from `checkEnvelope`).
 * - any other JSON: `KeepnetServerError`. JSON is never stored under a `.csv`/`.xlsx` key.
 *
 * `checkEnvelope`
 * throws the typed error for a failure envelope and returns otherwise (`jsonReplyData`, as for any JSON call).
 */
export async function readExportJsonReply(
  body: Readable,
  source: ExportReplySource,
  checkEnvelope: (text: string) => Promise<unknown>,
  limitBytes = ERROR_BODY_LIMIT_BYTES,
): Promise<DecodedExportFile> {
  const where = `${source.method} ${source.path}`;
  const head: Buffer[] = [];
  let size = 0;
  const chunks = body[Symbol.asyncIterator]();
  let ended = false;
  while (size < limitBytes) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value));
    head.push(chunk);
    size += chunk.length;
  }
  const headBytes = Buffer.concat(head);
  if (ended) return fromWholeDocument(headBytes, source, checkEnvelope);

  // Too large to be an envelope: only a byteArray can make it that big. Stream-decode it.
  const text = headBytes.toString('latin1');
  const match = BYTE_ARRAY_START.exec(text);
  if (match === null) {
    body.destroy();
    throw new KeepnetServerError(
      `${where}: expected an export file, got a JSON reply over ${limitBytes} bytes with no "byteArray" near its start`,
      { httpStatus: source.httpStatus, method: source.method, path: source.path },
    );
  }
  const start = match.index + match[0].length;
  const prefix = text.slice(0, match.index);
  const decoded = Readable.from(
    decodeByteArray(headBytes.subarray(start), chunks, { where, source, prefix, limitBytes }),
    { objectMode: false },
  );
  decoded.once('close', () => body.destroy());
  const fileName = stringField(prefix, 'fileName');
  return { body: decoded, fileName, contentType: fileType(fileName) };
}

async function fromWholeDocument(
  bytes: Buffer,
  source: ExportReplySource,
  checkEnvelope: (text: string) => Promise<unknown>,
): Promise<DecodedExportFile> {
  const where = `${source.method} ${source.path}`;
  const fail = (message: string) =>
    new KeepnetServerError(`${where}: ${message}`, {
      httpStatus: source.httpStatus,
      method: source.method,
      path: source.path,
    });
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw fail('expected an export file, got an empty body');
  const parsed = parseJsonBody(text);
  if (parsed === undefined)
    throw fail(
      `expected an export file, got JSON that does not parse (incomplete: cut short?): ${textExcerpt(text)}`,
    );
  const result = findExportResult(camelCaseKeys(parsed));
  if (result === undefined) {
    await checkEnvelope(text); // a failure envelope throws its own typed error here
    throw fail(
      `expected an export file or an ExportServiceResult, got another JSON reply: ${textExcerpt(text)}`,
    );
  }
  const fileName = typeof result.fileName === 'string' ? result.fileName : null;
  if (reportsFailure(result) || typeof result.byteArray !== 'string' || result.byteArray === '') {
    if (!reportsFailure(result)) await checkEnvelope(text); // an enclosing failure envelope says more
    throw fail(describeUnusableResult(result));
  }
  const file = decodeBase64(result.byteArray, where);
  if (file.length === 0) throw fail('ExportServiceResult.byteArray decodes to an empty file');
  return { body: Readable.from([file]), fileName, contentType: fileType(fileName) };
}

/** The ExportServiceResult itself, or the one in an envelope's `data`. */
function findExportResult(value: unknown): ExportServiceResult | undefined {
  const isResult = (v: unknown): v is ExportServiceResult =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    RESULT_KEYS.some((key) => Object.hasOwn(v, key));
  if (isResult(value)) return value;
  const data = typeof value === 'object' && value !== null ? (value as { data?: unknown }).data : undefined;
  return isResult(data) ? data : undefined;
}

/** ExportStatus is an undocumented string: only a value that says failure counts as one. */
function reportsFailure(result: ExportServiceResult): boolean {
  return typeof result.status === 'string' && /fail|error|cancel/i.test(result.status);
}

function describeUnusableResult(result: ExportServiceResult): string {
  const status = typeof result.status === 'string' ? ` status "${result.status}"` : '';
  const message = typeof result.message === 'string' && result.message !== '' ? `: ${result.message}` : '';
  if (reportsFailure(result)) return `the export failed (ExportServiceResult${status}${message})`;
  if (typeof result.filePath === 'string' && result.filePath !== '') {
    return `ExportServiceResult carries only a filePath ("${textExcerpt(result.filePath, 100)}"), no byteArray; fetching a file by path is not supported until Keepnet documents what the path means`;
  }
  return `ExportServiceResult carries neither byteArray nor filePath${status}${message}`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string, where: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    throw new KeepnetServerError(`${where}: ExportServiceResult.byteArray is not base64`);
  }
  return Buffer.from(compact, 'base64');
}

/** A JSON string value from the text before byteArray, when it is there whole. */
function stringField(text: string, name: string): string | null {
  const match = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(text);
  if (match === null) return null;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return null;
  }
}

/** JSON escapes a .NET serialiser may put into base64 text: `\u002B` for '+', `\/` for '/'. */
const ESCAPE = /\\u([0-9a-fA-F]{4})|\\\//g;

/**
 * Decodes the base64 string value that starts in `first` and continues in `rest`, up to its closing
 * quote; then reads what follows (bounded) so the whole reply is checked: it must end as JSON does, and
 * its status must not report a failure. A body that ends inside the value is an error, never a file.
 */
async function* decodeByteArray(
  first: Buffer,
  rest: AsyncIterator<unknown>,
  ctx: { where: string; source: ExportReplySource; prefix: string; limitBytes: number },
): AsyncGenerator<Buffer> {
  const fail = (message: string) =>
    new KeepnetServerError(`${ctx.where}: ${message}`, {
      httpStatus: ctx.source.httpStatus,
      method: ctx.source.method,
      path: ctx.source.path,
    });
  let carry = '';
  let chunk: Buffer | null = first;
  let decodedBytes = 0;
  let suffix = '';
  while (chunk !== null) {
    let text = carry + chunk.toString('latin1');
    const quote = text.indexOf('"');
    const closing = quote !== -1;
    if (closing) {
      suffix = text.slice(quote + 1);
      text = text.slice(0, quote);
    }
    // Keep an escape that may be cut at the chunk's end for the next round.
    const slash = text.lastIndexOf('\\');
    let tail = '';
    if (!closing && slash !== -1 && slash > text.length - 6) {
      tail = text.slice(slash);
      text = text.slice(0, slash);
    }
    if (text.includes('\\')) {
      text = text.replace(ESCAPE, (_, hex: string | undefined) =>
        hex === undefined ? '/' : String.fromCharCode(Number.parseInt(hex, 16)),
      );
    }
    text = text.replace(/\s+/g, '');
    const usable = closing ? text.length : text.length - (text.length % 4);
    const piece = text.slice(0, usable);
    if (!BASE64.test(piece) || (closing && piece.length % 4 === 1)) {
      throw fail('ExportServiceResult.byteArray is not base64');
    }
    carry = text.slice(usable) + tail;
    if (piece.length > 0) {
      const bytes = Buffer.from(piece, 'base64');
      decodedBytes += bytes.length;
      if (bytes.length > 0) yield bytes;
    }
    if (closing) break;
    const next = await rest.next();
    chunk = next.done ? null : Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value));
  }
  if (chunk === null) throw fail('the reply ended inside ExportServiceResult.byteArray (truncated)');
  // The rest of the document: small (status, message...), bounded all the same.
  while (suffix.length <= ctx.limitBytes) {
    const next = await rest.next();
    if (next.done) break;
    suffix += Buffer.isBuffer(next.value) ? next.value.toString('latin1') : String(next.value);
  }
  if (suffix.length > ctx.limitBytes) throw fail('more than a bounded amount of JSON after byteArray');
  const whole = parseJsonBody(Buffer.from(`${ctx.prefix}"byteArray":""${suffix}`, 'latin1').toString('utf8'));
  if (whole === undefined)
    throw fail('the JSON around ExportServiceResult.byteArray is incomplete (truncated)');
  const result = findExportResult(camelCaseKeys(whole));
  if (result !== undefined && reportsFailure(result)) throw fail(describeUnusableResult(result));
  if (decodedBytes === 0) throw fail('ExportServiceResult.byteArray decodes to an empty file');
}
