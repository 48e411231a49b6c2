// What onboarding costs in Keepnet API calls: 200 events over 8 groups (4 by id, 4 by a name that does
// not exist yet), drained in batches of 10 by 4 concurrent workers. One write per group per batch and
// one name lookup per process keep it under one call per onboarded pair; one token and one secret
// fetch serve the whole worker process.
import { SEEDED_GROUP_NAMES } from '../../local/keepnet-simulator';
import {
  companyCreatedEvent,
  groupIdByName,
  membership,
  startWorld,
  stopWorld,
  type World,
} from './onboarding-world';

let world: World;
beforeAll(async () => {
  world = await startWorld('replace', 'union', 5_000);
});
afterAll(async () => {
  await stopWorld(world);
});

it('onboards 200 companies over 8 groups with at most 1.0 Keepnet call per pair', async () => {
  const { keepnet } = world.stack;
  const byId = SEEDED_GROUP_NAMES.map((name) => groupIdByName(keepnet, name)!);
  const byName = ['Budget A', 'Budget B', 'Budget C', 'Budget D'];
  const companies = Array.from({ length: 200 }, (_, i) =>
    keepnet.state.addCompany({ name: `Budget company ${i}` }),
  );
  keepnet.resetCounts();
  world.stack.secrets.resetCounts();

  await Promise.all(
    companies.map((c, i) =>
      world.router(
        companyCreatedEvent({
          companyResourceId: c.resourceId,
          ...(i % 8 < 4 ? { groupResourceIds: [byId[i % 8]!] } : { groupNames: [byName[(i % 8) - 4]!] }),
        }),
      ),
    ),
  );
  await world.drain({ concurrency: 4, batchSize: 10 });

  const after = membership(keepnet);
  const groupNames = [...SEEDED_GROUP_NAMES, ...byName];
  const missing = companies.filter((c, i) => !after.get(groupNames[i % 8]!)?.has(c.resourceId));
  expect(missing).toEqual([]);

  const calls = Object.values(keepnet.counts()).reduce((a, b) => a + b, 0);
  expect(calls / companies.length).toBeLessThanOrEqual(1.0);
  expect(keepnet.count('POST /connect/token')).toBe(1);
  expect(world.stack.secrets.getSecretValueCalls()).toBe(1);
});
