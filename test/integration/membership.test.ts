// lib/membership against the Keepnet simulator over HTTP (real client), in both readings of
// PUT …/participants, including a concurrent writer that strikes between our write and our read-back.

import type { KeepnetClient } from '../../lib/keepnet/client';
import type { KeepnetApi } from '../../lib/keepnet/types';
import {
  addMembers,
  MembershipNotVerifiedError,
  readMemberIds,
  removeMembers,
  setMembers,
} from '../../lib/membership';
import { startKeepnetSimulator } from '../../local/keepnet-simulator';
import { resellerClient } from '../../local/keepnet-simulator/reseller-client';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';

let sim: KeepnetSimulator;
let client: KeepnetClient;
const PUT = 'PUT /api/company-groups/{resourceId}/participants';

beforeAll(async () => {
  sim = await startKeepnetSimulator({ seed: { companies: 20 } });
  client = resellerClient(sim);
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

let n = 0;
function freshGroup(members: number) {
  const ids = sim.state.companies().map((c) => c.resourceId);
  const group = sim.state.addGroup(`Membership test ${++n}`, ids.slice(0, members));
  return { groupId: group.resourceId, members: ids.slice(0, members), others: ids.slice(members) };
}
const sorted = (ids: Iterable<string>) => [...ids].sort();

describe.each(['replace', 'additive'] as const)('membership, API %s', (api) => {
  beforeAll(() => sim.configure({ participantsMode: api }));

  it('adds new companies and keeps every earlier member (union)', async () => {
    const { groupId, members, others } = freshGroup(3);
    const result = await addMembers(client, groupId, [others[0]!, others[1]!, members[0]!]);
    expect(sorted(result.changed)).toEqual(sorted([others[0]!, others[1]!]));
    expect(result.unchanged).toEqual([members[0]]);
    expect(result.writes).toBe(1);
    expect(sorted(sim.state.groupMemberIds(groupId))).toEqual(sorted([...members, others[0]!, others[1]!]));
  });

  it('costs no write when every company is already a member', async () => {
    const { groupId, members } = freshGroup(4);
    sim.resetCounts();
    const result = await addMembers(client, groupId, members.slice(0, 2));
    expect(result.writes).toBe(0);
    expect(sim.count(PUT)).toBe(0);
  });

  it('in additive mode still loses nothing, repairing at once if the API in fact replaces', async () => {
    const { groupId, members, others } = freshGroup(3);
    const result = await addMembers(client, groupId, [others[0]!], { mode: 'additive' });
    expect(sorted(sim.state.groupMemberIds(groupId))).toEqual(sorted([...members, others[0]!]));
    expect(result.writes).toBe(api === 'replace' ? 2 : 1);
  });

  it('removes only the named members, and none that are not in', async () => {
    const { groupId, members, others } = freshGroup(4);
    const result = await removeMembers(client, groupId, [members[1]!, others[0]!]);
    expect(result.changed).toEqual([members[1]]);
    expect(result.unchanged).toEqual([others[0]]);
    expect(sorted(sim.state.groupMemberIds(groupId))).toEqual(
      sorted([members[0]!, members[2]!, members[3]!]),
    );
  });

  it('sets the exact member list', async () => {
    const { groupId, members, others } = freshGroup(3);
    const desired = [members[0]!, others[0]!, others[1]!];
    await setMembers(client, groupId, desired);
    expect(sorted(await readMemberIds(client, groupId))).toEqual(sorted(desired));
  });
});

describe('membership under a concurrent writer', () => {
  beforeAll(() => sim.configure({ participantsMode: 'replace' }));

  /** A client whose first PUT is followed, before our read-back, by someone else's stale replace. */
  function withStaleWriterAfterFirstPut(stale: () => void): KeepnetApi {
    let struck = false;
    return new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'putParticipants') {
          return async (...args: Parameters<KeepnetApi['putParticipants']>) => {
            await target.putParticipants(...args);
            if (!struck) {
              struck = true;
              stale();
            }
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  it('notices members dropped between its write and its read-back and writes them again', async () => {
    const { groupId, members, others } = freshGroup(3);
    // The other writer read the group before us and puts back its old list: ours and one earlier member go.
    const racing = withStaleWriterAfterFirstPut(() => sim.state.setGroupMembers(groupId, members.slice(1)));
    const result = await addMembers(racing, groupId, [others[0]!]);
    expect(result.writes).toBe(2);
    expect(sorted(sim.state.groupMemberIds(groupId))).toEqual(sorted([...members, others[0]!]));
  });

  it('gives up with MembershipNotVerifiedError when the group keeps changing under it', async () => {
    const { groupId, members, others } = freshGroup(2);
    const hostile = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'putParticipants') {
          return async (...args: Parameters<KeepnetApi['putParticipants']>) => {
            await target.putParticipants(...args);
            sim.state.setGroupMembers(groupId, members);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(addMembers(hostile, groupId, [others[0]!], { maxAttempts: 2 })).rejects.toBeInstanceOf(
      MembershipNotVerifiedError,
    );
  });
});
