// Reading one variable the way every configuration reader does. No zod here: readers that must stay
// light at cold start (the Keepnet secret settings, the operation store's location) use it too.
import { ENV, type Env, type EnvName } from './variables';

/** The variable's value trimmed, or undefined when it is unset or blank (a blank value means "not set"). */
export function readVar(env: Env, name: EnvName): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Blank → undefined, other values untouched: for schemas whose defaults apply to blank values too. */
export const blankToUndefined = (value: string | undefined): string | undefined =>
  value?.trim() === '' ? undefined : value;

/**
 * Path-style S3 addressing whenever the SDK's own AWS_ENDPOINT_URL_S3 is set: s3rver and other local
 * S3s have no virtual hosts; real S3 keeps virtual-hosted style.
 */
export function s3PathStyleFromEnv(env: Env): boolean {
  return readVar(env, ENV.awsEndpointUrlS3) !== undefined;
}
