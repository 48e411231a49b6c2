// Replies the vendor's spec allows that the client must survive, each played by a switchable
// simulator quirk: list replies without `data` (an error) or with `data: null` (empty), a nullable
// createTime, companies nested in `children`. Under both envelope styles and key cases.

import type { KeepnetClient } from '../../lib/keepnet/client';
import { KeepnetServerError } from '../../lib/keepnet/errors';
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import { resellerClient } from '../../local/keepnet-simulator/reseller-client';
import type { KeepnetSimulator, SimulatorOptions } from '../../local/keepnet-simulator/types';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const variants: [string, SimulatorOptions][] = [
  ['standard envelope', {}],
  ['PascalCase { isSuccess, data, messages } envelope', { envelope: 'isSuccess', keyCase: 'pascal' }],
];

describe.each(variants)('client survives reply quirks (%s)', (_name, options) => {
  let sim: KeepnetSimulator;
  let client: KeepnetClient;

  beforeAll(async () => {
    sim = await startKeepnetSimulator({ ...options, seed: { companies: 12, extraGroups: 2 } });
    client = resellerClient(sim);
  });
  afterEach(() => sim.configure({ quirks: {} }));
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('a list reply without data is an error naming the call', async () => {
    sim.configure({ quirks: { listData: 'missing' } });
    await expect(client.listGroups()).rejects.toThrow(/GET \/api\/company-groups: the reply has no "data"/);
    await expect(client.searchGroups()).rejects.toThrow(KeepnetServerError);
    await expect(collect(client.iterateCompanies())).rejects.toThrow(/has no "data"/);
  });

  it('data: null is an empty list', async () => {
    sim.configure({ quirks: { listData: 'null' } });
    await expect(client.listGroups()).resolves.toEqual([]);
    await expect(collect(client.iterateGroups())).resolves.toEqual([]);
    const group = sim.state.groups()[0]!;
    await expect(collect(client.iterateGroupMembers(group.resourceId))).resolves.toEqual([]);
  });

  it('createTime: null is read as null (companies and group members)', async () => {
    sim.configure({ quirks: { nullCreateTime: 'all' } });
    const companies = await collect(client.iterateCompanies());
    expect(companies).toHaveLength(12);
    expect(companies.every((c) => c.createTime === null)).toBe(true);
    const group = sim.state.groups().find((g) => sim.state.groupMemberIds(g.resourceId).length > 0)!;
    const members = await collect(client.iterateGroupMembers(group.resourceId));
    expect(members.length).toBeGreaterThan(0);
    expect(members.every((m) => m.createTime === null)).toBe(true);
  });

  it('companies nested in children are read (and marked with their parent), none skipped', async () => {
    const [parent, child, grandchild] = sim.state.companies();
    sim.configure({
      quirks: {
        childrenOf: {
          [parent!.resourceId]: [child!.resourceId],
          [child!.resourceId]: [grandchild!.resourceId],
        },
      },
    });
    const companies = await collect(client.iterateCompanies({ pageSize: 4 }));
    expect(companies.map((c) => c.companyResourceId).sort()).toEqual(
      sim.state
        .companies()
        .map((c) => c.resourceId)
        .sort(),
    );
    expect(companies.find((c) => c.companyResourceId === grandchild!.resourceId)).toMatchObject({
      parentCompanyResourceId: child!.resourceId,
    });
  });
});
