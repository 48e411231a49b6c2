// SendMessageBatch, 10 entries per call, retrying the entries SQS reports as failed (a batch call can
// succeed while some of its entries do not). Throws if any entry is still refused, so the caller's
// invocation fails and is retried: with deterministic de-duplication ids a retry never duplicates.
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface QueuedMessage {
  entryId: string;
  messageId: string;
}

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
