// The operation store the environment names (see location.ts for the variables and their checks).
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3ClientFromEnv } from '../exports/s3-client';
import { operationsLocationFromEnv } from './location';
import { OperationStore, type OperationStoreLocation } from './store';

export { DEFAULT_OPERATIONS_PREFIX, OperationsConfigError } from './location';

/** The store at a location already read (a handler reads it at cold start and builds this on first use). */
export function operationStoreAt(
  location: OperationStoreLocation,
  s3: S3Client = createS3ClientFromEnv(),
): OperationStore {
  return new OperationStore(s3, location);
}

/** The store the environment names, or undefined when OPERATIONS_BUCKET is unset. */
export function operationStoreFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  s3?: S3Client,
): OperationStore | undefined {
  const location = operationsLocationFromEnv(env);
  return location ? operationStoreAt(location, s3 ?? createS3ClientFromEnv(env)) : undefined;
}
