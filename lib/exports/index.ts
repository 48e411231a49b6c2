// Nightly exports: Keepnet → S3, streamed, atomic, verifiable. See README "Exports" for the key layout.
export { type ExportConfig, loadExportConfig } from './config';
export {
  ExportConfigurationError,
  ExportDeadlineError,
  ExportInterruptedError,
  ExportRunError,
  ExportTruncatedError,
} from './errors';
export { type ExportInvocation, parseExportInvocation } from './event';
export {
  DEFAULT_EXPORT_JOBS,
  ExportFilterSchema,
  type ExportFormat,
  ExportJob,
  jobName,
  loadExportJobs,
  parseExportJobs,
  type SingleExportJob,
} from './job';
export { normalisePrefix, objectKey } from './keys';
export type { Manifest, ManifestObject } from './manifest';
export {
  attributeChanges,
  diffMembership,
  type JournaledWrite,
  type MembershipDiff,
  outsideRemovals,
} from './membership-diff';
export { type ExportContext, type ExportResult, runExportJob } from './run-export-job';
export { type RunOptions, type RunSummary, runScheduledExport } from './run-scheduled-export';
export { createS3Client, createS3ClientFromEnv } from './s3-client';
