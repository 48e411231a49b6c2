// PutEvents for the poller, retrying the entries EventBridge refuses.
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';

/** Which entries EventBridge accepted, why the others were refused, and the calls it took. */
export interface EmitResult {
  /** accepted[i] tells whether entries[i] was accepted. */
  accepted: boolean[];
  /** The last error code per refused entry. */
  errors: Map<number, string>;
  calls: number;
}

/**
 * PutEvents in calls of 10, retrying the entries EventBridge reports as failed (FailedEntryCount > 0
 * on a 200 reply) up to `maxAttempts`, backing off from `backoffMs`. Answers which inputs were accepted,
 * in input order, so the caller can advance its watermark over exactly the accepted prefix. Throws
 * what the client throws for a whole failed call.
 */
export async function putEventsWithRetry(
  client: EventBridgeClient,
  entries: PutEventsRequestEntry[],
  { maxAttempts = 3, backoffMs = 100 } = {},
): Promise<EmitResult> {
  const accepted = entries.map(() => false);
  const errors = new Map<number, string>();
  let calls = 0;
  for (let start = 0; start < entries.length; start += 10) {
    let pending = entries.slice(start, start + 10).map((_, i) => start + i);
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 2)));
      calls++;
      const reply = await client.send(new PutEventsCommand({ Entries: pending.map((i) => entries[i]!) }));
      const results = reply.Entries ?? [];
      const retry: number[] = [];
      pending.forEach((index, position) => {
        const result = results[position];
        if (result?.EventId && !result.ErrorCode) {
          accepted[index] = true;
          errors.delete(index);
        } else {
          errors.set(index, result?.ErrorCode ?? 'NoResult');
          retry.push(index);
        }
      });
      pending = retry;
    }
    // Stop at the first chunk that could not be fully delivered: later ones would only widen the gap.
    if (pending.length > 0) break;
  }
  return { accepted, errors, calls };
}
