import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { skipPayloadSigningOfParts } from '../../lib/exports/s3-client';

/** The headers PutObject would go out with, captured after the build step; nothing is sent. */
async function headersFor(endpoint: string): Promise<Record<string, string>> {
  const s3 = new S3Client({ endpoint, forcePathStyle: true });
  skipPayloadSigningOfParts(s3);
  let captured: Record<string, string> = {};
  s3.middlewareStack.add(
    () => async (args) => {
      captured = { ...(args.request as { headers: Record<string, string> }).headers };
      throw new Error('captured');
    },
    { step: 'finalizeRequest', priority: 'high', name: 'capture' },
  );
  await expect(
    s3.send(
      new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Buffer.from('x'), ChecksumAlgorithm: 'CRC32' }),
    ),
  ).rejects.toThrow('captured');
  s3.destroy();
  return captured;
}

describe('skipPayloadSigningOfParts', () => {
  it('leaves part payloads unsigned over TLS and to loopback, where TLS or the host covers them', async () => {
    for (const endpoint of [
      'https://s3.eu-west-1.amazonaws.com',
      'http://127.0.0.1:4569',
      'http://localhost:9000',
    ]) {
      const headers = await headersFor(endpoint);
      expect(headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
      expect(headers['x-amz-checksum-crc32']).toBeDefined(); // S3 still verifies the bytes
    }
  });

  it('keeps the payload signed over plain http to any other host', async () => {
    const headers = await headersFor('http://s3.internal.example:9000');
    // The payload's own SHA-256 (of "x"), as SigV4 signs it.
    expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update('x').digest('hex'));
  });
});
