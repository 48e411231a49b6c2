// The Keepnet client as the functions use it: one per process, built from the environment on first use
// and reused across invocations (one token cache, one connection pool).

import { KeepnetClient } from './client';
import { credentialsProviderFromEnv } from './credentials/from-env';

export { KeepnetClient, type KeepnetClientOptions, type KeepnetClientStats } from './client';
export type { KeepnetCredentials } from './credentials/keepnet-secret';
export { type CredentialsProvider, StaticCredentialsProvider } from './credentials/provider';
export * from './errors';
export { DEFAULT_ASCENDING, DEFAULT_ORDER_BY, DEFAULT_PAGE_SIZE } from './search-body';
export * from './types';

let shared: { key: string; client: KeepnetClient } | undefined;

/**
 * The process-wide client for KEEPNET_SECRET_ID (+ KEEPNET_BASE_URL, KEEPNET_SECRET_MAX_AGE_SECONDS).
 * Synchronous: configuration errors (no secret id, a non-https KEEPNET_BASE_URL) throw here, naming the
 * variable; the secret itself is read on the first call. A changed environment (tests) gets a new client.
 */
export function createKeepnetClientFromEnv(env: NodeJS.ProcessEnv = process.env): KeepnetClient {
  const key = [env.KEEPNET_SECRET_ID, env.KEEPNET_BASE_URL, env.KEEPNET_SECRET_MAX_AGE_SECONDS].join(
    '\u0000',
  );
  if (shared?.key === key) return shared.client;
  const credentials = credentialsProviderFromEnv(env);
  // Validated by the client's constructor (naming KEEPNET_BASE_URL); unset: the secret's baseUrl, later.
  const baseUrl = env.KEEPNET_BASE_URL?.trim() || undefined;
  // The previous client (if any) is left to whoever still holds it; it is not closed under their feet.
  shared = {
    key,
    client: new KeepnetClient({
      credentials,
      ...(baseUrl ? { baseUrl, baseUrlSource: 'KEEPNET_BASE_URL' } : {}),
    }),
  };
  return shared.client;
}

/** Closes and forgets the process-wide client (tests, graceful shutdown). */
export async function resetKeepnetClientFromEnv(): Promise<void> {
  const previous = shared?.client;
  shared = undefined;
  await previous?.close();
}
