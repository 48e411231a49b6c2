import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { ByteMeter } from '../../lib/exports/byte-meter';
import { CsvRecordCounter } from '../../lib/exports/csv-record-counter';
import { ExportContentError, ExportTruncatedError } from '../../lib/exports/errors';

/** Splits `data` at the given cut points, so record ends, CRLFs and quotes straddle chunks. */
function chunked(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of [...points, data.length]) {
    if (p > start) chunks.push(data.subarray(start, p));
    start = Math.max(start, p);
  }
  return chunks;
}

/** The counter as the export runs it: fed by the ByteMeter, one stream stage. */
async function count(chunks: Buffer[]): Promise<CsvRecordCounter> {
  const counter = new CsvRecordCounter();
  await pipeline(
    Readable.from(chunks),
    new ByteMeter(null, counter),
    new Writable({ write: (_c, _e, cb) => cb() }),
  );
  return counter;
}

describe('CsvRecordCounter', () => {
  // Fields with the characters that matter to RFC 4180: quotes, separators, CR, LF, and non-ASCII.
  const field = fc.string({ unit: fc.constantFrom('a', 'Z', ',', '"', '\n', '\r', ' ', 'é', '😀') });
  const rows = fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 0, maxLength: 30 });

  it('counts the records that csv-parse reads, however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        fc.constantFrom('unix', 'windows'),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 20 }),
        async (data, delimiter, trailingNewline, quoted, cuts) => {
          // Three columns, so no record is ever a blank line (",," at least), quoted or not. Quoting only
          // where needed, csv-stringify leaves a line break other than its delimiter bare (not RFC 4180),
          // so those runs have none; separators and quotes still force quoting there.
          const rows = quoted ? data : data.map((row) => row.map((f) => f.replace(/[\r\n]/g, ' ')));
          let csv = stringify(rows, {
            header: true,
            columns: ['a', 'b', 'c'],
            quoted,
            record_delimiter: delimiter,
          });
          if (!trailingNewline) csv = csv.replace(/\r?\n$/, '');
          const counting = count(chunked(Buffer.from(csv, 'utf8'), cuts));
          if (!trailingNewline && data.length > 0) {
            // Records ended with line breaks until the last: it was cut short.
            await expect(counting).rejects.toThrow(/has no line break at the end of the body/);
            return;
          }
          const counter = await counting;
          const parsed: unknown[] = parse(csv, { columns: true });
          expect(counter.dataRows).toBe(parsed.length);
          expect(counter.records).toBe(data.length + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles a CRLF split across chunks, blank lines and a lone CR', async () => {
    expect((await count([Buffer.from('h\r'), Buffer.from('\n1\r\n')])).records).toBe(2);
    expect((await count([Buffer.from('h\n\n1\n\n')])).records).toBe(2);
    expect((await count([Buffer.from('h\r1\r2\r')])).records).toBe(3);
    expect((await count([Buffer.from('only,a,header')])).records).toBe(1);
    expect((await count([Buffer.from('h\n"multi\nline ""quoted"""\n')])).dataRows).toBe(1);
    expect((await count([])).dataRows).toBe(0);
  });

  it('fails a body that ends inside a quoted field or a record, wherever it was cut', async () => {
    const csv = Buffer.from('Name,Note\r\n"EU","two\r\nlines"\r\nUS,plain\r\n');
    for (let cut = 1; cut < csv.length; cut++) {
      const prefix = csv.subarray(0, cut);
      const text = prefix.toString();
      const insideQuotes = cut > 16 && cut <= 27; // from the opening quote of "two… to its closing quote
      const headerOnly = !/[\r\n]/.test(text); // a lone header without a line break is a whole file
      const endsAtRecord = !insideQuotes && /\r\n?$/.test(text);
      const counting = count([prefix]);
      if (headerOnly || endsAtRecord) {
        await expect(counting).resolves.toBeInstanceOf(CsvRecordCounter); // whole records: the count decides
      } else {
        await expect(counting).rejects.toThrow(ExportContentError);
      }
    }
  });
});

describe('ByteMeter', () => {
  it('passes bytes through unchanged and measures them', async () => {
    const data = Buffer.from('id,name\r\n1,"a, b"\r\n');
    const meter = new ByteMeter(data.length);
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(chunked(data, [3, 7])),
      meter,
      new Writable({
        write: (c: Buffer, _e, cb) => {
          out.push(c);
          cb();
        },
      }),
    );
    expect(Buffer.concat(out)).toEqual(data);
    expect(meter.bytes).toBe(data.length);
    expect(meter.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('fails, before the stream ends, when fewer bytes arrive than announced', async () => {
    const meter = new ByteMeter(100);
    const source = new PassThrough();
    source.end(Buffer.alloc(60));
    let ended = false;
    meter.on('end', () => {
      ended = true;
    });
    await expect(pipeline(source, meter, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toThrow(
      ExportTruncatedError,
    );
    expect(ended).toBe(false);
    expect(() => meter.sha256).toThrow(/before the stream ended/);
  });

  it('fails as soon as more bytes arrive than announced, without passing the excess on', async () => {
    const meter = new ByteMeter(100);
    const passed: Buffer[] = [];
    const sink = new Writable({
      write: (c: Buffer, _e, cb) => {
        passed.push(c);
        cb();
      },
    });
    const error = await pipeline(
      Readable.from([Buffer.alloc(80), Buffer.alloc(40), Buffer.alloc(10)]),
      meter,
      sink,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportTruncatedError);
    expect((error as Error).message).toMatch(/too long: received at least 120 bytes, 100 announced/);
    expect(Buffer.concat(passed).length).toBe(80);
  });
});
