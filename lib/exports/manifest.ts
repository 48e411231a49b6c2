// The run's manifest: one JSON object per run, written last, listing every object the run wrote (key,
// bytes, SHA-256, CSV row count) and every job that failed. A consumer verifies a file by comparing its
// bytes and SHA-256 with the manifest; a re-run of the same scheduled time overwrites the manifest too.
import { objectKey } from './keys';
import type { ExportContext, ExportResult } from './run-export-job';
import { putSmallObject } from './s3-upload';

export const MANIFEST_VERSION = 1;

export type ManifestObjectKind = 'export' | 'membership-snapshot' | 'membership-diff';

/** One object the run wrote, described as an export describes its file (the bucket is the manifest's). */
export interface ManifestObject extends Omit<ExportResult, 'bucket' | 'sourceRequest'> {
  kind: ManifestObjectKind;
  /** CSV exports: data rows; snapshot: groups (lines); diff CSV: change rows. */
  rows?: number;
  /** Exports only: the Keepnet request the file came from. */
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
