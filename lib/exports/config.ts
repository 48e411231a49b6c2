// The scheduled-export function's configuration, read once at cold start: a bad value stops the function
// from starting, with a message naming the variable (and for EXPORT_JOBS, the job and the field).
import { readVar } from '../config/read';
import { ENV } from '../config/variables';
import { ExportConfigurationError } from './errors';
import type { ExportJob } from './job';
import { loadExportJobs } from './job';
import { normalisePrefix } from './keys';

/** Where export files go: shared by the nightly export and the API's export-now. */
export interface ExportLocation {
  bucket: string;
  /** Normalised: empty, or ends with `/` (default `exports/`). */
  prefix: string;
  /** SSE-KMS key for the objects; SSE-S3 when unset. */
  kmsKeyId: string | undefined;
}

/** The scheduled-export function's settings: where files go, which jobs run, and the time kept in hand. */
export interface ExportConfig extends ExportLocation {
  jobs: ExportJob[];
  /** Taken off the Lambda's remaining time: the run stops (and aborts its upload) this long before. */
  safetyMarginMs: number;
}

/** Milliseconds kept in hand before the Lambda timeout when EXPORT_SAFETY_MARGIN_MS is unset. */
export const DEFAULT_SAFETY_MARGIN_MS = 10_000;

/** EXPORT_BUCKET, EXPORT_PREFIX and EXPORT_KMS_KEY_ID; undefined when EXPORT_BUCKET is unset or blank. */
export function exportLocationFromEnv(env: NodeJS.ProcessEnv = process.env): ExportLocation | undefined {
  const bucket = readVar(env, ENV.exportBucket);
  if (bucket === undefined) return undefined;
  return {
    bucket,
    prefix: normalisePrefix(env[ENV.exportPrefix]),
    kmsKeyId: readVar(env, ENV.exportKmsKeyId),
  };
}

/**
 * The export location (EXPORT_BUCKET required), EXPORT_JOBS and EXPORT_SAFETY_MARGIN_MS; throws
 * ExportConfigurationError naming the variable.
 */
export function loadExportConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
  const location = exportLocationFromEnv(env);
  if (location === undefined) {
    throw new ExportConfigurationError(`${ENV.exportBucket}: required (the bucket exports are written to)`);
  }
  const margin = readVar(env, ENV.exportSafetyMarginMs);
  const safetyMarginMs = margin === undefined ? DEFAULT_SAFETY_MARGIN_MS : Number(margin);
  if (!Number.isInteger(safetyMarginMs) || safetyMarginMs < 0) {
    throw new ExportConfigurationError(
      `${ENV.exportSafetyMarginMs}: must be a non-negative integer (got "${margin}")`,
    );
  }
  return { ...location, jobs: loadExportJobs(env[ENV.exportJobs]), safetyMarginMs };
}
