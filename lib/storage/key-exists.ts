// Telling "no such object" from "no access" under a least-privilege role.
//
// S3 answers a GET of a missing key with 404 only to a caller allowed s3:ListBucket on the bucket; our
// roles get ListBucket limited by an `s3:prefix` condition, and whether S3 evaluates that condition
// for a GET's 404-or-403 decision is not documented. A listing by the exact key as prefix is always
// allowed by that condition and answers the question without guessing from a 403.
import { ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';

/** Whether `key` exists in `bucket`, by listing that exact key (one ListObjectsV2 call). */
export async function keyExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return (listed.Contents ?? []).some((object) => object.Key === key);
}

/**
 * A GET's "no such key": the SDK's class, or its name when the error crossed a module boundary that
 * lost the class (bundled copies, test doubles).
 */
export function isNoSuchKey(error: unknown): boolean {
  return error instanceof NoSuchKey || (error as { name?: string } | null)?.name === 'NoSuchKey';
}
