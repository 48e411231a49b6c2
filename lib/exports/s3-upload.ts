// Writing to S3: one streamed body into one object (multipart), or a small object in one PutObject.

import type { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { sha256 } from '../hash';
import { ExportDeadlineError } from './errors';

/**
 * 5 MiB parts (S3's minimum), 2 in flight: live buffers are (queueSize + 1) parts, and V8 frees a part
 * only at a major GC, which external (Buffer) memory triggers after ~64 MB of growth; so peak RSS growth
 * is roughly live parts plus that garbage. Measured worst of 5 runs at 50 MB (bench/export.ts, V8 flags of
 * a 1024 MB Lambda): 57-65 MB with 2 in flight, 84-96 MB with 4, for no throughput difference beyond the
 * machine's noise. Up to 52 GB per object (10 000 parts).
 */
export const DEFAULT_PART_SIZE = 5 * 1024 * 1024;
/** Parts in flight at once (see DEFAULT_PART_SIZE for the measurements). */
export const DEFAULT_QUEUE_SIZE = 2;
/**
 * The checksum the SDK computes for every part (or PutObject) and S3 verifies on arrival: transport
 * integrity, per request. CRC32 because the SDK computes it with node:zlib's native crc32 (~0.3 ms/MB);
 * SHA-256 here hashed every byte a second time (the manifest's whole-object SHA-256 is ByteMeter's),
 * ~0.75 ms/MB more for a per-part value nobody reads. CRC32 is also the SDK's own default.
 */
export const S3_CHECKSUM_ALGORITHM = 'CRC32' as const;
/** After a stop, how long S3 may take to settle before the upload is cut off. */
const HARD_STOP_GRACE_MS = 5_000;

/** Where an object goes and the attributes it is stored with, whichever way its bytes are sent. */
export interface S3ObjectTarget {
  s3: S3Client;
  bucket: string;
  key: string;
  contentType: string;
  contentDisposition?: string;
  /** User metadata (x-amz-meta-*): ASCII values only; callers encode. */
  metadata?: Record<string, string>;
  /** SSE-KMS with this key when set; SSE-S3 (AES256) otherwise. */
  kmsKeyId?: string | undefined;
}

/**
 * One body and where it goes; `partSize` and `queueSize` default to DEFAULT_PART_SIZE and DEFAULT_QUEUE_SIZE.
 */
export interface StreamToS3Input extends S3ObjectTarget {
  body: Readable;
  partSize?: number | undefined;
  queueSize?: number | undefined;
  /** Absolute epoch-ms time after which the upload is stopped and aborted. */
  deadline?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Names the object in errors. */
  label: string;
}

/** What S3 said of the written object. */
export interface StreamToS3Result {
  etag: string | undefined;
  /** S3's own checksum of the object (CRC32, base64; composite `…-N` for multipart) when S3 returns one. */
  s3Checksum: string | undefined;
  versionId: string | undefined;
}

/**
 * Streams one body into one S3 object with lib-storage's multipart Upload: at most `queueSize` parts of
 * `partSize` bytes are in memory, whatever the object's size. All or nothing: S3 only shows an object
 * once PutObject / CompleteMultipartUpload succeeds, and on any failure lib-storage sends
 * AbortMultipartUpload, so no partial object and no unfinished upload is left behind.
 *
 * Stopping (deadline or caller's signal) destroys the body with the reason: the upload's reader fails,
 * lib-storage aborts the multipart upload itself and only then rejects. If S3 itself hangs past a grace
 * period, the upload's AbortController is fired and the multipart upload aborted here, best effort.
 */
export async function streamToS3(input: StreamToS3Input): Promise<StreamToS3Result> {
  const { body, deadline, signal, label } = input;
  if (deadline !== undefined && Date.now() >= deadline) {
    const reason = new ExportDeadlineError(label, 'not started');
    body.destroy(reason);
    throw reason;
  }
  if (signal?.aborted) {
    body.destroy();
    signal.throwIfAborted();
  }

  const controller = new AbortController();
  const upload = new Upload({
    client: input.s3,
    partSize: input.partSize ?? DEFAULT_PART_SIZE,
    queueSize: input.queueSize ?? DEFAULT_QUEUE_SIZE,
    leavePartsOnError: false,
    abortController: controller,
    params: { ...objectParams(input), Body: body },
  });

  // The body's own failure (API error, truncation, reset) is the cause to report, even when the
  // clean-up that follows fails too (s3rver, for one, answers AbortMultipartUpload with 405).
  let bodyError: Error | undefined;
  const onBodyError = (error: Error): void => {
    bodyError ??= error;
  };
  body.on('error', onBodyError);
  let stopReason: Error | undefined;
  let hardStop: NodeJS.Timeout | undefined;
  const stop = (reason: Error): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    body.destroy(reason);
    hardStop = setTimeout(() => controller.abort(reason), HARD_STOP_GRACE_MS);
  };
  const deadlineTimer =
    deadline === undefined
      ? undefined
      : setTimeout(() => stop(new ExportDeadlineError(label)), Math.max(0, deadline - Date.now()));
  const onAbort = (): void =>
    stop(signal?.reason instanceof Error ? signal.reason : new Error(`${label}: aborted`));
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const output = await upload.done();
    return { etag: output.ETag, s3Checksum: output.ChecksumCRC32, versionId: output.VersionId };
  } catch (error) {
    if (controller.signal.aborted && upload.uploadId !== undefined) {
      // Cut off before lib-storage could clean up: abort here so no unfinished upload lingers.
      await input.s3
        .send(
          new AbortMultipartUploadCommand({
            Bucket: input.bucket,
            Key: input.key,
            UploadId: upload.uploadId,
          }),
        )
        .catch(() => undefined);
    }
    body.destroy();
    throw stopReason ?? bodyError ?? error;
  } finally {
    clearTimeout(deadlineTimer);
    clearTimeout(hardStop);
    signal?.removeEventListener('abort', onAbort);
    // onBodyError stays attached: a late 'error' on the destroyed body must not become uncaught.
  }
}

/** A small object written in one PutObject (manifests, diffs), optionally conditional. */
export interface PutSmallObjectInput extends S3ObjectTarget {
  body: string;
  signal?: AbortSignal | undefined;
  /** Conditional write: only over this ETag (S3 answers 412 otherwise). */
  ifMatch?: string;
  /** `*`: only when no object exists at the key yet. */
  ifNoneMatch?: '*';
}

/** A single PutObject for what is small and already in memory (diffs, the manifest). Atomic by nature. */
export async function putSmallObject(
  input: PutSmallObjectInput,
): Promise<{ bytes: number; sha256: string; s3Checksum: string | undefined; etag: string | undefined }> {
  const body = Buffer.from(input.body, 'utf8');
  const output = await input.s3.send(
    new PutObjectCommand({
      ...objectParams(input),
      Body: body,
      ...(input.ifMatch === undefined ? {} : { IfMatch: input.ifMatch }),
      ...(input.ifNoneMatch === undefined ? {} : { IfNoneMatch: input.ifNoneMatch }),
    }),
    input.signal === undefined ? {} : { abortSignal: input.signal },
  );
  return {
    bytes: body.length,
    sha256: sha256(input.body),
    s3Checksum: output.ChecksumCRC32,
    etag: output.ETag,
  };
}

/** The PutObject / CreateMultipartUpload parameters both ways of writing share, all but the body. */
function objectParams(target: S3ObjectTarget) {
  return {
    Bucket: target.bucket,
    Key: target.key,
    ContentType: target.contentType,
    ContentDisposition: target.contentDisposition,
    Metadata: target.metadata,
    ChecksumAlgorithm: S3_CHECKSUM_ALGORITHM,
    ...encryptionParams(target.kmsKeyId),
  };
}

/** SSE-KMS (with an S3 Bucket Key, to keep KMS calls per object low) when a key is set, else SSE-S3. */
function encryptionParams(kmsKeyId: string | undefined) {
  return kmsKeyId === undefined
    ? { ServerSideEncryption: 'AES256' as const }
    : { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: kmsKeyId, BucketKeyEnabled: true };
}
