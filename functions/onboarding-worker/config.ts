// The worker's whole configuration, read once at cold start; a missing or bad variable stops the
// function at init, named in the message.
import { type KeepnetClientSettings, keepnetClientSettingsFromEnv } from '../../lib/keepnet/client-env';
import { loadWorkerConfig, type WorkerConfig } from '../../lib/onboarding/config';
import { operationsLocationFromEnv } from '../../lib/operations/location';
import type { OperationStoreLocation } from '../../lib/operations/store';

/** The queues and PARTICIPANTS_MODE, the Keepnet client's settings and the operation store's location. */
export interface WorkerFunctionConfig extends WorkerConfig {
  keepnet: KeepnetClientSettings;
  /** Operation records, repair records and the write journal (OPERATIONS_BUCKET); unset: none. */
  operations: OperationStoreLocation | undefined;
}

/** Reads and checks every variable the worker uses; throws naming the first one at fault. */
export function loadConfig(env: NodeJS.ProcessEnv): WorkerFunctionConfig {
  return {
    ...loadWorkerConfig(env),
    keepnet: keepnetClientSettingsFromEnv(env),
    operations: operationsLocationFromEnv(env),
  };
}
