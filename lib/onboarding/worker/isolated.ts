import type { Outcome } from '../outcome';
import type { Parsed } from './deps';

/**
 * One group's work, fenced: whatever it throws unexpectedly fails that group's messages (retryable)
 * and nothing else, so one group's bug or outage never fails or re-runs the other groups of the batch.
 */
export function isolated(items: Parsed[], outcomes: Map<string, Outcome>, work: () => Promise<void>) {
  return async () => {
    try {
      await work();
    } catch (error) {
      const reason = `Unexpected failure: ${(error as Error).message}`;
      for (const { record } of items) outcomes.set(record.messageId, { ok: false, permanent: false, reason });
    }
    // A message the work forgot to settle must not pass as done.
    for (const { record } of items) {
      if (!outcomes.has(record.messageId))
        outcomes.set(record.messageId, { ok: false, permanent: false, reason: 'No outcome recorded' });
    }
  };
}
