import type { S3Client } from '@aws-sdk/client-s3';
import type { ExportContext } from '../../lib/exports';
import { type Manifest, type ManifestObject, writeManifest } from '../../lib/exports/manifest';

/** An S3 stand-in: objects by key (ETag, size, body), recording the PutObject calls. */
function fakeS3(objects: Record<string, { etag: string; size: number; body?: string }>) {
  const puts: Array<{ key: string; body: string; ifMatch?: string; ifNoneMatch?: string }> = [];
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const key = command.input.Key as string;
    const object = objects[key];
    switch (command.constructor.name) {
      case 'ListObjectsV2Command': {
        const prefix = command.input.Prefix as string;
        return {
          Contents: Object.keys(objects)
            .filter((k) => k.startsWith(prefix))
            .map((Key) => ({ Key })),
        };
      }
      case 'HeadObjectCommand':
        if (!object) throw Object.assign(new Error('NotFound'), { name: 'NotFound' });
        return { ETag: object.etag, ContentLength: object.size };
      case 'GetObjectCommand':
        if (!object?.body) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
        return { ETag: object.etag, Body: { transformToString: async () => object.body } };
      case 'PutObjectCommand': {
        const body = String(command.input.Body);
        puts.push({
          key,
          body,
          ...(command.input.IfMatch ? { ifMatch: command.input.IfMatch as string } : {}),
          ...(command.input.IfNoneMatch ? { ifNoneMatch: command.input.IfNoneMatch as string } : {}),
        });
        objects[key] = { etag: `"put-${puts.length}"`, size: body.length, body };
        return { ETag: objects[key].etag };
      }
      default:
        throw new Error(`unexpected ${command.constructor.name}`);
    }
  };
  return { s3: { send } as unknown as S3Client, puts };
}

const scheduledTime = new Date('2026-11-27T02:00:00Z');
const MANIFEST_KEY = 'x/manifest/date=2026-11-27/manifest-20261127T020000Z.json';
const entry = (key: string, etag: string, bytes = 10): ManifestObject => ({
  kind: 'export',
  job: key,
  key,
  bytes,
  contentType: 'text/csv',
  checksum: 'c'.repeat(64),
  checksumAlgorithm: 'SHA-256',
  etag,
});
const manifest = (objects: ManifestObject[], failed = false): Manifest => ({
  manifestVersion: 1,
  scheduledTime: scheduledTime.toISOString(),
  generatedAt: new Date().toISOString(),
  bucket: 'b',
  status: failed ? 'failed' : 'complete',
  objects,
  failures: failed ? [{ job: 'j', error: { name: 'Error', message: 'boom' } }] : [],
  membershipDiff: null,
});
const ctx = (s3: S3Client): ExportContext =>
  ({ s3, bucket: 'b', prefix: 'x/', scheduledTime }) as unknown as ExportContext;

describe('writeManifest', () => {
  it('lists only objects that still hold what this run wrote (ETag and size)', async () => {
    const { s3, puts } = fakeS3({
      'x/a.csv': { etag: '"a"', size: 10 },
      'x/b.csv': { etag: '"other"', size: 10 },
    });
    const written = await writeManifest(
      ctx(s3),
      manifest([entry('x/a.csv', '"a"'), entry('x/b.csv', '"b"'), entry('x/gone.csv', '"g"')]),
    );
    expect(written.key).toBe(MANIFEST_KEY);
    expect(written.manifest.status).toBe('failed');
    expect(written.manifest.objects.map((o) => o.key)).toEqual(['x/a.csv']);
    expect(written.manifest.failures.map((f) => f.error.message)).toEqual([
      expect.stringMatching(/x\/b\.csv was overwritten after this run wrote it/),
      expect.stringMatching(/x\/gone\.csv no longer exists/),
    ]);
    expect(puts).toEqual([expect.objectContaining({ key: MANIFEST_KEY, ifNoneMatch: '*' })]);
  });

  it('a failed run writes beside a completed manifest and keeps it true', async () => {
    const complete = manifest([entry('x/a.csv', '"a1"'), entry('x/b.csv', '"b1"')]);
    const { s3, puts } = fakeS3({
      [MANIFEST_KEY]: { etag: '"m1"', size: 1, body: JSON.stringify(complete) },
      'x/a.csv': { etag: '"a2"', size: 12 }, // rewritten by the failing run
      'x/b.csv': { etag: '"b1"', size: 10 },
    });
    const written = await writeManifest(ctx(s3), manifest([entry('x/a.csv', '"a2"', 12)], true));
    expect(written.key).toMatch(/^x\/manifest\/date=2026-11-27\/manifest-20261127T020000Z-failed-\d+\.json$/);
    expect(puts.map((p) => p.key)).toEqual([written.key, MANIFEST_KEY]);
    expect(puts[1]?.ifMatch).toBe('"m1"');
    const kept = JSON.parse(puts[1]!.body) as Manifest;
    expect(kept.status).toBe('complete');
    expect(kept.objects.map((o) => [o.key, o.etag, o.bytes])).toEqual([
      ['x/a.csv', '"a2"', 12],
      ['x/b.csv', '"b1"', 10],
    ]);
  });
});
