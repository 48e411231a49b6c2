// The Keepnet client's settings from the environment, read without building (or loading) the client:
// handlers read them at cold start, naming the variable at fault, and build the client from them on the
// first event (bench/cold-start.ts).
import { readVar } from '../config/read';
import { ENV } from '../config/variables';
import { type KeepnetSecretSettings, keepnetSecretSettingsFromEnv } from './credentials/keepnet-secret-env';
import { parseKeepnetBaseUrl } from './endpoint';

/** What the functions' Keepnet client is built from (lib/keepnet/index.ts, keepnetClientFor). */
export interface KeepnetClientSettings {
  secret: KeepnetSecretSettings;
  /** KEEPNET_BASE_URL, already checked; unset: the secret's baseUrl, else the public API. */
  baseUrl?: string;
}

/**
 * KEEPNET_SECRET_ID, KEEPNET_SECRET_MAX_AGE_SECONDS and KEEPNET_BASE_URL. Throws
 * KeepnetConfigurationError naming the variable, as building the client would.
 */
export function keepnetClientSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KeepnetClientSettings {
  const secret = keepnetSecretSettingsFromEnv(env);
  const baseUrl = readVar(env, ENV.keepnetBaseUrl);
  if (baseUrl) parseKeepnetBaseUrl(baseUrl, ENV.keepnetBaseUrl);
  return { secret, ...(baseUrl ? { baseUrl } : {}) };
}
