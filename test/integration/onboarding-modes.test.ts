// The end-to-end onboarding scenario of onboarding.test.ts with PARTICIPANTS_MODE=additive: once where
// the API does add, and once misconfigured, where an operator claimed additive behaviour but the API
// replaces. Verification must then notice the lost members on the first write and put them back.
import { describeOnboardingUnderFaults } from './onboarding-under-faults';

describeOnboardingUnderFaults([
  ['additive', 'additive'],
  ['replace', 'additive'],
]);
