import { PassThrough, Readable } from 'node:stream';
import { inspectExportBody, isHtmlContentType } from '../../lib/keepnet/export-reply';
import { readExportJsonReply } from '../../lib/keepnet/export-result';

const readAll = async (body: Readable) => Buffer.concat(await body.toArray()).toString('utf8');
const bytes = (...parts: string[]) =>
  Readable.from(
    parts.map((p) => Buffer.from(p)),
    { objectMode: false },
  );
const source = { method: 'POST', path: '/api/company-groups/search/export', httpStatus: 200 };
const noFailure = async () => undefined;

describe('inspectExportBody', () => {
  it('leaves a CSV body intact, first chunk included', async () => {
    const body = bytes('Name,Count\r\n', 'EU,3\r\n');
    await expect(inspectExportBody(body)).resolves.toBe('file');
    await expect(readAll(body)).resolves.toBe('Name,Count\r\nEU,3\r\n');
  });

  it('tells a body that starts like JSON (after a BOM and blanks) and leaves it intact', async () => {
    const body = bytes('\uFEFF {"status":', '"FAILED"}');
    await expect(inspectExportBody(body)).resolves.toBe('json');
    await expect(readAll(body)).resolves.toBe('\uFEFF {"status":"FAILED"}');
  });

  it('tells an empty body, and rejects with the stream error', async () => {
    await expect(inspectExportBody(bytes())).resolves.toBe('empty');
    const failing = new PassThrough();
    const inspected = inspectExportBody(failing);
    failing.destroy(new Error('socket hang up'));
    await expect(inspected).rejects.toThrow('socket hang up');
  });
});

describe('readExportJsonReply (ExportServiceResult)', () => {
  const file = 'Name,Company Count\r\nEU Customers,3\r\n';
  const b64 = Buffer.from(file).toString('base64');

  it('decodes a small byteArray, bare or inside an envelope, with its fileName', async () => {
    const bare = JSON.stringify({ status: 'Success', fileName: 'g.csv', filePath: null, byteArray: b64 });
    const read = await readExportJsonReply(bytes(bare), source, noFailure);
    expect(read.fileName).toBe('g.csv');
    expect(read.contentType).toBe('text/csv; charset=utf-8'); // the file's type, not the reply's JSON
    await expect(readAll(read.body)).resolves.toBe(file);
    const wrapped = JSON.stringify({ Data: { ByteArray: b64 }, Status: 'SUCCESS' });
    await expect(readAll((await readExportJsonReply(bytes(wrapped), source, noFailure)).body)).resolves.toBe(
      file,
    );
  });

  it('stream-decodes a large byteArray split anywhere, with .NET escapes (\\u002B, \\/)', async () => {
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 256;
    const encoded = big.toString('base64').replace(/\+/g, '\\u002B').replace(/\//g, '\\/');
    const json = `{"status":"Success","message":null,"fileName":"x.xlsx","byteArray":"${encoded}"}`;
    const parts: string[] = [];
    for (let i = 0; i < json.length; i += 4093) parts.push(json.slice(i, i + 4093));
    const read = await readExportJsonReply(bytes(...parts), source, noFailure, 1024);
    expect(read.fileName).toBe('x.xlsx');
    expect(Buffer.concat(await read.body.toArray()).equals(big)).toBe(true);
  });

  it('fails a large byteArray reply that ends inside the value (truncated)', async () => {
    const json = `{"status":"Success","byteArray":"${'QUJD'.repeat(2000)}`;
    const read = await readExportJsonReply(bytes(json), source, noFailure, 1024);
    await expect(read.body.toArray()).rejects.toThrow(/ended inside ExportServiceResult.byteArray/);
  });

  it('names the filePath-only shape, an empty result, an empty body and other JSON', async () => {
    const only = JSON.stringify({ status: 'Success', filePath: '/exports/g.csv', fileName: 'g.csv' });
    await expect(readExportJsonReply(bytes(only), source, noFailure)).rejects.toThrow(
      /ExportServiceResult carries only a filePath \("\/exports\/g.csv"\)/,
    );
    await expect(readExportJsonReply(bytes('{"byteArray":null}'), source, noFailure)).rejects.toThrow(
      /neither byteArray nor filePath/,
    );
    await expect(readExportJsonReply(bytes(''), source, noFailure)).rejects.toThrow(/empty body/);
    await expect(readExportJsonReply(bytes('{"data":[1,2]}'), source, noFailure)).rejects.toThrow(
      /got another JSON reply/,
    );
    await expect(
      readExportJsonReply(bytes('{"status":"Failed","message":"quota","byteArray":null}'), source, noFailure),
    ).rejects.toThrow(/the export failed \(ExportServiceResult status "Failed": quota\)/);
  });

  it('lets the envelope check throw its typed error for a failure envelope', async () => {
    const check = async () => {
      throw new Error('INPUT_ERROR: bad filter');
    };
    await expect(
      readExportJsonReply(bytes('{"data":null,"status":"INPUT_ERROR"}'), source, check),
    ).rejects.toThrow('INPUT_ERROR: bad filter');
  });
});

describe('isHtmlContentType', () => {
  it.each([
    ['text/html; charset=utf-8', true],
    ['application/xhtml+xml', true],
    ['text/csv', false],
    ['application/octet-stream', false],
  ])('%s → %p', (type, expected) => {
    expect(isHtmlContentType(type)).toBe(expected);
  });
});
