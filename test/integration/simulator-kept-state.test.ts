// A kept simulator (stateFile): what is done over HTTP is still there after a restart, ids are never
// handed out twice across restarts, and a state file that is not the simulator's is refused by name.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import { call, envelope, tokenFor } from './simulator-http';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keepnet-kept-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withSimulator<T>(
  stateFile: string,
  work: (sim: Awaited<ReturnType<typeof startKeepnetSimulator>>) => Promise<T>,
) {
  const sim = await startKeepnetSimulator({ stateFile });
  try {
    return await work(sim);
  } finally {
    await sim.close();
  }
}

describe('a simulator with a state file', () => {
  it('keeps groups, members and deletions made over HTTP across a restart, and never reuses an id', async () => {
    const stateFile = join(dir, 'sim.json');
    const first = await withSimulator(stateFile, async (sim) => {
      const token = await tokenFor(sim);
      const member = sim.state.companies()[0]!.resourceId;
      const created = envelope<{ resourceId: string }>(
        await call(sim, 'POST', '/api/company-groups', {
          token,
          body: { name: 'Kept Group', companyResourceIdArray: [member] },
        }),
      ).data!;
      const doomed = sim.state.groupByName('Finance')!.resourceId;
      expect((await call(sim, 'DELETE', `/api/company-groups/${doomed}`, { token })).status).toBe(200);
      return { created: created.resourceId, member, doomed, groups: sim.state.groups().length };
    });

    await withSimulator(stateFile, async (sim) => {
      expect(sim.state.groups()).toHaveLength(first.groups);
      expect(sim.state.group(first.created)?.name).toBe('Kept Group');
      expect(sim.state.groupMemberIds(first.created)).toEqual([first.member]);
      expect(sim.state.group(first.doomed)).toBeUndefined();
      // A fresh seed would hand out the first run's ids again; the kept sequence continues instead.
      const token = await tokenFor(sim);
      const next = envelope<{ resourceId: string }>(
        await call(sim, 'POST', '/api/company-groups', { token, body: { name: 'Second Run' } }),
      ).data!;
      expect([first.created, first.doomed]).not.toContain(next.resourceId);
    });
    const onDisk = JSON.parse(await readFile(stateFile, 'utf8')) as { groups: { name: string }[] };
    expect(onDisk.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['Kept Group', 'Second Run']));
  });

  it('starts from the seed when the file is missing, and writes it at once', async () => {
    const stateFile = join(dir, 'nested', 'sim.json');
    await withSimulator(stateFile, async (sim) => {
      expect(sim.state.groupByName('EU Customers')).toBeDefined();
      const onDisk = JSON.parse(await readFile(stateFile, 'utf8')) as { companies: unknown[] };
      expect(onDisk.companies).toHaveLength(sim.state.companies().length);
    });
  });

  it('refuses a file it did not write, naming it and --fresh', async () => {
    const stateFile = join(dir, 'sim.json');
    await writeFile(stateFile, '{"version":2}');
    await expect(startKeepnetSimulator({ stateFile })).rejects.toThrow(/sim\.json.*--fresh/);
  });
});
