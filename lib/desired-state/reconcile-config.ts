// The scheduled `reconcile` function's settings, from its environment. Pure (no SDK import), so the
// handler checks them at cold start and a bad deployment fails at init with the variable named.
import { readVar } from '../config/read';
import { ENV, type EnvName } from '../config/variables';

/** Where an object is: `s3://bucket/key`. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** report: plan and publish the drift only; apply: also queue the operations (opt-in). */
export type ReconcileMode = 'report' | 'apply';

/** The reconcile function's settings, read at cold start. */
export interface ReconcileConfig {
  file: S3Location;
  attributes?: S3Location;
  mode: ReconcileMode;
  /** apply mode only: removals are refused unless this is true. */
  allowRemovals: boolean;
}

/** A reconcile setting is missing or invalid; the message names the variable. */
export class ReconcileConfigError extends Error {
  override readonly name = 'ReconcileConfigError';
}

// Bucket names per S3's rules (3-63 characters); keys at most 1,024 bytes. Checked for length before the
// pattern runs.
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

/** `s3://bucket/key` → bucket and key; throws naming the variable. */
export function parseS3Uri(value: string, variable: string): S3Location {
  const match = value.length <= 1100 ? S3_URI.exec(value) : null;
  if (!match || Buffer.byteLength(match[2]!) > 1024) {
    throw new ReconcileConfigError(
      `${variable}: must be an S3 object URI, s3://bucket/key (got "${value.slice(0, 80)}")`,
    );
  }
  return { bucket: match[1]!, key: match[2]! };
}

function flag(env: NodeJS.ProcessEnv, variable: EnvName): boolean {
  const value = env[variable]?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ReconcileConfigError(`${variable}: must be "true" or "false" (got "${value.slice(0, 20)}")`);
}

/**
 * RECONCILE_FILE_S3_URI (required), RECONCILE_ATTRIBUTES_S3_URI (optional CSV), RECONCILE_MODE
 * (`report`, the default, or `apply`), RECONCILE_ALLOW_REMOVALS (`true`/`false`, default false). Apply
 * mode writes through the one writer, so it also needs ONBOARDING_QUEUE_URL and OPERATIONS_BUCKET.
 */
export function loadReconcileConfig(env: NodeJS.ProcessEnv = process.env): ReconcileConfig {
  const fileUri = readVar(env, ENV.reconcileFileS3Uri);
  if (!fileUri) {
    throw new ReconcileConfigError(
      `${ENV.reconcileFileS3Uri}: required, the desired-state file to reconcile (s3://bucket/key)`,
    );
  }
  const attributesUri = readVar(env, ENV.reconcileAttributesS3Uri);
  const mode = readVar(env, ENV.reconcileMode) ?? 'report';
  if (mode !== 'report' && mode !== 'apply') {
    throw new ReconcileConfigError(
      `${ENV.reconcileMode}: must be "report" or "apply" (got "${mode.slice(0, 20)}")`,
    );
  }
  const allowRemovals = flag(env, ENV.reconcileAllowRemovals);
  if (mode === 'apply') {
    for (const variable of [ENV.onboardingQueueUrl, ENV.operationsBucket]) {
      if (!readVar(env, variable)) {
        throw new ReconcileConfigError(
          `${variable}: required when ${ENV.reconcileMode}=apply (changes are queued for the onboarding worker)`,
        );
      }
    }
  }
  return {
    file: parseS3Uri(fileUri, ENV.reconcileFileS3Uri),
    ...(attributesUri ? { attributes: parseS3Uri(attributesUri, ENV.reconcileAttributesS3Uri) } : {}),
    mode,
    allowRemovals,
  };
}
