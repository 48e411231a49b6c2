// Export files written as streams: CSV (UTF-8, header row, RFC 4180 quoting and CRLF, by
// csv-stringify) and .xlsx (exceljs' streaming WorkbookWriter, rows committed as they are written).
// Rows are pulled lazily from an iterable, so memory stays flat however large the export is.
import { type EventEmitter, once } from 'node:events';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

/** The two `exportType` values of the vendor's examples (bodies.ts accepts them in any case). */
export type ExportFormat = 'CSV' | 'Excel';

/** One column of an export file: its header and how to read the cell off a row (null: an empty cell). */
export interface ExportColumn<Row> {
  header: string;
  value: (row: Row) => string | number | null;
}

/**
 * A streamed export file, ready for a `file` reply: the body, its Content-Type and the file name's extension.
 */
export interface ExportFile {
  body: Readable;
  contentType: string;
  extension: string;
}

/** The Content-Type each export format is served with. */
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  Excel: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Output chunk size: csv-stringify emits one tiny chunk per record, one socket write each. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Counts bytes on their way out (a byte-budgeted synthetic export knows when to stop) and
 * coalesces small chunks into ~64 KiB ones.
 */
class CountingCoalescer extends Transform {
  written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    this.written += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= CHUNK_BYTES) this.release();
    callback();
  }

  override _flush(callback: (error?: Error | null) => void) {
    this.release();
    callback();
  }

  private release() {
    if (this.pendingBytes === 0) return;
    this.push(this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Uncompressed worksheet XML allowed to wait for the zip before row writing pauses. */
const ZIP_BACKLOG_LIMIT = 1024 * 1024;

interface BufferedWritable extends EventEmitter {
  _writableState: { length: number };
}

/**
 * exceljs 4.4.0 (pinned) writes worksheet XML into archiver without honouring backpressure: the
 * rows pile up in the PassThrough archiver wraps around the sheet's entry stream until the zip
 * consumes them, so a large export would sit in memory. This finds that PassThrough (internal
 * shapes, checked at runtime; undefined if they ever change) so the writer can wait for it.
 */
function zipEntryInput(sheet: ExcelJS.Worksheet): BufferedWritable | undefined {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream;
  const pipe = stream?.pipes?.[0] as Partial<BufferedWritable> | undefined;
  return typeof pipe?._writableState?.length === 'number' && typeof pipe.once === 'function'
    ? (pipe as BufferedWritable)
    : undefined;
}

/**
 * Streams `rows` as a CSV or xlsx file. With `stopAfterBytes`, stops pulling rows once about that
 * many bytes have been written (overshoot: a few stream buffers).
 */
export function writeExport<Row>(
  format: ExportFormat,
  columns: ExportColumn<Row>[],
  rows: Iterable<Row>,
  options: { stopAfterBytes?: number; sheetName?: string } = {},
): ExportFile {
  const counter = new CountingCoalescer();
  const budget = options.stopAfterBytes;
  function* records(): Generator<(string | number | null)[]> {
    for (const row of rows) {
      if (budget !== undefined && counter.written >= budget) return;
      yield columns.map((column) => column.value(row));
    }
  }

  if (format === 'CSV') {
    const csv = stringify({
      header: true,
      columns: columns.map((c) => c.header),
      record_delimiter: 'windows',
    });
    pipeline(Readable.from(records()), csv, counter).catch((error: unknown) =>
      counter.destroy(error as Error),
    );
    return { body: counter, contentType: CONTENT_TYPES.CSV, extension: 'csv' };
  }

  const zipOut = new PassThrough();
  zipOut.pipe(counter);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: zipOut,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(options.sheetName ?? 'Export');
  const writeWorkbook = async () => {
    sheet.addRow(columns.map((c) => c.header)).commit();
    let sinceCheck = 0;
    for (const record of records()) {
      sheet.addRow(record).commit();
      if (++sinceCheck < 200) continue;
      sinceCheck = 0;
      // Respect the reader's pace: wait while the zip's input or the output is backed up.
      const entry = zipEntryInput(sheet);
      if (entry && entry._writableState.length > ZIP_BACKLOG_LIMIT) await once(entry, 'drain');
      if (counter.writableNeedDrain) await once(counter, 'drain');
      await new Promise((resolve) => setImmediate(resolve));
    }
    sheet.commit();
    await workbook.commit();
  };
  writeWorkbook().catch((error: unknown) => counter.destroy(error as Error));
  return { body: counter, contentType: CONTENT_TYPES.Excel, extension: 'xlsx' };
}

/** `attachment; filename=…` with an RFC 5987 twin for non-ASCII names. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * A large synthetic CSV at memory speed: `block` is rendered once (by csv-stringify, so quoting
 * is real), then its records repeat until `rows` records or about `bytes` bytes are written.
 * Keeps the simulator from being the bottleneck of an export benchmark.
 */
export function writeRepeatedCsv<Row>(
  columns: ExportColumn<Row>[],
  block: Row[],
  limit: { rows?: number; bytes?: number },
): ExportFile {
  const { header, records } = renderRepeatedCsv(columns, block);
  function* chunks(): Generator<Buffer> {
    yield header;
    for (const { from, to, size } of repeatedCsvChunks(header.length, records, limit)) {
      const parts: Buffer[] = [];
      for (let row = from; row < to; row++) parts.push(records[row % records.length]!);
      yield Buffer.concat(parts, size);
    }
  }
  return {
    body: Readable.from(chunks(), { objectMode: false }),
    contentType: CONTENT_TYPES.CSV,
    extension: 'csv',
  };
}

/** How many data rows writeRepeatedCsv writes for this block and limit (what a search should count). */
export function repeatedCsvRowCount<Row>(
  columns: ExportColumn<Row>[],
  block: Row[],
  limit: { rows?: number; bytes?: number },
): number {
  const { header, records } = renderRepeatedCsv(columns, block);
  let rows = 0;
  for (const chunk of repeatedCsvChunks(header.length, records, limit)) rows = chunk.to;
  return rows;
}

function renderRepeatedCsv<Row>(columns: ExportColumn<Row>[], block: Row[]) {
  const options = { record_delimiter: 'windows' as const };
  const header = Buffer.from(stringifySync([columns.map((c) => c.header)], options));
  const records = block.map((row) => Buffer.from(stringifySync([columns.map((c) => c.value(row))], options)));
  return { header, records };
}

/** The rows [from, to) of each ~64 KiB chunk, and its size: one plan for writing and for counting. */
function* repeatedCsvChunks(
  headerBytes: number,
  records: Buffer[],
  limit: { rows?: number; bytes?: number },
): Generator<{ from: number; to: number; size: number }> {
  let written = headerBytes;
  let rows = 0;
  const maxRows = limit.bytes === undefined ? (limit.rows ?? records.length) : Number.POSITIVE_INFINITY;
  while (records.length > 0 && rows < maxRows && (limit.bytes === undefined || written < limit.bytes)) {
    const from = rows;
    let size = 0;
    while (size < CHUNK_BYTES && rows < maxRows) {
      size += records[rows % records.length]!.length;
      rows += 1;
    }
    written += size;
    yield { from, to: rows, size };
  }
}
