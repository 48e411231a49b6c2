// One group's work, fenced off from the other groups of the batch.
import type { Outcome } from '../outcome';
import type { Parsed } from './deps';
import { settleAll } from './settle';

/**
 * Runs one group's work, fenced: whatever it throws unexpectedly fails that group's messages
 * (retryable) and nothing else, so one group's bug or outage never fails or re-runs the other groups
 * of the batch. A message the work left without an outcome fails too (retryable): it must not pass as
 * done. Never throws.
 */
export async function runIsolated(
  items: readonly Parsed[],
  outcomes: Map<string, Outcome>,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    settleAll(items, outcomes, {
      ok: false,
      permanent: false,
      reason: `Unexpected failure: ${(error as Error).message}`,
    });
  }
  for (const { record } of items) {
    if (!outcomes.has(record.messageId))
      outcomes.set(record.messageId, { ok: false, permanent: false, reason: 'No outcome recorded' });
  }
}
