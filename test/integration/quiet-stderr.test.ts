// stderr carries only what matters: a process that builds the Keepnet client and calls the API prints
// nothing there. (undici's experimental decompress interceptor used to print an ExperimentalWarning in
// every process: every `npm start`, CLI call and Lambda cold start.)
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';

let sim: KeepnetSimulator;

beforeAll(async () => {
  sim = await startKeepnetSimulator({ seed: { companies: 5, extraGroups: 2 } });
});

afterAll(async () => {
  await sim?.close();
});

describe('a process that calls Keepnet', () => {
  it('prints its result on stdout and nothing on stderr', async () => {
    const { clientId, clientSecret } = sim.credentials.reseller;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '..', 'support', 'client-call.ts')],
      {
        cwd: process.cwd(),
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          KEEPNET_BASE_URL: sim.url,
          KEEPNET_CLIENT_ID: clientId,
          KEEPNET_CLIENT_SECRET: clientSecret,
        },
      },
    );
    expect(Number(stdout.trim())).toBe(sim.state.groups().length);
    expect(stderr).toBe('');
  }, 20_000);
});
