// The end-to-end onboarding scenario both onboarding.test.ts and onboarding-modes.test.ts run, once per
// (how the API treats PUT …/participants, our PARTICIPANTS_MODE) pair. Split across two files only to
// keep each file's run time short.
import type { ParticipantsMode } from '../../lib/membership';
import { NEW_GROUPS, onboardSixtyCompanies, startWorld, stopWorld, type World } from './onboarding-world';

export function describeOnboardingUnderFaults(
  cases: ReadonlyArray<readonly [api: 'replace' | 'additive', ours: ParticipantsMode]>,
): void {
  describe.each(cases)('onboarding: API %s, PARTICIPANTS_MODE=%s', (api, ours) => {
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
      // ~3 s alone; CI runs it beside other suites on two cores.
    }, 30_000);
  });
}
