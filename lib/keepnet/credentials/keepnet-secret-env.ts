// Which Keepnet secret to read and how long to cache it, from the environment (KEEPNET_SECRET_ID,
// KEEPNET_SECRET_MAX_AGE_SECONDS). Light on purpose: handlers check it at cold start without loading the
// Secrets Manager client or the Keepnet client (bench/cold-start.ts).

import { readVar } from '../../config/read';
import { ENV } from '../../config/variables';
import { KeepnetConfigurationError } from '../errors';

/** Seconds the Keepnet secret is cached when KEEPNET_SECRET_MAX_AGE_SECONDS is unset. */
export const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

/** Which secret holds the Keepnet credential and how long it is cached (seconds). */
export interface KeepnetSecretSettings {
  secretId: string;
  maxAgeSeconds: number;
}

/** Throws KeepnetConfigurationError naming the variable at fault. */
export function keepnetSecretSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KeepnetSecretSettings {
  const secretId = readVar(env, ENV.keepnetSecretId);
  if (!secretId) {
    throw new KeepnetConfigurationError(
      `${ENV.keepnetSecretId} is not set: it must name the Secrets Manager secret holding {"clientId", "clientSecret", "baseUrl"?}`,
    );
  }
  return { secretId, maxAgeSeconds: maxAgeFromEnv(env[ENV.keepnetSecretMaxAgeSeconds]) };
}

function maxAgeFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SECRET_MAX_AGE_SECONDS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new KeepnetConfigurationError(
      `${ENV.keepnetSecretMaxAgeSeconds} must be a whole number of seconds >= 0 (got "${raw}")`,
    );
  }
  return value;
}
