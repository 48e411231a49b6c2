// The poller's watermark, kept as one JSON object in S3.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { isNoSuchKey, keyExists } from '../../storage/key-exists';
import { formatIssues } from '../../validation/zod-issues';

/**
 * The watermark: the newest createTime already emitted and the ids emitted AT that time (several
 * companies can share a createTime; the next run must skip exactly those, and not the others).
 */
export const WatermarkSchema = z.object({
  version: z.literal(1),
  /** ISO 8601 UTC: companies created strictly after this are new. */
  watermark: z.iso.datetime(),
  /** Companies created exactly at `watermark` that were already emitted. */
  idsAtWatermark: z.array(z.string()),
  /**
   * Companies Keepnet lists without a createTime that were already announced (or existed at the first
   * run): they cannot be placed against the watermark, so each is announced once, by id. Newest last;
   * the oldest drop out past MAX_IDS_WITHOUT_TIME.
   */
  idsWithoutTime: z.array(z.string()).optional(),
  updatedAt: z.iso.datetime(),
});

/** How far the poller has read (newest company time and the ids seen at it), after schema checks. */
export type Watermark = z.infer<typeof WatermarkSchema>;

/** A watermark as read, with the ETag a conditional write must match. */
export interface StoredWatermark {
  state: Watermark;
  etag: string | undefined;
}

/** The S3 object that holds the watermark. */
export interface WatermarkLocation {
  bucket: string;
  key: string;
}

/** The stored watermark is not JSON or not valid: fix or delete it to restart from now. */
export class WatermarkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WatermarkError';
  }
}

/**
 * Reads the watermark, or undefined when none is stored yet. Throws `WatermarkError` for one that is not
 * valid JSON of the schema, and what S3 throws otherwise.
 */
export async function readWatermark(
  s3: S3Client,
  at: WatermarkLocation,
): Promise<StoredWatermark | undefined> {
  // Listed first: under the poller's prefix-limited ListBucket a GET of a missing key may be a 403.
  if (!(await keyExists(s3, at.bucket, at.key))) return undefined;
  let text: string;
  let etag: string | undefined;
  try {
    const reply = await s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
    text = await reply.Body!.transformToString('utf8');
    etag = reply.ETag;
  } catch (error) {
    if (isNoSuchKey(error)) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WatermarkError(`s3://${at.bucket}/${at.key} is not JSON; fix or delete it to restart from now`);
  }
  const parsed = WatermarkSchema.safeParse(json);
  if (!parsed.success) {
    throw new WatermarkError(
      `s3://${at.bucket}/${at.key} is invalid: ${formatIssues(parsed.error, 'watermark')}`,
    );
  }
  return { state: parsed.data, etag };
}

/**
 * Writes the watermark; `previousEtag` undefined means "must not exist yet". Returns the new ETag.
 * Conditional (If-Match on the ETag read, If-None-Match on the first write) so two pollers running at
 * once cannot silently overwrite each other on real S3 (it throws PreconditionFailed). s3rver, the
 * local S3, ignores these conditions: there the single runner comes from the schedule (one invocation
 * at a time; the stack sets reserved concurrency 1).
 */
export async function writeWatermark(
  s3: S3Client,
  at: WatermarkLocation,
  state: Watermark,
  previousEtag: string | undefined,
): Promise<string | undefined> {
  const reply = await s3.send(
    new PutObjectCommand({
      Bucket: at.bucket,
      Key: at.key,
      Body: JSON.stringify(state),
      ContentType: 'application/json',
      ...(previousEtag ? { IfMatch: previousEtag } : { IfNoneMatch: '*' }),
    }),
  );
  return reply.ETag;
}
