// What the api checks at cold start. The rest of its configuration (the Keepnet client's settings, the
// queue, GROUP_RULES, the export bucket, the webhook secret) is read with its dependencies on the first
// request (lib/rest-api/dependencies.ts), where an error is that request's 500 naming the variable.
import { operationsLocationFromEnv } from '../../lib/operations/location';
import type { OperationStoreLocation } from '../../lib/operations/store';

/** The operation store's location (OPERATIONS_BUCKET, OPERATIONS_PREFIX); undefined when unset. */
export interface ApiColdStartConfig {
  operations: OperationStoreLocation | undefined;
}

/** Checks OPERATIONS_PREFIX, naming it; throws OperationsConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv): ApiColdStartConfig {
  return { operations: operationsLocationFromEnv(env) };
}
