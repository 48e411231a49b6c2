// The Keepnet client tests, benches, the runner and the CLI's --local talk to the simulator with: signed in
// as its reseller.
import { KeepnetClient, type KeepnetClientOptions } from '../../lib/keepnet/client';
import { StaticCredentialsProvider } from '../../lib/keepnet/credentials/provider';
import type { KeepnetSimulator } from './types';

/**
 * A client of the simulator at `sim.url` with its reseller credential; `options` adds to or replaces the
 * client's settings (retry policy, runtime, dispatcher). The caller closes it.
 */
export function resellerClient(
  sim: Pick<KeepnetSimulator, 'url' | 'credentials'>,
  options: Partial<KeepnetClientOptions> = {},
): KeepnetClient {
  return new KeepnetClient({
    baseUrl: sim.url,
    credentials: new StaticCredentialsProvider({ ...sim.credentials.reseller }),
    ...options,
  });
}
