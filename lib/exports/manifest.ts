// The run's manifest: one JSON object per run, written last, listing every object the run wrote (key,
// bytes, SHA-256, ETag, row count) and every job that failed. A consumer verifies a file by comparing
// its bytes and SHA-256 with the manifest; a re-run of the same scheduled time overwrites the manifest.
//
// A manifest never lies, even when two runs share a scheduled time (an on-demand `{ jobs }` run and the
// scheduled one in the same second):
// - before it is written, every object it lists is checked with HEAD: an object that is gone or was
//   overwritten since (another ETag or size) is dropped from it and reported as a failure;
// - a failed run never overwrites the manifest of a completed run with the same stamp: it writes its
//   own beside it (`manifest-<stamp>-failed-<ms>.json`) and brings the completed manifest's entries for
//   the objects it did overwrite up to date (they now hold its bytes), so that manifest stays true.
// Between the check and the write another run could still overwrite an object: on S3 the manifest's
// own replacement is conditional (If-Match / If-None-Match) and re-done on a conflict; s3rver ignores
// conditions, so locally the check is the guard.
import { GetObjectCommand, HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { mapConcurrently } from '../concurrency';
import { isNoSuchKey, keyExists } from '../storage/key-exists';
import { objectKey, utcTimestamp } from './keys';
import type { ExportContext, ExportResult } from './run-export-job';
import { putSmallObject } from './s3-upload';

/** Bumped when a consumer would read the manifest differently. */
export const MANIFEST_VERSION = 1;

/** What an object in the manifest is (its folder under the prefix). */
export type ManifestObjectKind =
  | 'export'
  | 'membership-snapshot'
  | 'membership-diff'
  | 'membership-first-seen'
  | 'report';

/** One object the run wrote, described as an export describes its file (the bucket is the manifest's). */
export interface ManifestObject extends Omit<ExportResult, 'bucket' | 'sourceRequest'> {
  kind: ManifestObjectKind;
  /** CSV exports: data rows; snapshot and first-seen index: groups (lines); diff CSV: change rows. */
  rows?: number;
  /** Exports only: the Keepnet request the file came from. */
  sourceRequest?: string;
}

/** A job that wrote nothing, and why (name and message only: no stack, no cause). */
export interface ManifestFailure {
  job: string;
  error: { name: string; message: string };
}

/** The manifest's JSON: what one run wrote and what failed. */
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
    /** Members that left by someone else's hand (not in this system's write journal); absent without one. */
    outsideRemovals?: number;
  } | null;
}

/** `<prefix>manifest/date=…/manifest-<stamp>.json` for the run's scheduled time. */
export function manifestKey(ctx: Pick<ExportContext, 'prefix' | 'scheduledTime'>): string {
  return objectKey(ctx.prefix, 'manifest', ctx.scheduledTime, 'json');
}

/** Attempts at replacing the manifest when S3 reports a concurrent change (412). */
const MAX_WRITE_ATTEMPTS = 3;

/**
 * Checks the listed objects, then writes the manifest by the rules above. Returns the key written and
 * the manifest as written (objects that failed the check moved to `failures`).
 */
export async function writeManifest(
  ctx: ExportContext,
  manifest: Manifest,
): Promise<{ key: string; manifest: Manifest }> {
  const checked = await checkListedObjects(ctx, manifest);
  const key = manifestKey(ctx);
  for (let attempt = 1; ; attempt++) {
    const existing = await readManifest(ctx, key);
    try {
      if (checked.status === 'failed' && existing?.manifest.status === 'complete') {
        const ownKey = objectKey(
          ctx.prefix,
          'manifest',
          ctx.scheduledTime,
          'json',
          `${utcTimestamp(ctx.scheduledTime)}-failed-${Date.now()}`,
        );
        await putManifest(ctx, ownKey, checked, { ifNoneMatch: true });
        await putManifest(ctx, key, withRewrittenObjects(existing.manifest, checked.objects), {
          ifMatch: existing.etag,
        });
        return { key: ownKey, manifest: checked };
      }
      await putManifest(ctx, key, checked, existing ? { ifMatch: existing.etag } : { ifNoneMatch: true });
      return { key, manifest: checked };
    } catch (error) {
      if (attempt >= MAX_WRITE_ATTEMPTS || !isPreconditionFailure(error)) throw error;
    }
  }
}

/** HEAD requests in flight at once while the listed objects are checked. */
const HEAD_LANES = 8;

/** HEADs every listed object: gone, or not the bytes this run wrote (ETag, size), is a failure. */
async function checkListedObjects(ctx: ExportContext, manifest: Manifest): Promise<Manifest> {
  const objects: ManifestObject[] = [];
  const failures = [...manifest.failures];
  // One HEAD per object (one per group with all-group-members): a few at a time, results in list order.
  const problems = await mapConcurrently(manifest.objects, HEAD_LANES, (object) =>
    objectProblem(ctx, object),
  );
  manifest.objects.forEach((object, i) => {
    const problem = problems[i]!;
    if (problem === null) objects.push(object);
    else failures.push({ job: object.job, error: { name: 'ExportObjectReplacedError', message: problem } });
  });
  return { ...manifest, objects, failures, status: failures.length === 0 ? 'complete' : 'failed' };
}

async function objectProblem(ctx: ExportContext, object: ManifestObject): Promise<string | null> {
  try {
    const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: object.key }));
    if (head.ContentLength !== object.bytes || (object.etag !== undefined && head.ETag !== object.etag)) {
      return `s3://${ctx.bucket}/${object.key} was overwritten after this run wrote it (another run with the same scheduled time?); not listed`;
    }
    return null;
  } catch (error) {
    if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') {
      return `s3://${ctx.bucket}/${object.key} no longer exists; not listed`;
    }
    throw error;
  }
}

/** The completed manifest, with the entries of objects this run overwrote (since checked) taken over. */
function withRewrittenObjects(complete: Manifest, rewritten: ManifestObject[]): Manifest {
  const byKey = new Map(rewritten.map((object) => [object.key, object]));
  return {
    ...complete,
    generatedAt: new Date().toISOString(),
    objects: complete.objects.map((object) => byKey.get(object.key) ?? object),
  };
}

async function readManifest(
  ctx: ExportContext,
  key: string,
): Promise<{ manifest: Manifest; etag: string | undefined } | null> {
  // Listed first, as every reader of a key that may not exist yet does (lib/storage/key-exists.ts): the
  // role's ListBucket is limited by prefix, so S3 may answer the GET of a missing key with 403, not 404.
  if (!(await keyExists(ctx.s3, ctx.bucket, key))) return null;
  try {
    const reply = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
    const text = await reply.Body!.transformToString('utf8');
    const manifest = JSON.parse(text) as Manifest;
    return { manifest, etag: reply.ETag };
  } catch (error) {
    if (isNoSuchKey(error)) return null;
    if (error instanceof SyntaxError) return null; // unreadable: replaced like any earlier manifest
    throw error;
  }
}

async function putManifest(
  ctx: ExportContext,
  key: string,
  manifest: Manifest,
  condition: { ifMatch?: string | undefined; ifNoneMatch?: boolean },
): Promise<void> {
  await putSmallObject({
    s3: ctx.s3,
    bucket: ctx.bucket,
    key,
    body: `${JSON.stringify(manifest, null, 2)}\n`,
    contentType: 'application/json',
    metadata: { job: 'manifest', 'scheduled-time': ctx.scheduledTime.toISOString() },
    kmsKeyId: ctx.kmsKeyId,
    ...(condition.ifMatch !== undefined ? { ifMatch: condition.ifMatch } : {}),
    ...(condition.ifNoneMatch ? { ifNoneMatch: '*' } : {}),
  });
}

function isPreconditionFailure(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412;
}
