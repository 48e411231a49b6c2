// Compressed replies are decoded by our own stream stage (node:zlib), not undici's experimental
// interceptor: codings in order, the encoded length dropped, corrupt data an error, anything else as sent.
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { decodeContentEncoding } from '../../lib/keepnet/content-encoding';

/** A reply as undici's `request` gives it (body: a Readable with text() and dump()). */
function reply(statusCode: number, headers: Record<string, string>, bytes: Buffer): Dispatcher.ResponseData {
  const body = Object.assign(Readable.from([bytes]), {
    text: async () => bytes.toString('utf8'),
    dump: async () => undefined,
  });
  return { statusCode, headers, body } as unknown as Dispatcher.ResponseData;
}

const TEXT = '{"data":[{"name":"EU Customers"}]}';

describe('decodeContentEncoding', () => {
  it.each([
    ['gzip', gzipSync(TEXT)],
    ['x-gzip', gzipSync(TEXT)],
    ['deflate', deflateSync(TEXT)],
    ['br', brotliCompressSync(TEXT)],
    ['gzip, br', brotliCompressSync(gzipSync(TEXT))],
    ['GZIP', gzipSync(TEXT)],
  ])('decodes %s and drops the encoded Content-Length', async (coding, bytes) => {
    const decoded = decodeContentEncoding(
      reply(200, { 'content-encoding': coding, 'content-length': String(bytes.length), 'x-id': '1' }, bytes),
    );
    expect(decoded.headers).toEqual({ 'x-id': '1' });
    expect(await decoded.body.text()).toBe(TEXT);
  });

  it('streams: a large body is decoded chunk by chunk, never held whole', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'a');
    const decoded = decodeContentEncoding(reply(200, { 'content-encoding': 'gzip' }, gzipSync(big)));
    let total = 0;
    let largest = 0;
    for await (const chunk of decoded.body) {
      total += (chunk as Buffer).length;
      largest = Math.max(largest, (chunk as Buffer).length);
    }
    expect(total).toBe(big.length);
    expect(largest).toBeLessThanOrEqual(64 * 1024);
  });

  it('hands a corrupt stream to the reader as an error', async () => {
    const decoded = decodeContentEncoding(
      reply(200, { 'content-encoding': 'gzip' }, Buffer.from('not gzip')),
    );
    await expect(decoded.body.text()).rejects.toThrow(/header|check/i);
  });

  it('returns identity, unknown codings, 204 and too many codings as sent', () => {
    for (const [status, coding] of [
      [200, 'identity'],
      [200, 'compress-of-the-future'],
      [204, 'gzip'],
      [200, 'gzip,gzip,gzip,gzip,gzip,gzip'],
    ] as const) {
      const raw = reply(status, { 'content-encoding': coding }, Buffer.from(TEXT));
      expect(decodeContentEncoding(raw)).toBe(raw);
    }
    const plain = reply(200, {}, Buffer.from(TEXT));
    expect(decodeContentEncoding(plain)).toBe(plain);
  });
});
