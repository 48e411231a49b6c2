// One export job → one S3 object: ask Keepnet for the file, stream it through a byte meter (SHA-256,
// length check, and the content check: CSV records whole and counted, or the xlsx's ZIP structure and
// worksheet rows, in one stage) straight into a multipart upload. Before the stream may end, the count
// is compared with the same search's totalNumberOfRecords (record-count.ts). Nothing is buffered whole;
// any failure (API error, truncated or incomplete body, reset, deadline) aborts the upload and is
// rethrown. Keepnet's bytes are stored as they came (byte for byte; a byteArray reply decoded).

import { pipeline, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { sha256 } from '../hash';
import { KeepnetError } from '../keepnet/errors';
import type { CallOptions, KeepnetApi } from '../keepnet/types';
import {
  ExportConfigurationError,
  ExportContentError,
  ExportDeadlineError,
  ExportInterruptedError,
  ExportTruncatedError,
} from './errors';
import { type ExportTarget, targetOf } from './export-target';
import { type ExportFormat, type ExportJob, jobName } from './job';
import { CONTENT_TYPES, type FileExtension, fileName, objectKey, onDemandStamp, utcTimestamp } from './keys';
import type { JournaledWrite } from './membership-diff';
import { streamToS3 } from './s3-upload';
import { openVerifiedExport } from './verified-export';

const EXTENSIONS: Record<ExportFormat, FileExtension> = { CSV: 'csv', Excel: 'xlsx' };

/** What every object of one run shares: clients, bucket and prefix, scheduled time, deadline, settings. */
export interface ExportContext {
  client: KeepnetApi;
  s3: S3Client;
  bucket: string;
  /** Normalised key prefix ('' or ending in '/'); see keys.ts normalisePrefix. */
  prefix: string;
  /** Names the files; a re-run with the same time overwrites them rather than adding new ones. */
  scheduledTime: Date;
  /** Absolute epoch ms: the Keepnet call and the upload stop (and abort) at this time. */
  deadline?: number | undefined;
  signal?: AbortSignal | undefined;
  /** SSE-KMS key id/ARN; SSE-S3 when unset. */
  kmsKeyId?: string | undefined;
  partSize?: number | undefined;
  queueSize?: number | undefined;
  /**
   * runExportJob only (on demand): appended to the file's timestamp so concurrent requests never share
   * a key, e.g. the API request id. 1-64 of `[A-Za-z0-9-]`.
   */
  requestId?: string | undefined;
  /**
   * The write journal of this system (lib/operations), read for the membership diff: which changes
   * this system made. Without it the diff does not say who made a change.
   */
  journal?: ((from: Date, to: Date) => Promise<JournaledWrite[]>) | undefined;
}

/** One file written, as the manifest lists it. */
export interface ExportResult {
  /** The job's name (for all-group-members, one per group: `<name>-<groupId>`). */
  job: string;
  bucket: string;
  key: string;
  bytes: number;
  contentType: string;
  /** Lower-case hex SHA-256 of the object's bytes, computed while streaming. */
  checksum: string;
  checksumAlgorithm: 'SHA-256';
  /** S3's own CRC32 (base64) when it returned one (real S3 does; s3rver does not). */
  s3Checksum?: string;
  /** The object's ETag as S3 returned it: tells this write's object from a later overwrite. */
  etag?: string;
  /** Data rows: CSV records after the header; xlsx worksheet rows after each sheet's header row. */
  rows?: number;
  /** The Keepnet request the file came from, e.g. `POST /api/company-groups/search/export`. */
  sourceRequest: string;
}

/**
 * Runs a job that yields one file (`groups` or `group-members`) on demand; the HTTP API's "export now"
 * uses it. Its key carries a millisecond timestamp (and `ctx.requestId` when set), not the scheduled
 * run's second-precision one: `scheduledTime` is then "now", and two requests must not overwrite each
 * other. `all-group-members` yields one file per group: the scheduled run expands it.
 */
export async function runExportJob(job: ExportJob, ctx: ExportContext): Promise<ExportResult> {
  if (job.what === 'all-group-members') {
    throw new ExportConfigurationError(
      `export job "${jobName(job)}": what: "all-group-members" writes one file per group; run it through runScheduledExport, or export one group with "group-members"`,
    );
  }
  let stamp: string;
  try {
    stamp = onDemandStamp(ctx.scheduledTime, ctx.requestId);
  } catch (error) {
    throw new ExportConfigurationError(`export job "${jobName(job)}": ${(error as Error).message}`);
  }
  return exportTarget(targetOf(job), ctx, stamp);
}

/** `stamp` names the file; the scheduled time's second-precision UTC timestamp unless given. */
export async function exportTarget(
  target: ExportTarget,
  ctx: ExportContext,
  stamp: string = utcTimestamp(ctx.scheduledTime),
): Promise<ExportResult> {
  const ext = EXTENSIONS[target.format];
  const key = objectKey(ctx.prefix, target.name, ctx.scheduledTime, ext, stamp);
  const sourceRequest =
    target.groupId === null
      ? 'POST /api/company-groups/search/export'
      : `POST /api/company-groups/${target.groupId}/companies/search/export`;
  const label = `export ${target.name} → s3://${ctx.bucket}/${key}`;
  const { download, meter, rows } = await openVerifiedExport(ctx.client, target, callOptionsOf(ctx), label);
  // pipeline() destroys both sides when one fails, so an error anywhere surfaces in the upload's reader.
  // Its callback has nothing to do: the upload reports the failure (see s3-upload.ts).
  const body: Readable = pipeline(download.body, meter, () => undefined);

  const contentType = CONTENT_TYPES[target.format];
  const uploaded = await streamToS3({
    s3: ctx.s3,
    bucket: ctx.bucket,
    key,
    body,
    contentType,
    contentDisposition: `attachment; filename="${fileName(target.name, ctx.scheduledTime, ext, stamp)}"`,
    metadata: {
      job: target.name,
      'export-type': target.format,
      'source-request': sourceRequest,
      'source-search': asciiMetadata(JSON.stringify(target.search)),
      'scheduled-time': ctx.scheduledTime.toISOString(),
    },
    kmsKeyId: ctx.kmsKeyId,
    partSize: ctx.partSize,
    queueSize: ctx.queueSize,
    deadline: ctx.deadline,
    signal: ctx.signal,
    label,
  }).catch((error: unknown) => {
    throw explainFailure(error, {
      source: download.body,
      signal: ctx.signal,
      label,
      receivedBytes: meter.bytes,
    });
  });

  const result: ExportResult = {
    job: target.name,
    bucket: ctx.bucket,
    key,
    bytes: meter.bytes,
    contentType,
    checksum: meter.sha256,
    checksumAlgorithm: 'SHA-256',
    sourceRequest,
  };
  if (uploaded.s3Checksum !== undefined) result.s3Checksum = uploaded.s3Checksum;
  if (uploaded.etag !== undefined) result.etag = uploaded.etag;
  result.rows = rows();
  return result;
}

/** The context's deadline and signal, as the Keepnet client takes them. */
export function callOptionsOf(ctx: Pick<ExportContext, 'deadline' | 'signal'>): CallOptions {
  const opts: CallOptions = {};
  if (ctx.deadline !== undefined) opts.deadline = ctx.deadline;
  if (ctx.signal !== undefined) opts.signal = ctx.signal;
  return opts;
}

/**
 * A raw error of the download stream itself (undici's "other side closed") gets the context: which
 * export, after how many bytes. Keepnet's errors, ours, S3's and the caller's abort reason already say
 * what happened.
 */
function explainFailure(
  error: unknown,
  at: { source: Readable; signal: AbortSignal | undefined; label: string; receivedBytes: number },
): unknown {
  const explained =
    error instanceof KeepnetError ||
    error instanceof ExportTruncatedError ||
    error instanceof ExportContentError ||
    error instanceof ExportDeadlineError ||
    (at.signal?.aborted === true && error === at.signal.reason);
  if (explained || at.source.errored !== error) return error;
  return new ExportInterruptedError(at.label, at.receivedBytes, error);
}

/**
 * S3 user metadata travels in HTTP headers: URI-encoded to stay ASCII, and replaced by its SHA-256 when
 * it would not fit S3's 2 KB metadata budget.
 */
function asciiMetadata(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded.length <= 1024 ? encoded : `sha256:${sha256(value)}`;
}
