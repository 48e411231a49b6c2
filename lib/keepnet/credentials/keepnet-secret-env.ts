// Which Keepnet secret to read and how long to cache it, from the environment (KEEPNET_SECRET_ID,
// KEEPNET_SECRET_MAX_AGE_SECONDS). Light on purpose: handlers check it at cold start without loading the
// Secrets Manager client or the Keepnet client (bench/cold-start.ts).
import { KeepnetConfigurationError } from '../errors';

/** How long a read secret is reused when KEEPNET_SECRET_MAX_AGE_SECONDS is unset (seconds). */
export const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

/** Which secret to read (name or ARN) and for how long (seconds) to reuse it. */
export interface KeepnetSecretSettings {
  secretId: string;
  maxAgeSeconds: number;
}

/** Throws KeepnetConfigurationError naming the variable at fault. */
export function keepnetSecretSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KeepnetSecretSettings {
  const secretId = env.KEEPNET_SECRET_ID?.trim();
  if (!secretId) {
    throw new KeepnetConfigurationError(
      'KEEPNET_SECRET_ID is not set: it must name the Secrets Manager secret holding {"clientId", "clientSecret", "baseUrl"?}',
    );
  }
  return { secretId, maxAgeSeconds: maxAgeFromEnv(env.KEEPNET_SECRET_MAX_AGE_SECONDS) };
}

function maxAgeFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SECRET_MAX_AGE_SECONDS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new KeepnetConfigurationError(
      `KEEPNET_SECRET_MAX_AGE_SECONDS must be a whole number of seconds >= 0 (got "${raw}")`,
    );
  }
  return value;
}
