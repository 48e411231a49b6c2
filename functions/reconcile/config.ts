// The reconcile function's whole configuration, read once at cold start; a missing or bad variable
// stops the function at init, named in the message.
import { readVar, s3PathStyleFromEnv } from '../../lib/config/read';
import { ENV } from '../../lib/config/variables';
import { loadReconcileConfig, type ReconcileConfig } from '../../lib/desired-state/reconcile-config';
import { type KeepnetClientSettings, keepnetClientSettingsFromEnv } from '../../lib/keepnet/client-env';
import { operationsLocationFromEnv } from '../../lib/operations/location';
import type { OperationStoreLocation } from '../../lib/operations/store';

/** The plan's settings, the Keepnet client's, and in apply mode the one writer's queue and store. */
export interface ReconcileFunctionConfig {
  reconcile: ReconcileConfig;
  keepnet: KeepnetClientSettings;
  /** Set in apply mode (loadReconcileConfig requires OPERATIONS_BUCKET and ONBOARDING_QUEUE_URL then). */
  operations: OperationStoreLocation | undefined;
  queueUrl: string | undefined;
  /** Path-style S3 addressing: set whenever AWS_ENDPOINT_URL_S3 is (local S3s need it). */
  s3PathStyle: boolean;
}

/** Reads and checks every variable reconcile uses; throws naming the first one at fault. */
export function loadConfig(env: NodeJS.ProcessEnv): ReconcileFunctionConfig {
  return {
    reconcile: loadReconcileConfig(env),
    keepnet: keepnetClientSettingsFromEnv(env),
    operations: operationsLocationFromEnv(env),
    queueUrl: readVar(env, ENV.onboardingQueueUrl),
    s3PathStyle: s3PathStyleFromEnv(env),
  };
}
