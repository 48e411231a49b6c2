import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { ByteMeter } from '../../lib/exports/byte-meter';
import { ExportContentError } from '../../lib/exports/errors';
import { XlsxRowCounter } from '../../lib/exports/xlsx-row-counter';
import { writeExport } from '../../local/keepnet-simulator/export-writers';

const columns = [
  { header: 'Name', value: (n: number) => `Company ${n} <row> "quoted"` },
  { header: 'Users', value: (n: number) => n },
];

async function xlsx(rows: number): Promise<Buffer> {
  const file = writeExport(
    'Excel',
    columns,
    Array.from({ length: rows }, (_, i) => i + 1),
  );
  return Buffer.concat(await file.body.toArray());
}

/** The checker as the export runs it: fed by the ByteMeter, in chunks of `chunkSize`. */
async function check(data: Buffer, chunkSize = 4096): Promise<XlsxRowCounter> {
  const counter = new XlsxRowCounter();
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  await pipeline(
    Readable.from(chunks),
    new ByteMeter(null, counter),
    new Writable({ write: (_c, _e, cb) => cb() }),
  );
  return counter;
}

describe('XlsxRowCounter', () => {
  it('counts the data rows exceljs reads, whatever the chunk size', async () => {
    const file = await xlsx(2500);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.rowCount).toBe(2501);
    for (const size of [13, 4096, 65_536, file.length]) {
      expect((await check(file, size)).dataRows).toBe(2500);
    }
    expect((await check(await xlsx(0))).dataRows).toBe(0);
  });

  it('fails every prefix of the file (a body cut short but framed as complete)', async () => {
    const file = await xlsx(300);
    const cuts = new Set<number>([1, 30, 100, file.length - 1, file.length - 22, file.length - 23]);
    for (let cut = 500; cut < file.length; cut += 997) cuts.add(cut);
    for (const cut of cuts) {
      await expect(check(file.subarray(0, cut))).rejects.toThrow(ExportContentError);
    }
    await expect(check(file.subarray(0, file.length - 100))).rejects.toThrow(
      /no end-of-central-directory record/,
    );
  });

  it('fails a file whose worksheet bytes were altered, and one that is no ZIP at all', async () => {
    const file = Buffer.from(await xlsx(200));
    const corrupt = Buffer.from(file);
    const sheetAt = corrupt.indexOf('xl/worksheets/sheet1.xml');
    corrupt[sheetAt + 200] = (corrupt[sheetAt + 200] ?? 0) ^ 0xff; // inside its deflate data
    await expect(check(corrupt)).rejects.toThrow(/worksheet|unreadable|corrupt/);
    await expect(check(Buffer.from('Name,Users\r\nA,1\r\n'))).rejects.toThrow(/end-of-central-directory/);
  });
});
