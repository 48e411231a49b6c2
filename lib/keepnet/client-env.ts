// The Keepnet client's environment checked at cold start, without loading the client.
import { keepnetSecretSettingsFromEnv } from './credentials/keepnet-secret-env';
import { parseKeepnetBaseUrl } from './endpoint';

/**
 * The Keepnet client's configuration checked alone, without building (or loading) the client: what
 * `createKeepnetClientFromEnv` would refuse, it refuses with the same `KeepnetConfigurationError` naming
 * the variable. Handlers call it at cold start and build the client on the first event (bench/cold-start.ts).
 */
export function checkKeepnetClientEnv(env: NodeJS.ProcessEnv = process.env): void {
  keepnetSecretSettingsFromEnv(env);
  const baseUrl = env.KEEPNET_BASE_URL?.trim();
  if (baseUrl) parseKeepnetBaseUrl(baseUrl, 'KEEPNET_BASE_URL');
}
