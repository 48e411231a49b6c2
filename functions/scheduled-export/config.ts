// The export function's whole configuration, read once at cold start: a bad EXPORT_JOBS (or any other
// variable) stops the function before any invocation, named in the message.
import { s3PathStyleFromEnv } from '../../lib/config/read';
import { type ExportConfig, loadExportConfig } from '../../lib/exports/config';
import { type KeepnetClientSettings, keepnetClientSettingsFromEnv } from '../../lib/keepnet/client-env';
import { operationsLocationFromEnv } from '../../lib/operations/location';
import type { OperationStoreLocation } from '../../lib/operations/store';

/** Where and what to export, the Keepnet client's settings, the write journal and S3 addressing. */
export interface ExportFunctionConfig extends ExportConfig {
  keepnet: KeepnetClientSettings;
  /** This system's write journal (OPERATIONS_BUCKET): the diff says which changes it made, which not. */
  operations: OperationStoreLocation | undefined;
  /** Path-style S3 addressing: set whenever AWS_ENDPOINT_URL_S3 is (local S3s need it). */
  s3PathStyle: boolean;
}

/** Reads and checks every variable the export uses; throws naming the first one at fault. */
export function loadConfig(env: NodeJS.ProcessEnv): ExportFunctionConfig {
  return {
    ...loadExportConfig(env),
    keepnet: keepnetClientSettingsFromEnv(env),
    operations: operationsLocationFromEnv(env),
    s3PathStyle: s3PathStyleFromEnv(env),
  };
}
