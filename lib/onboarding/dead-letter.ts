// Poison messages straight to the dead-letter queue, by the worker, on their first receive.
//
// Left to SQS, a message that can never succeed (unreadable body, unknown company, a group nobody can
// fix) fails on every receive until maxReceiveCount. On a FIFO queue each of those failures also fails
// every later record of its message group in the batch, so the good messages queued behind it are
// redelivered with it, again and again, and can reach the DLQ too. Sending the poison message to the
// DLQ ourselves, then reporting it processed, lets the rest of its group go on at once.
//
// Only permanent failures are moved: a transient one (Keepnet 5xx, throttling, timeout) still fails
// the record and is retried by SQS. If the send to the DLQ fails, the record fails as before, so
// nothing is ever lost: SQS's own redrive stays the safety net.
import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { logger } from '../observability/powertools';
import { sha256 } from './targets';
import type { Outcome } from './worker';

type Failure = Extract<Outcome, { ok: false }>;

/** Message attributes of a dead letter the worker sent: why, and which delivery of which message. */
export const DEAD_LETTER_ATTRIBUTES = {
  reason: 'DeadLetterReason',
  errorCode: 'DeadLetterErrorCode',
  originalMessageId: 'OriginalMessageId',
  receiveCount: 'ReceiveCount',
} as const;

/** Used when the failure carries no more specific code. */
export const GENERIC_PERMANENT_CODE = 'PERMANENT_FAILURE';

/** Attribute values count towards the 256 KiB message limit; a reason is a sentence, not a dump. */
const MAX_REASON_LENGTH = 1_000;

/**
 * Sends every record whose outcome is a permanent failure to `dlqUrl`, body unchanged (a redrive
 * replays it as it was), in its message group, and marks the outcome `deadLettered` so the caller
 * reports the record processed. Records are sent one by one, in batch order: poison is rare, and
 * a per-message send tells exactly which ones made it.
 */
export async function deadLetterPermanentFailures(
  records: readonly SQSRecord[],
  outcomes: Map<string, Outcome>,
  sqs: SQSClient,
  dlqUrl: string,
): Promise<void> {
  for (const record of records) {
    const outcome = outcomes.get(record.messageId);
    if (!isPermanentFailure(outcome)) continue;
    const messageGroupId = record.attributes.MessageGroupId;
    // Not from a FIFO queue: the FIFO DLQ would refuse it; SQS's own redrive handles it.
    if (!messageGroupId) continue;
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: record.body,
          MessageGroupId: messageGroupId,
          // From the original message id: a retried send (say the invocation died after it) is dropped.
          MessageDeduplicationId: sha256(`dead-letter\n${record.messageId}`),
          MessageAttributes: deadLetterAttributes(record, outcome),
        }),
      );
      outcomes.set(record.messageId, { ...outcome, deadLettered: true });
    } catch (error) {
      // The record fails as if no DLQ were configured: SQS redelivers it and redrives it in the end.
      logger.warn('Could not dead-letter a poison message; it will be retried', {
        messageId: record.messageId,
        error: (error as Error).name,
        reason: (error as Error).message,
      });
    }
  }
}

function isPermanentFailure(outcome: Outcome | undefined): outcome is Failure {
  return outcome?.ok === false && outcome.permanent && !outcome.deadLettered;
}

function deadLetterAttributes(record: SQSRecord, failure: Failure): Record<string, MessageAttributeValue> {
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  const reason =
    failure.reason.length > MAX_REASON_LENGTH
      ? `${failure.reason.slice(0, MAX_REASON_LENGTH - 3)}...`
      : failure.reason;
  return {
    [DEAD_LETTER_ATTRIBUTES.reason]: text(reason || 'no reason given'),
    [DEAD_LETTER_ATTRIBUTES.errorCode]: text(failure.code ?? GENERIC_PERMANENT_CODE),
    [DEAD_LETTER_ATTRIBUTES.originalMessageId]: text(record.messageId),
    [DEAD_LETTER_ATTRIBUTES.receiveCount]: {
      DataType: 'Number',
      StringValue: record.attributes.ApproximateReceiveCount || '1',
    },
  };
}
