// One object a nightly run writes itself (snapshot, first-seen index, report): streamed into S3 under
// the run's settings (encryption, part size, deadline, signal) with its file name and metadata, then
// described for the manifest from what the ByteMeter measured on the way.
import type { Readable } from 'node:stream';
import type { ByteMeter } from './byte-meter';
import { type FileExtension, fileName } from './keys';
import type { ManifestObject, ManifestObjectKind } from './manifest';
import type { ExportContext } from './run-export-job';
import { streamToS3 } from './s3-upload';

/** One object a run writes itself, and how (see {@link uploadRunObject}). */
export interface RunObject {
  kind: ManifestObjectKind;
  /** The manifest's `job`, the file name's stem and the `job` metadata. */
  job: string;
  key: string;
  ext: FileExtension;
  contentType: string;
  /** Names the object in errors. */
  label: string;
  /** Groups (lines) for the JSON Lines objects. */
  rows?: number | (() => number);
}

/** Uploads `body` (which has passed through `meter`) all or nothing; returns its manifest entry. */
export async function uploadRunObject(
  ctx: ExportContext,
  object: RunObject,
  body: Readable,
  meter: ByteMeter,
): Promise<ManifestObject> {
  const uploaded = await streamToS3({
    s3: ctx.s3,
    bucket: ctx.bucket,
    key: object.key,
    body,
    contentType: object.contentType,
    contentDisposition: `attachment; filename="${fileName(object.job, ctx.scheduledTime, object.ext)}"`,
    metadata: { job: object.job, 'scheduled-time': ctx.scheduledTime.toISOString() },
    kmsKeyId: ctx.kmsKeyId,
    partSize: ctx.partSize,
    queueSize: ctx.queueSize,
    deadline: ctx.deadline,
    signal: ctx.signal,
    label: `${object.label} → s3://${ctx.bucket}/${object.key}`,
  });
  const rows = typeof object.rows === 'function' ? object.rows() : object.rows;
  return {
    kind: object.kind,
    job: object.job,
    key: object.key,
    bytes: meter.bytes,
    contentType: object.contentType,
    checksum: meter.sha256,
    checksumAlgorithm: 'SHA-256',
    ...(rows === undefined ? {} : { rows }),
    ...(uploaded.s3Checksum === undefined ? {} : { s3Checksum: uploaded.s3Checksum }),
    ...(uploaded.etag === undefined ? {} : { etag: uploaded.etag }),
  };
}
