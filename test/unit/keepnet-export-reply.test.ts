import { PassThrough, Readable } from 'node:stream';
import { inspectExportBody, isHtmlContentType } from '../../lib/keepnet/export-reply';

const readAll = async (body: Readable) => Buffer.concat(await body.toArray()).toString('utf8');

describe('inspectExportBody', () => {
  it('leaves a CSV body intact, first chunk included', async () => {
    const body = Readable.from([Buffer.from('Name,Count\r\n'), Buffer.from('EU,3\r\n')], {
      objectMode: false,
    });
    await expect(inspectExportBody(body)).resolves.toEqual({ kind: 'file' });
    await expect(readAll(body)).resolves.toBe('Name,Count\r\nEU,3\r\n');
  });

  it('reads a small body that starts like JSON, across chunks and after a BOM', async () => {
    const body = Readable.from([Buffer.from('\uFEFF {"status":'), Buffer.from('"FAILED"}')], {
      objectMode: false,
    });
    await expect(inspectExportBody(body)).resolves.toEqual({
      kind: 'json',
      text: '\uFEFF {"status":"FAILED"}',
    });
  });

  it('hands back a large body starting with { untouched, as a file', async () => {
    const big = `{${'x'.repeat(100)}`;
    const body = Readable.from([Buffer.from(big.slice(0, 40)), Buffer.from(big.slice(40))], {
      objectMode: false,
    });
    await expect(inspectExportBody(body, 32)).resolves.toEqual({ kind: 'file' });
    await expect(readAll(body)).resolves.toBe(big);
  });

  it('treats an empty body as an (empty) file, and rejects with the stream error', async () => {
    await expect(inspectExportBody(Readable.from([], { objectMode: false }))).resolves.toEqual({
      kind: 'file',
    });
    const failing = new PassThrough();
    const inspected = inspectExportBody(failing);
    failing.destroy(new Error('socket hang up'));
    await expect(inspected).rejects.toThrow('socket hang up');
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
