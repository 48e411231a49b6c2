// The Keepnet client as the functions use it: one per process, built on first use from settings read at
// cold start (keepnetClientSettingsFromEnv) and reused across invocations (one token cache, one pool).

import { ENV } from '../config/variables';
import { KeepnetClient } from './client';
import { type KeepnetClientSettings, keepnetClientSettingsFromEnv } from './client-env';
import { SecretsManagerCredentialsProvider } from './credentials/secrets-manager';

export { KeepnetClient, type KeepnetClientOptions, type KeepnetClientStats } from './client';
export type { KeepnetClientSettings } from './client-env';
export type { KeepnetCredentials } from './credentials/keepnet-secret';
export { type CredentialsProvider, StaticCredentialsProvider } from './credentials/provider';
export * from './errors';
export { DEFAULT_ASCENDING, DEFAULT_ORDER_BY, DEFAULT_PAGE_SIZE } from './search-body';
export * from './types';

let shared: { key: string; client: KeepnetClient } | undefined;

/**
 * The process-wide client for these settings, built on first use and then reused (one token cache,
 * one connection pool); the secret itself is read on the first call. Other settings (tests) get a new
 * client; the previous one is left to whoever still holds it, not closed under their feet.
 */
export function keepnetClientFor(settings: KeepnetClientSettings): KeepnetClient {
  const key = JSON.stringify(settings);
  if (shared?.key === key) return shared.client;
  const credentials = new SecretsManagerCredentialsProvider(settings.secret);
  const { baseUrl } = settings;
  shared = {
    key,
    client: new KeepnetClient({
      credentials,
      ...(baseUrl ? { baseUrl, baseUrlSource: ENV.keepnetBaseUrl } : {}),
    }),
  };
  return shared.client;
}

/**
 * The process-wide client for KEEPNET_SECRET_ID (+ KEEPNET_BASE_URL, KEEPNET_SECRET_MAX_AGE_SECONDS).
 * Synchronous: configuration errors (no secret id, a non-https KEEPNET_BASE_URL) throw here, naming the
 * variable; the secret itself is read on the first call.
 */
export function createKeepnetClientFromEnv(env: NodeJS.ProcessEnv = process.env): KeepnetClient {
  return keepnetClientFor(keepnetClientSettingsFromEnv(env));
}

/** Closes and forgets the process-wide client (tests, graceful shutdown). */
export async function resetKeepnetClientFromEnv(): Promise<void> {
  const previous = shared?.client;
  shared = undefined;
  await previous?.close();
}
