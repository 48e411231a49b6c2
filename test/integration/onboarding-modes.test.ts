// The end-to-end onboarding scenario of onboarding.test.ts with PARTICIPANTS_MODE=additive: once where
// the API does add, and once misconfigured, where an operator claimed additive behaviour but the API
// replaces. Verification must then notice the lost members on the first write and put them back.
import { NEW_GROUPS, onboardSixtyCompanies, startWorld, stopWorld, type World } from './onboarding-world';

describe.each([
  ['additive', 'additive'],
  ['replace', 'additive'],
] as const)('onboarding: API %s, PARTICIPANTS_MODE=%s', (api, ours) => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(api, ours, 5_000);
  });
  afterAll(async () => {
    await stopWorld(world);
  });

  it('puts 60 companies in all their groups under faults, losing no member, creating each new group once', async () => {
    const outcome = await onboardSixtyCompanies(world);
    expect(outcome.missing).toEqual([]);
    expect(outcome.lost).toEqual([]);
    expect(outcome.newGroupCopies).toEqual(NEW_GROUPS.map(() => 1));
    expect(outcome.creates).toBe(NEW_GROUPS.length);
    expect(outcome.deadLetters).toBe(0);
    // Every injected fault was actually met on the way.
    expect(outcome.faultsMet).toEqual(outcome.faultsMet.map(() => true));
  });
});
