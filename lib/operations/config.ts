// Where the operation store is: OPERATIONS_BUCKET (the stack sets the poller's state bucket) and
// OPERATIONS_PREFIX (default `state/operations/`, where the stack puts them). Read once at cold start; a bad prefix names the variable.
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3ClientFromEnv } from '../exports/s3-client';
import { OperationStore } from './store';

/** The stack's prefix: an operator's CLI finds a deployment's operations without setting it. */
export const DEFAULT_OPERATIONS_PREFIX = 'state/operations/';

export class OperationsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationsConfigError';
  }
}

/** The store the environment names, or undefined when OPERATIONS_BUCKET is unset. */
export function operationStoreFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  s3: S3Client = createS3ClientFromEnv(env),
): OperationStore | undefined {
  const bucket = env.OPERATIONS_BUCKET?.trim();
  if (!bucket) return undefined;
  const raw = env.OPERATIONS_PREFIX?.trim() || DEFAULT_OPERATIONS_PREFIX;
  if (raw.length > 200 || raw.startsWith('/') || raw.includes('..')) {
    throw new OperationsConfigError(
      'OPERATIONS_PREFIX: must be a relative S3 key prefix of at most 200 characters, without ".." (e.g. state/operations/)',
    );
  }
  const prefix = raw.endsWith('/') ? raw : `${raw}/`;
  return new OperationStore(s3, { bucket, prefix });
}
