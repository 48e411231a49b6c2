// What became of one onboarding queue message: the worker decides it, the DLQ step, the operation
// records and the handler's metrics read it.
import type { ChangeOutcome } from '../membership/apply';

/** Why a message can never succeed as it is (the DLQ message's DeadLetterErrorCode). */
export type PermanentFailureCode =
  | 'INVALID_MESSAGE'
  | 'COMPANY_REFUSED'
  | 'GROUP_NOT_FOUND'
  | 'GROUP_NAME_REFUSED';

/** One message's fate in a batch. */
export type Outcome =
  | { ok: true; action: 'added' | 'already-member' | 'forwarded' | 'rerouted'; groupId: string }
  | { ok: true; action: 'applied'; groupId: string; operation: ChangeOutcome }
  | {
      ok: false;
      permanent: boolean;
      reason: string;
      groupMissing?: boolean;
      /** Set on permanent failures. */
      code?: PermanentFailureCode;
      /** Moved to the DLQ by the worker: to be reported processed, not failed. */
      deadLettered?: boolean;
    };
