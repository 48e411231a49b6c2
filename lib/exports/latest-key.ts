// The newest object of one kind: keys of a kind sort chronologically (keys.ts), so the newest is the
// greatest key, found by listing the kind's folder. Used for the previous snapshot and index of a run,
// and for "the latest report" (CLI, HTTP API).
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';

/** The greatest key under `prefix` ending in `suffix` (and strictly before `before`, if given), or null. */
export async function latestKeyUnder(
  s3: S3Client,
  bucket: string,
  prefix: string,
  suffix: string,
  before?: string,
): Promise<string | null> {
  let latest: string | null = null;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      const key = object.Key;
      if (key === undefined || !key.endsWith(suffix)) continue;
      if (before !== undefined && key >= before) continue;
      if (latest === null || key > latest) latest = key;
    }
  }
  return latest;
}
