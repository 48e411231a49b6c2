// The run's manifest: one JSON object per run, written last, listing every object the run wrote (key,
// bytes, SHA-256, CSV row count) and every job that failed. A consumer verifies a file by comparing its
// bytes and SHA-256 with the manifest; a re-run of the same scheduled time overwrites the manifest too.
import { objectKey } from './keys';
import type { ExportContext } from './run-export-job';
import { putSmallObject } from './s3-upload';

export const MANIFEST_VERSION = 1;

export type ManifestObjectKind = 'export' | 'membership-snapshot' | 'membership-diff';

export interface ManifestObject {
  kind: ManifestObjectKind;
  job: string;
  key: string;
  bytes: number;
  contentType: string;
  /** Lower-case hex SHA-256 of the object's bytes. */
  checksum: string;
  checksumAlgorithm: 'SHA-256';
  /** S3's own CRC32 (base64; `…-N` composite for multipart), when S3 returns one. */
  s3Checksum?: string;
  /** CSV exports: data rows; snapshot: groups (lines); diff CSV: change rows. */
  rows?: number;
  sourceRequest?: string;
}

export interface ManifestFailure {
  job: string;
  error: { name: string; message: string };
}

export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  scheduledTime: string;
  generatedAt: string;
  bucket: string;
  status: 'complete' | 'failed';
  objects: ManifestObject[];
  failures: ManifestFailure[];
  membershipDiff: {
    previousSnapshotKey: string | null;
    groupsCreated: number;
    groupsDeleted: number;
    groupsRenamed: number;
    joined: number;
    left: number;
  } | null;
}

export function manifestKey(ctx: Pick<ExportContext, 'prefix' | 'scheduledTime'>): string {
  return objectKey(ctx.prefix, 'manifest', ctx.scheduledTime, 'json');
}

export async function writeManifest(ctx: ExportContext, manifest: Manifest): Promise<string> {
  const key = manifestKey(ctx);
  await putSmallObject({
    s3: ctx.s3,
    bucket: ctx.bucket,
    key,
    body: `${JSON.stringify(manifest, null, 2)}\n`,
    contentType: 'application/json',
    metadata: { job: 'manifest', 'scheduled-time': ctx.scheduledTime.toISOString() },
    kmsKeyId: ctx.kmsKeyId,
  });
  return key;
}
