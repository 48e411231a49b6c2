// Failed messages to the dead-letter queue, by the worker, each with its reason.
import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_ATTRIBUTES } from '../group-queue/dead-letters';
import { fifoMessage } from '../group-queue/entry';
import { logger } from '../observability/powertools';
import type { Outcome } from './outcome';

type Failure = Extract<Outcome, { ok: false }>;

/** Used when the failure carries no more specific code. */
export const GENERIC_PERMANENT_CODE = 'PERMANENT_FAILURE';

/** A transient failure on the last receive the queue's redrive policy allows. */
export const RETRIES_EXHAUSTED_CODE = 'RETRIES_EXHAUSTED';

/** Attribute values count towards the 256 KiB message limit; a reason is a sentence, not a dump. */
const MAX_REASON_LENGTH = 1_000;

/**
 * The DeadLetterErrorCode under which the worker moves this record to the DLQ now, or undefined to
 * leave it (succeeded, already moved, or a transient failure SQS will retry). `maxReceiveCount`
 * undefined: transient failures are never moved by the worker (SQS's redrive takes them).
 */
export function deadLetterCodeFor(
  record: SQSRecord,
  outcome: Outcome | undefined,
  maxReceiveCount?: number,
): string | undefined {
  if (outcome?.ok !== false || outcome.deadLettered) return undefined;
  if (outcome.permanent) return outcome.code ?? GENERIC_PERMANENT_CODE;
  if (maxReceiveCount === undefined) return undefined;
  // SQS counts this delivery; at maxReceiveCount a failure is this message's last one.
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(receiveCount) && receiveCount >= maxReceiveCount
    ? RETRIES_EXHAUSTED_CODE
    : undefined;
}

/**
 * Sends every record `deadLetterCodeFor` picks to `dlqUrl`, body unchanged (a redrive replays it as it
 * was), in its message group, and marks the outcome `deadLettered` so the caller reports the record
 * processed. Records are sent one by one, in batch order: dead letters are rare, and a per-message
 * send tells exactly which ones made it.
 *
 * Why the worker does it: left to SQS, a message that can never succeed (unreadable body, unknown
 * company, a group nobody can fix) fails on every receive until maxReceiveCount. On a FIFO queue each
 * of those failures also fails every later record of its message group in the batch, so the good
 * messages queued behind it are redelivered with it, again and again, and can reach the DLQ too.
 * Sending the poison message to the DLQ ourselves, then reporting it processed, lets the rest of its
 * group go on at once. A transient failure on the last receive would be moved by SQS without any
 * reason attached, so the worker moves it itself (RETRIES_EXHAUSTED). If the send to the DLQ fails, the
 * record fails as before, so nothing is ever lost: SQS's own redrive stays the safety net. Never throws.
 */
export async function deadLetterFailures(
  records: readonly SQSRecord[],
  outcomes: Map<string, Outcome>,
  sqs: SQSClient,
  target: { dlqUrl: string; maxReceiveCount?: number },
): Promise<void> {
  for (const record of records) {
    const outcome = outcomes.get(record.messageId);
    const code = deadLetterCodeFor(record, outcome, target.maxReceiveCount);
    if (!code || outcome?.ok !== false) continue;
    const messageGroupId = record.attributes.MessageGroupId;
    // Not from a FIFO queue: the FIFO DLQ would refuse it; SQS's own redrive handles it.
    if (!messageGroupId) continue;
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: target.dlqUrl,
          // From the original message id: a retried send (say the invocation died after it) is dropped.
          ...fifoMessage(
            record.body,
            { messageGroupId },
            { purpose: 'dead-letter', messageId: record.messageId },
          ),
          MessageAttributes: deadLetterAttributes(record, outcome, code),
        }),
      );
      outcomes.set(record.messageId, { ...outcome, deadLettered: true });
    } catch (error) {
      // The record fails as if no DLQ were configured: SQS redelivers it and redrives it in the end.
      logger.warn('Could not move a failed message to the DLQ; SQS will retry or redrive it', {
        messageId: record.messageId,
        error: (error as Error).name,
        reason: (error as Error).message,
      });
    }
  }
}

function deadLetterAttributes(
  record: SQSRecord,
  failure: Failure,
  code: string,
): Record<string, MessageAttributeValue> {
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  const reason =
    failure.reason.length > MAX_REASON_LENGTH
      ? `${failure.reason.slice(0, MAX_REASON_LENGTH - 3)}...`
      : failure.reason;
  return {
    [DEAD_LETTER_ATTRIBUTES.reason]: text(reason || 'no reason given'),
    [DEAD_LETTER_ATTRIBUTES.errorCode]: text(code),
    [DEAD_LETTER_ATTRIBUTES.originalMessageId]: text(record.messageId),
    [DEAD_LETTER_ATTRIBUTES.receiveCount]: {
      DataType: 'Number',
      StringValue: record.attributes.ApproximateReceiveCount || '1',
    },
  };
}
