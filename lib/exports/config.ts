// The scheduled-export function's configuration, read once at cold start: a bad value stops the function
// from starting, with a message naming the variable (and for EXPORT_JOBS, the job and the field).

import { ExportConfigurationError } from './errors';
import type { ExportJob } from './job';
import { loadExportJobs } from './job';
import { normalisePrefix } from './keys';

/** The scheduled-export function's settings, from its environment (see {@link loadExportConfig}). */
export interface ExportConfig {
  bucket: string;
  prefix: string;
  jobs: ExportJob[];
  /** SSE-KMS key for the objects; SSE-S3 when unset. */
  kmsKeyId: string | undefined;
  /** Taken off the Lambda's remaining time: the run stops (and aborts its upload) this long before. */
  safetyMarginMs: number;
}

/**
 * The safety margin (ms) when EXPORT_SAFETY_MARGIN_MS is unset.
 */
export const DEFAULT_SAFETY_MARGIN_MS = 10_000;

/**
 * Reads EXPORT_BUCKET, EXPORT_PREFIX, EXPORT_JOBS, EXPORT_KMS_KEY_ID and EXPORT_SAFETY_MARGIN_MS once, at cold
 * start; throws `ExportConfigurationError` naming the variable (and for EXPORT_JOBS, the job and the field).
 */
export function loadExportConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
  const bucket = env.EXPORT_BUCKET?.trim();
  if (bucket === undefined || bucket === '') {
    throw new ExportConfigurationError('EXPORT_BUCKET: required (the bucket exports are written to)');
  }
  const margin = env.EXPORT_SAFETY_MARGIN_MS?.trim();
  const safetyMarginMs = margin === undefined || margin === '' ? DEFAULT_SAFETY_MARGIN_MS : Number(margin);
  if (!Number.isInteger(safetyMarginMs) || safetyMarginMs < 0) {
    throw new ExportConfigurationError(
      `EXPORT_SAFETY_MARGIN_MS: must be a non-negative integer (got "${margin}")`,
    );
  }
  const kmsKeyId = env.EXPORT_KMS_KEY_ID?.trim();
  return {
    bucket,
    prefix: normalisePrefix(env.EXPORT_PREFIX),
    jobs: loadExportJobs(env.EXPORT_JOBS),
    kmsKeyId: kmsKeyId === undefined || kmsKeyId === '' ? undefined : kmsKeyId,
    safetyMarginMs,
  };
}
