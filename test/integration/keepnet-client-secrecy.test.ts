// No secret, token or Authorization header in any log line or error, at DEBUG, through the paths
// that log the most: token fetches, 401 refreshes, retries, refused credentials, timeouts.
import { inspect } from 'node:util';
import { KeepnetClient } from '../../lib/keepnet/client';
import { StaticCredentialsProvider } from '../../lib/keepnet/credentials/provider';
import { logger } from '../../lib/observability/powertools';
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';

const SECRET = 'Very-Secret-Client-Secret-42';

describe('KeepnetClient keeps secrets out of logs and errors', () => {
  let sim: KeepnetSimulator;
  const lines: string[] = [];
  const restore: (() => void)[] = [];

  beforeAll(async () => {
    sim = await startKeepnetSimulator({
      credentials: { reseller: { clientId: 'secrecy-reseller', clientSecret: SECRET } },
      seed: { companies: 3 },
    });
    logger.setLogLevel('DEBUG');
    for (const stream of [process.stdout, process.stderr]) {
      const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
      restore.push(() => spy.mockRestore());
    }
  });

  afterAll(async () => {
    for (const undo of restore) undo();
    logger.setLogLevel('SILENT');
    await sim.close();
  });

  it('logs retries and refreshes without the secret, the token or the header', async () => {
    const errors: unknown[] = [];
    const client = new KeepnetClient({
      baseUrl: sim.url,
      credentials: new StaticCredentialsProvider({ clientId: 'secrecy-reseller', clientSecret: SECRET }),
      runtime: { sleep: async () => {} },
    });
    const wrong = new KeepnetClient({
      baseUrl: sim.url,
      credentials: new StaticCredentialsProvider({
        clientId: 'secrecy-reseller',
        clientSecret: `${SECRET}-old`,
      }),
    });
    try {
      await client.listGroups();
      sim.injectFaults(
        { kind: 'server-error', route: 'GET /api/company-groups', times: 1 },
        { kind: 'connection-reset', route: 'GET /api/company-groups', times: 1 },
        { kind: 'expire-tokens', route: 'POST /api/company-groups/search', times: 1 },
        { kind: 'connection-reset', route: 'POST /api/company-groups', times: 1, afterHandling: true },
      );
      await client.listGroups();
      await client.searchGroups();
      errors.push(await client.createGroup({ name: 'Secrecy' }).catch((e: unknown) => e));
      errors.push(await wrong.listGroups().catch((e: unknown) => e));
      sim.configure({ latencyMs: 300 });
      errors.push(await client.listGroups({ deadline: Date.now() + 50 }).catch((e: unknown) => e));
      sim.configure({ latencyMs: 0 });
      for (const error of errors) logger.error('call failed', error as Error);
    } finally {
      await client.close();
      await wrong.close();
    }

    expect(errors.every((e) => e instanceof Error)).toBe(true);
    const logged = lines.join('');
    // The paths above did log (else this test would prove nothing).
    expect(logged).toContain('Retrying Keepnet call');
    expect(logged).toContain('Fetched a Keepnet access token');
    expect(logged).toContain('fetching a new token');

    const serialisedErrors = errors
      .map((e) => `${JSON.stringify(e)}\n${inspect(e, { depth: 10 })}`)
      .join('\n');
    for (const text of [logged, serialisedErrors]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/eyJ[\w-]{4,}/); // a JWT (the simulator's tokens are JWTs)
      expect(text).not.toMatch(/bearer/i);
      expect(text).not.toMatch(/authorization/i);
      expect(text).not.toMatch(/access_token|client_secret/);
    }
  });
});
