// Settling the messages of one group's work with one outcome.
import type { Outcome } from '../outcome';
import type { Parsed } from './deps';

/** Records `outcome` for every message of `items` (a group's work succeeds or fails as a whole). */
export function settleAll(items: readonly Parsed[], outcomes: Map<string, Outcome>, outcome: Outcome): void {
  for (const { record } of items) outcomes.set(record.messageId, outcome);
}
