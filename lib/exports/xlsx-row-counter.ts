// Checks an .xlsx (a ZIP) as it streams past and counts its worksheet rows, holding neither the file
// nor the sheet: a body that is cut short but framed as complete (a matching Content-Length, a chunked
// body that ends cleanly) is an error here, where exceljs would later say "can't find end of central
// directory".
//
// How, in one pass:
// - every local file header (`PK\x03\x04`) is noted by offset; a worksheet's (`xl/worksheets/*.xml`)
//   compressed bytes go to a raw inflater, whose output is counted (`<row …>` elements) and CRC-32'd,
//   and never kept. The inflater itself finds where the deflate data ends.
// - the last 256 KiB are kept: at the end, the end-of-central-directory record must be there and point
//   at a central directory that ends exactly where the EOCD starts; every entry it lists must have been
//   seen as a local header, and each worksheet's CRC-32 and size must match what was inflated.
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { ExportContentError } from './errors';

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CENTRAL_HEADER = 0x02014b50;
const EOCD = 0x06054b50;
const EOCD_SIZE = 22;
const LOCAL_HEADER_SIZE = 30;
/** The EOCD may be followed by a comment of up to 65 535 bytes; the central directory precedes it. */
const TAIL_BYTES = 256 * 1024;
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;
const DEFLATE = 8;

interface SheetState {
  name: string;
  inflater: InflateRaw;
  ended: boolean;
  rows: number;
  size: number;
  crc: number;
  /** Last bytes of the previous inflated chunk: a `<row` may straddle two chunks. */
  tail: Buffer;
  failure: Error | null;
  done: Promise<void>;
}

/** The xlsx checker: a ChunkObserver for ByteMeter; `end()` rejects unless the file is whole. */
export class XlsxRowCounter {
  private offset = 0;
  /** Bytes of the previous chunk a header may have started in (a cut signature or header). */
  private carry: Buffer = Buffer.alloc(0);
  private readonly localHeaders = new Set<number>();
  private readonly sheets = new Map<number, SheetState>();
  private active: SheetState | null = null;
  private tailChunks: Buffer[] = [];
  private tailSize = 0;
  private rowsCounted = 0;
  /** Absolute offset before which bytes are not yet the active sheet's data (a header cut by a chunk). */
  private skipUntil = 0;

  update(chunk: Uint8Array): Promise<void> | undefined {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const chunkStart = this.offset;
    this.offset += buffer.length;
    this.keepTail(buffer);
    let pending: Promise<void> | undefined;
    if (this.active !== null && !this.active.ended) pending = this.feed(this.active, buffer);
    this.scan(buffer, chunkStart);
    return pending;
  }

  /** Worksheet rows minus one header row per worksheet; valid after end() resolved. */
  get dataRows(): number {
    return this.rowsCounted;
  }

  async end(): Promise<void> {
    for (const sheet of this.sheets.values()) {
      if (!sheet.ended) sheet.inflater.end();
      await sheet.done;
    }
    const tail = Buffer.concat(this.tailChunks);
    const tailStart = this.offset - tail.length;
    const eocdAt = findEocd(tail);
    if (eocdAt === -1) {
      throw new ExportContentError(
        `xlsx file incomplete: no end-of-central-directory record in its last bytes (${this.offset} bytes received; the body was cut short)`,
      );
    }
    const entries = tail.readUInt16LE(eocdAt + 10);
    const directorySize = tail.readUInt32LE(eocdAt + 12);
    const directoryOffset = tail.readUInt32LE(eocdAt + 16);
    const eocdOffset = tailStart + eocdAt;
    if (directoryOffset + directorySize !== eocdOffset || directoryOffset < tailStart) {
      throw new ExportContentError(
        `xlsx file inconsistent: its central directory (offset ${directoryOffset}, ${directorySize} bytes) does not end at the end-of-central-directory record (offset ${eocdOffset})`,
      );
    }
    let at = directoryOffset - tailStart;
    let dataRows = 0;
    let worksheets = 0;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > eocdAt || tail.readUInt32LE(at) !== CENTRAL_HEADER) {
        throw new ExportContentError(
          `xlsx file inconsistent: central directory entry ${i + 1} of ${entries} unreadable`,
        );
      }
      const crc = tail.readUInt32LE(at + 16);
      const uncompressed = tail.readUInt32LE(at + 24);
      const nameLength = tail.readUInt16LE(at + 28);
      const extraLength = tail.readUInt16LE(at + 30);
      const commentLength = tail.readUInt16LE(at + 32);
      const localOffset = tail.readUInt32LE(at + 42);
      const name = tail.toString('utf8', at + 46, at + 46 + nameLength);
      at += 46 + nameLength + extraLength + commentLength;
      if (!this.localHeaders.has(localOffset)) {
        throw new ExportContentError(
          `xlsx file inconsistent: entry "${name}" listed but its data was never received`,
        );
      }
      if (!WORKSHEET.test(name)) continue;
      const sheet = this.sheets.get(localOffset);
      if (sheet === undefined) continue; // a worksheet not deflated: refused when its header was read
      if (sheet.failure !== null) throw sheet.failure;
      if (sheet.crc !== crc || sheet.size !== uncompressed) {
        throw new ExportContentError(
          `xlsx worksheet "${name}" corrupt: inflated ${sheet.size} bytes with CRC-32 ${hex(sheet.crc)}, the directory says ${uncompressed} bytes, ${hex(crc)}`,
        );
      }
      worksheets++;
      dataRows += Math.max(0, sheet.rows - 1);
    }
    if (worksheets === 0) throw new ExportContentError('xlsx file has no worksheet');
    this.rowsCounted = dataRows;
  }

  private keepTail(buffer: Buffer): void {
    this.tailChunks.push(buffer);
    this.tailSize += buffer.length;
    while (this.tailChunks.length > 1 && this.tailSize - (this.tailChunks[0]?.length ?? 0) >= TAIL_BYTES) {
      this.tailSize -= this.tailChunks.shift()?.length ?? 0;
    }
  }

  /** Finds local file headers in `carry + buffer`; keeps what a cut header needs for next time. */
  private scan(buffer: Buffer, chunkStart: number): void {
    const data = this.carry.length === 0 ? buffer : Buffer.concat([this.carry, buffer]);
    const dataStart = chunkStart - this.carry.length;
    this.carry = Buffer.alloc(0);
    let from = 0;
    for (;;) {
      const at = data.indexOf(LOCAL_HEADER, from);
      if (at === -1) {
        this.carry = Buffer.from(data.subarray(Math.max(from, data.length - 3)));
        return;
      }
      if (at + LOCAL_HEADER_SIZE > data.length) {
        this.carry = Buffer.from(data.subarray(at));
        return;
      }
      const nameLength = data.readUInt16LE(at + 26);
      const extraLength = data.readUInt16LE(at + 28);
      const dataAt = at + LOCAL_HEADER_SIZE + nameLength + extraLength;
      if (at + LOCAL_HEADER_SIZE + nameLength > data.length) {
        if (nameLength <= 1024) {
          this.carry = Buffer.from(data.subarray(at));
          return;
        }
        from = at + 1;
        continue;
      }
      const name = data.toString('latin1', at + LOCAL_HEADER_SIZE, at + LOCAL_HEADER_SIZE + nameLength);
      const offset = dataStart + at;
      this.localHeaders.add(offset);
      if (WORKSHEET.test(name) && !this.sheets.has(offset)) {
        const method = data.readUInt16LE(at + 8);
        const sheet = this.startSheet(name, method);
        this.sheets.set(offset, sheet);
        this.active = sheet;
        // The sheet's data starts in this chunk (or a later one: feed skips what precedes it).
        const startInChunk = dataStart + dataAt - chunkStart;
        if (startInChunk < buffer.length) void this.feed(sheet, buffer.subarray(Math.max(0, startInChunk)));
        else this.skipUntil = dataStart + dataAt;
      }
      from = at + 4;
    }
  }

  private feed(sheet: SheetState, bytes: Buffer): Promise<void> | undefined {
    let input = bytes;
    if (this.skipUntil > 0) {
      const chunkStart = this.offset - bytes.length;
      if (chunkStart < this.skipUntil) input = bytes.subarray(this.skipUntil - chunkStart);
      this.skipUntil = 0;
    }
    if (sheet.ended || input.length === 0) return undefined;
    if (sheet.inflater.write(input)) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        sheet.inflater.off('drain', done);
        sheet.inflater.off('end', done);
        sheet.inflater.off('close', done);
        resolve();
      };
      sheet.inflater.on('drain', done);
      sheet.inflater.on('end', done);
      sheet.inflater.on('close', done);
    });
  }

  private startSheet(name: string, method: number): SheetState {
    const inflater = createInflateRaw();
    const sheet: SheetState = {
      name,
      inflater,
      ended: false,
      rows: 0,
      size: 0,
      crc: 0,
      tail: Buffer.alloc(0),
      failure: null,
      done: Promise.resolve(),
    };
    sheet.done = new Promise<void>((resolve) => {
      inflater.on('data', (out: Buffer) => {
        sheet.size += out.length;
        sheet.crc = crc32(out, sheet.crc);
        const joined = sheet.tail.length === 0 ? out : Buffer.concat([sheet.tail, out]);
        sheet.rows += countRows(joined);
        sheet.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 4)));
      });
      inflater.once('end', () => {
        sheet.ended = true;
        resolve();
      });
      inflater.once('error', (error: Error) => {
        sheet.ended = true;
        sheet.failure = new ExportContentError(`xlsx worksheet "${name}" unreadable: ${error.message}`);
        resolve();
      });
    });
    if (method !== DEFLATE) {
      sheet.ended = true;
      sheet.failure = new ExportContentError(
        `xlsx worksheet "${name}" stored with compression method ${method}; only deflate is read`,
      );
      inflater.destroy();
    }
    return sheet;
  }
}

/**
 * `<row ` or `<row>` (or `<x:row …`) elements in `bytes`. A match spans 5 bytes; the caller re-scans
 * the last 4 bytes of a chunk with the next one, so a match cut by a chunk boundary is counted once (a
 * match needs 5 bytes, so none fits wholly in the 4 kept ones to be counted twice).
 */
function countRows(bytes: Buffer): number {
  let rows = 0;
  let at = bytes.indexOf('row', 0, 'latin1');
  while (at !== -1) {
    const before = bytes[at - 1];
    const after = bytes[at + 3];
    if ((before === 0x3c || before === 0x3a) && (after === 0x20 || after === 0x3e)) rows++;
    at = bytes.indexOf('row', at + 3, 'latin1');
  }
  return rows;
}

function findEocd(tail: Buffer): number {
  for (let at = tail.length - EOCD_SIZE; at >= 0 && at >= tail.length - EOCD_SIZE - 65_535; at--) {
    if (tail.readUInt32LE(at) === EOCD && at + EOCD_SIZE + tail.readUInt16LE(at + 20) === tail.length)
      return at;
  }
  return -1;
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
