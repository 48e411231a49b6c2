// Exports that cannot lie, end to end (real client → simulator over HTTP, real S3 client → s3rver):
// bodies cut short but framed as complete (a matching Content-Length, a chunked body ending cleanly),
// for CSV and xlsx; export replies in the other shapes the vendor uses (ExportServiceResult with a
// byteArray, with only a filePath, an empty body); and rows that really move during an export.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { type ExportContext, runExportJob } from '../../lib/exports';
import { ExportContentError } from '../../lib/exports/errors';
import { KeepnetServerError } from '../../lib/keepnet/errors';
import type { ReplyQuirks } from '../../local/keepnet-simulator/types';
import { type ExportWorld, startExportWorld } from '../support/export-world';

let world: ExportWorld;

beforeAll(async () => {
  // Enough groups that a cut at half the body falls between many whole records.
  world = await startExportWorld({ simulator: { seed: { extraGroups: 120 } } });
});

afterAll(async () => {
  await world?.close();
});

afterEach(() => {
  world.stack.keepnet.configure({ quirks: {}, syntheticExport: null });
  world.stack.keepnet.clearFaults();
});

let runs = 0;
/** A fresh prefix per run, so "nothing was written" is a listing of that prefix. */
const context = (): ExportContext => world.context(`content-${++runs}/`, new Date('2026-11-28T02:00:00Z'));
const csvJob = { what: 'groups', format: 'CSV', name: 'groups' } as const;
const xlsxJob = { what: 'groups', format: 'Excel', name: 'groups-xlsx' } as const;

/** Runs the job with these quirks; expects it to fail with `error` and to leave no object at all. */
async function expectNothingWritten(
  job: typeof csvJob | typeof xlsxJob,
  quirks: ReplyQuirks,
  error: RegExp | (new (...args: never[]) => Error),
): Promise<void> {
  world.stack.keepnet.configure({ quirks });
  const ctx = context();
  await expect(runExportJob(job, ctx)).rejects.toThrow(error);
  expect(await world.keysUnder(ctx.prefix)).toEqual([]);
}

describe('an export body cut short but framed as complete', () => {
  const groups = () => world.stack.keepnet.state.groups().length;

  it.each(['content-length', 'chunked'] as const)(
    'CSV cut inside a record (%s): an error, no object',
    async (framing) => {
      await expectNothingWritten(csvJob, { shortExport: { framing, keep: 0.5 } }, ExportContentError);
    },
  );

  it.each(['content-length', 'chunked'] as const)(
    'CSV cut after a whole record (%s), "stops at line N": expected vs got, no object',
    async (framing) => {
      world.stack.keepnet.configure({ quirks: { shortExport: { framing, keep: 0.5, at: 'record' } } });
      const ctx = context();
      const error = await runExportJob(csvJob, ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExportContentError);
      const match = /expected (\d+) records, got (\d+)/.exec((error as Error).message);
      expect(Number(match?.[1])).toBe(groups());
      expect(Number(match?.[2])).toBeGreaterThan(0);
      expect(Number(match?.[2])).toBeLessThan(groups());
      expect(await world.keysUnder(ctx.prefix)).toEqual([]);
    },
  );

  it.each(['content-length', 'chunked'] as const)(
    'xlsx cut short (%s): an error, no object',
    async (framing) => {
      for (const keep of [0.5, 0.99]) {
        await expectNothingWritten(
          xlsxJob,
          { shortExport: { framing, keep } },
          /xlsx file incomplete: no end-of-central-directory record/,
        );
      }
    },
  );

  it('a whole xlsx passes, with its worksheet rows counted', async () => {
    const result = await runExportJob(xlsxJob, context());
    expect(result.rows).toBe(groups());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await world.getBytes(result.key)) as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.rowCount).toBe(groups() + 1);
  });
});

describe('rows that really move during the export', () => {
  it('accepts a count between the search before and the one after (a group added meanwhile)', async () => {
    const before = world.stack.keepnet.state.groups().length;
    // Hold the export request, and create a group while it waits: the file has one row more than
    // the count taken before it, as many as the count taken after.
    world.stack.keepnet.injectFaults({
      kind: 'delay',
      route: 'POST /api/company-groups/search/export',
      delayMs: 300,
    });
    const running = runExportJob(csvJob, context());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const added = world.stack.keepnet.state.addGroup(`Added during export ${runs}`);
    try {
      const result = await running;
      expect(result.rows).toBe(before + 1);
    } finally {
      world.stack.keepnet.state.deleteGroup(added.resourceId);
    }
  });
});

describe('export replies in other shapes', () => {
  it('ExportServiceResult with byteArray: the decoded file is stored, byte for byte (CSV and xlsx)', async () => {
    const plain = await runExportJob(csvJob, context());
    world.stack.keepnet.configure({ quirks: { exportReply: 'byte-array' } });
    const decoded = await runExportJob(csvJob, context());
    expect(decoded.checksum).toBe(plain.checksum);
    expect(decoded.rows).toBe(plain.rows);
    expect(decoded.key.endsWith('.csv')).toBe(true);
    const bytes = await world.getBytes(decoded.key);
    expect(bytes.subarray(0, 1).toString()).not.toBe('{'); // never JSON under a .csv key
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(plain.checksum);

    const xlsx = await runExportJob(xlsxJob, context());
    expect(xlsx.rows).toBe(world.stack.keepnet.state.groups().length);
    expect((await world.getBytes(xlsx.key)).subarray(0, 2).toString()).toBe('PK');
  });

  it('a large byteArray is stream-decoded (bytes and rows as the plain file)', async () => {
    world.stack.keepnet.configure({ syntheticExport: { bytes: 3 * 1024 * 1024 } });
    const plain = await runExportJob(csvJob, context());
    world.stack.keepnet.configure({ quirks: { exportReply: 'byte-array' } });
    const decoded = await runExportJob(csvJob, context());
    expect(decoded.bytes).toBe(plain.bytes);
    expect(decoded.checksum).toBe(plain.checksum);
    expect(decoded.rows).toBe(plain.rows);
    const firstLines = parse((await world.getBytes(decoded.key)).subarray(0, 4096), { to_line: 3 });
    expect(firstLines[0]).toEqual(['Name', 'Company Count', 'Create Time', 'Resource Id']);
  });

  it('a byteArray reply cut short (framed as complete) is an error', async () => {
    await expectNothingWritten(
      csvJob,
      { exportReply: 'byte-array', shortExport: { framing: 'chunked', keep: 0.7 } },
      /JSON that does not parse \(incomplete: cut short\?\)/,
    );
  });

  it('ExportServiceResult with only a filePath: an error naming the shape', async () => {
    await expectNothingWritten(
      csvJob,
      { exportReply: 'file-path' },
      /ExportServiceResult carries only a filePath \("\/var\/exports\/company-groups-\d+\.csv"\)/,
    );
  });

  it('an empty 200: an error, never a 0-byte file', async () => {
    await expectNothingWritten(xlsxJob, { exportReply: 'empty' }, KeepnetServerError);
    await expectNothingWritten(
      csvJob,
      { exportReply: 'empty' },
      /expected an export file, got an empty body/,
    );
  });
});
