// Where the operation store is, from the environment: OPERATIONS_BUCKET and OPERATIONS_PREFIX. Pure
// (no SDK import), so a function checks it at cold start and builds the store itself on first use.
import { readVar } from '../config/read';
import { ENV } from '../config/variables';

/** The stack's prefix: an operator's CLI finds a deployment's operations without setting it. */
export const DEFAULT_OPERATIONS_PREFIX = 'state/operations/';

/** OPERATIONS_PREFIX is not a usable key prefix; the message names it. */
export class OperationsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationsConfigError';
  }
}

/** Bucket and normalised prefix (ends with `/`), or undefined when OPERATIONS_BUCKET is unset. */
export function operationsLocationFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): { bucket: string; prefix: string } | undefined {
  const bucket = readVar(env, ENV.operationsBucket);
  if (!bucket) return undefined;
  const raw = readVar(env, ENV.operationsPrefix) ?? DEFAULT_OPERATIONS_PREFIX;
  if (raw.length > 200 || raw.startsWith('/') || raw.includes('..')) {
    throw new OperationsConfigError(
      `${ENV.operationsPrefix}: must be a relative S3 key prefix of at most 200 characters, without ".." (e.g. state/operations/)`,
    );
  }
  return { bucket, prefix: raw.endsWith('/') ? raw : `${raw}/` };
}
