// The one body reader of the local stand-ins: whole bodies come back byte for byte, and a body past the
// cap is refused as soon as it passes it, without buffering the rest (a hostile client cannot fill memory).
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { PayloadTooLargeError, readRequestBody } from '../../local/http-body';

const request = (chunks: Array<Buffer | string>) => Readable.from(chunks) as unknown as IncomingMessage;

it('returns the whole body, bytes and strings alike, in order', async () => {
  const body = await readRequestBody(request([Buffer.from([0xe2, 0x82]), Buffer.from([0xac]), 'ok']), 16);
  expect(body.toString('utf8')).toBe('€ok');
});

it('accepts a body of exactly the cap and refuses one byte more, naming the cap', async () => {
  await expect(readRequestBody(request(['a'.repeat(8)]), 8)).resolves.toHaveLength(8);
  await expect(readRequestBody(request(['a'.repeat(8), 'b']), 8)).rejects.toThrow(
    new PayloadTooLargeError(8),
  );
});

it('stops reading at the chunk that passes the cap', async () => {
  let pulled = 0;
  const endless = Readable.from(
    (function* () {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024);
      }
    })(),
  ) as unknown as IncomingMessage;
  await expect(readRequestBody(endless, 4096)).rejects.toBeInstanceOf(PayloadTooLargeError);
  expect(pulled).toBeLessThan(10);
});
