// The one way a membership write ends without an upstream error: it would not converge.
import type { ResourceId } from '../keepnet/types';

/** The group still differs from the target after every allowed write + verify round. */
export class MembershipNotVerifiedError extends Error {
  constructor(
    readonly groupId: ResourceId,
    readonly missing: ResourceId[],
    readonly unexpected: ResourceId[],
  ) {
    super(
      `Membership of group ${groupId} not verified after writing: ` +
        `${missing.length} expected member(s) missing, ${unexpected.length} unexpected member(s) present`,
    );
    this.name = 'MembershipNotVerifiedError';
  }
}
