// GroupResolver against the Keepnet simulator over HTTP: a missing group is created exactly once, even
// by concurrent callers, and a create whose outcome is unknown is never sent twice blindly.

import type { KeepnetClient } from '../../lib/keepnet/client';
import { KeepnetNetworkError } from '../../lib/keepnet/errors';
import type { KeepnetApi } from '../../lib/keepnet/types';
import { GroupResolver, pickCanonicalGroup } from '../../lib/onboarding/group-resolver';
import { startKeepnetSimulator } from '../../local/keepnet-simulator';
import { resellerClient } from '../../local/keepnet-simulator/reseller-client';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';

const CREATE = 'POST /api/company-groups';
const LIST = 'GET /api/company-groups';

let sim: KeepnetSimulator;
let client: KeepnetClient;

beforeAll(async () => {
  sim = await startKeepnetSimulator({ seed: { companies: 5 } });
  client = resellerClient(sim);
});
afterAll(async () => {
  await client.close();
  await sim.close();
});
beforeEach(() => sim.resetCounts());

/** A client whose createGroup fails with a network error, before or after Keepnet did the work. */
function flakyCreate(when: 'before' | 'after'): KeepnetApi {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'createGroup') {
        return async (...args: Parameters<KeepnetApi['createGroup']>) => {
          if (when === 'after') await target.createGroup(...args);
          throw new KeepnetNetworkError('socket hang up');
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('GroupResolver', () => {
  it('finds an existing group whatever the case and blanks, and remembers every listed name', async () => {
    const resolver = new GroupResolver(client);
    const found = await resolver.resolve('  eu   CUSTOMERS ');
    expect(found).toEqual({
      groupId: sim.state.groupByName('EU Customers')!.resourceId,
      name: 'EU Customers',
      created: false,
    });
    await resolver.resolve('Finance');
    expect(sim.count(LIST)).toBe(1);
    expect(sim.count(CREATE)).toBe(0);
  });

  it('creates a missing group once for 20 concurrent callers', async () => {
    const resolver = new GroupResolver(client);
    const results = await Promise.all(Array.from({ length: 20 }, () => resolver.resolve('Concurrent Group')));
    expect(new Set(results.map((r) => r.groupId)).size).toBe(1);
    expect(sim.count(CREATE)).toBe(1);
    expect(sim.state.groups().filter((g) => g.name === 'Concurrent Group')).toHaveLength(1);
  });

  it('uses the group a failed-looking create did make, without creating it again', async () => {
    const resolved = await new GroupResolver(flakyCreate('after')).resolve('Created Anyway');
    expect(resolved.groupId).toBe(sim.state.groupByName('Created Anyway')!.resourceId);
    expect(sim.count(CREATE)).toBe(1);
  });

  it('fails when the create did not happen, and a later attempt creates the group', async () => {
    await expect(new GroupResolver(flakyCreate('before')).resolve('Not Yet')).rejects.toBeInstanceOf(
      KeepnetNetworkError,
    );
    expect(sim.state.groupByName('Not Yet')).toBeUndefined();
    const resolved = await new GroupResolver(client).resolve('Not Yet');
    expect(resolved.created).toBe(true);
  });

  it('uses a group another creator made meanwhile (create refused as a duplicate name)', async () => {
    const resolver = new GroupResolver(client);
    await resolver.resolve('Finance'); // fills the cache without "Raced Group"
    const racing = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'createGroup') {
          return async (...args: Parameters<KeepnetApi['createGroup']>) => {
            sim.state.addGroup('RACED group'); // someone else wins the race
            return target.createGroup(...args);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const resolved = await new GroupResolver(racing).resolve('Raced Group');
    expect(resolved).toMatchObject({
      groupId: sim.state.groupByName('raced group')!.resourceId,
      created: false,
    });
  });

  it('picks the oldest of groups sharing a name, then the smallest id', () => {
    const groups = [
      { resourceId: 'b', name: 'X', addedTime: '2024-01-02T00:00:00Z', companyCount: 0 },
      { resourceId: 'c', name: 'x', addedTime: '2024-01-01T00:00:00Z', companyCount: 0 },
      { resourceId: 'a', name: 'X ', addedTime: '2024-01-01T00:00:00Z', companyCount: 0 },
      { resourceId: '0', name: 'x', addedTime: null, companyCount: 0 },
    ];
    expect(pickCanonicalGroup(groups)?.resourceId).toBe('a');
    expect(pickCanonicalGroup([...groups].reverse())?.resourceId).toBe('a');
  });
});
