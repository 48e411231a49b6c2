// After a batch: each operation's record says what happened to it. Applied → succeeded with what it
// did (a rename Keepnet refused → failed). Rejected or dead-lettered → failed with the reason. Still
// to be retried → left pending (the next delivery settles it).

import type { OperationMessage } from '../group-queue/message';
import { type OperationRecord, requestHashOf } from '../operations/operation';
import type { OperationStore } from '../operations/store';
import { GENERIC_PERMANENT_CODE, RETRIES_EXHAUSTED_CODE } from './dead-letter';
import type { Outcome } from './outcome';

interface OperationItem {
  record: { messageId: string };
  message: OperationMessage;
}

/** Writes the record of every settled operation of the batch; a failed write fails the batch's message. */
export async function recordOperationOutcomes(
  store: OperationStore,
  items: readonly OperationItem[],
  outcomes: Map<string, Outcome>,
): Promise<void> {
  await Promise.all(
    items.map(async ({ record, message }) => {
      const outcome = outcomes.get(record.messageId);
      const settled = settledRecord(message, outcome);
      if (!settled) return;
      try {
        await store.put(settled);
      } catch (error) {
        // The change is made; only its report is missing. Retrying re-applies it (a no-op) and writes it.
        if (outcome?.ok) {
          outcomes.set(record.messageId, {
            ok: false,
            permanent: false,
            reason: `Applied, but its operation record could not be written: ${(error as Error).message}`,
          });
        }
      }
    }),
  );
}

function settledRecord(message: OperationMessage, outcome: Outcome | undefined): OperationRecord | undefined {
  const base = {
    operationId: message.operationId,
    groupId: message.groupId,
    change: message.change,
    source: message.source,
    requestedAt: message.requestedAt,
    updatedAt: new Date().toISOString(),
    // Not on the message: recomputed the submitter's way, so an Idempotency-Key retry still matches.
    requestHash: requestHashOf(message.groupId, message.change),
  };
  if (outcome?.ok && outcome.action === 'applied') {
    const result = outcome.operation;
    if (result.renameRefused !== undefined) {
      return {
        ...base,
        status: 'failed',
        result,
        error: { code: 'RENAME_REFUSED', reason: result.renameRefused },
      };
    }
    return { ...base, status: 'succeeded', result };
  }
  if (outcome && !outcome.ok && (outcome.permanent || outcome.deadLettered)) {
    return {
      ...base,
      status: 'failed',
      error: {
        code: outcome.code ?? (outcome.permanent ? GENERIC_PERMANENT_CODE : RETRIES_EXHAUSTED_CODE),
        reason: outcome.reason,
      },
    };
  }
  return undefined;
}
