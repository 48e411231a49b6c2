// SendMessageBatch, 10 entries per call, retrying the entries SQS reports as failed (a batch call can
// succeed while some of its entries do not).
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** One entry SQS accepted: the entry `Id` sent and the message id SQS gave it. */
export interface QueuedMessage {
  entryId: string;
  messageId: string;
}

/** Entries SQS still refused after the retries (or refused as the sender's fault), with their codes. */
export class QueueSendError extends Error {
  constructor(
    message: string,
    readonly failed: { id: string; code: string | undefined; senderFault: boolean }[],
  ) {
    super(message);
    this.name = 'QueueSendError';
  }
}

const MAX_ATTEMPTS = 3;

/**
 * Sends `entries` in batches of 10, retrying refused entries that are not the sender's fault up to 3
 * attempts. Answers every accepted entry; throws `QueueSendError` when any entry is still refused (those
 * before it may have been sent: deterministic deduplication ids make the retry safe).
 */
export async function sendMessages(
  sqs: SQSClient,
  queueUrl: string,
  entries: SendMessageBatchRequestEntry[],
): Promise<QueuedMessage[]> {
  const queued: QueuedMessage[] = [];
  for (let start = 0; start < entries.length; start += 10) {
    let pending = entries.slice(start, start + 10);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const reply = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      for (const ok of reply.Successful ?? []) queued.push({ entryId: ok.Id!, messageId: ok.MessageId! });
      const failed = reply.Failed ?? [];
      if (failed.length === 0) break;
      const retryable = failed.filter((f) => !f.SenderFault);
      if (attempt >= MAX_ATTEMPTS || retryable.length < failed.length) {
        throw new QueueSendError(
          `SQS refused ${failed.length} of ${pending.length} messages: ${failed.map((f) => f.Code).join(', ')}`,
          failed.map((f) => ({ id: f.Id!, code: f.Code, senderFault: f.SenderFault ?? false })),
        );
      }
      const retryIds = new Set(retryable.map((f) => f.Id));
      pending = pending.filter((e) => retryIds.has(e.Id));
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
  return queued;
}
