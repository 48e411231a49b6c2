// The onboarding dead-letter queue through the SQS API: list without consuming, redrive, delete.

import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { deduplicationId } from './entry';

/**
 * Message attributes of a dead letter the worker sent (lib/onboarding/dead-letter.ts): why, and which
 * delivery of which message. Shown by the CLI, stripped on redrive.
 */
export const DEAD_LETTER_ATTRIBUTES = {
  reason: 'DeadLetterReason',
  errorCode: 'DeadLetterErrorCode',
  originalMessageId: 'OriginalMessageId',
  receiveCount: 'ReceiveCount',
} as const;

/** Long enough to finish a listing of a few hundred messages; they are released right after. */
const PEEK_VISIBILITY_SECONDS = 30;

/** One message in the dead-letter queue, as received (and held invisible) by a listing. */
export interface DeadLetter {
  messageId: string;
  receiptHandle: string;
  body: string;
  messageGroupId: string | undefined;
  messageDeduplicationId: string | undefined;
  /** Deliveries so far, including the failed ones on the source queue. */
  receiveCount: number;
  sentAt: string | undefined;
  /** Set when the onboarding worker dead-lettered the message itself (absent for SQS's own redrive). */
  deadLetter: DeadLetterDetails | undefined;
  /** Every message attribute, as received: what redrive forwards, less the dead-letter ones. */
  messageAttributes: Record<string, MessageAttributeValue>;
}

/** What the worker said about a message it dead-lettered (its DEAD_LETTER_ATTRIBUTES). */
export interface DeadLetterDetails {
  reason: string | undefined;
  errorCode: string | undefined;
  /** The message's id on the source queue. */
  originalMessageId: string | undefined;
  /** The receive on the source queue at which the worker gave up. */
  receiveCount: number | undefined;
}

const deadLetterAttributeNames: ReadonlySet<string> = new Set(Object.values(DEAD_LETTER_ATTRIBUTES));

function deadLetterDetails(attributes: Record<string, MessageAttributeValue>): DeadLetterDetails | undefined {
  const text = (name: string) => attributes[name]?.StringValue;
  if (![...deadLetterAttributeNames].some((name) => text(name) !== undefined)) return undefined;
  const receiveCount = text(DEAD_LETTER_ATTRIBUTES.receiveCount);
  return {
    reason: text(DEAD_LETTER_ATTRIBUTES.reason),
    errorCode: text(DEAD_LETTER_ATTRIBUTES.errorCode),
    originalMessageId: text(DEAD_LETTER_ATTRIBUTES.originalMessageId),
    receiveCount: receiveCount === undefined ? undefined : Number(receiveCount),
  };
}

/**
 * The attributes a redriven copy carries: all but the worker's dead-letter ones (none: no field). On
 * the main queue those would claim a failure that has not happened yet; any others travel along.
 */
function forwardedAttributes(letter: DeadLetter): {
  MessageAttributes?: Record<string, MessageAttributeValue>;
} {
  const kept = Object.entries(letter.messageAttributes).filter(
    ([name]) => !deadLetterAttributeNames.has(name),
  );
  return kept.length > 0 ? { MessageAttributes: Object.fromEntries(kept) } : {};
}

function toDeadLetter(message: Message): DeadLetter {
  const attributes = message.Attributes ?? {};
  const sent = attributes.SentTimestamp;
  const messageAttributes = message.MessageAttributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    messageGroupId: attributes.MessageGroupId,
    messageDeduplicationId: attributes.MessageDeduplicationId,
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    sentAt: sent ? new Date(Number(sent)).toISOString() : undefined,
    deadLetter: deadLetterDetails(messageAttributes),
    messageAttributes,
  };
}

/** What `DeadLetterQueue.redrive` did, by message id. */
export interface RedriveResult {
  /** Sent to the target and deleted here. */
  moved: string[];
  /** Asked for by id, yet never seen in the queue. */
  missing: string[];
  /** The send or the delete failed: the message stays in the dead-letter queue (perhaps copied too). */
  failed: { messageId: string; error: string }[];
}

/**
 * One dead-letter queue. SQS has no peek: a listing receives the messages with a short visibility
 * timeout and makes them visible again at once, so nothing is consumed, though each listing raises
 * their receive count by one.
 */
export class DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    readonly url: string,
  ) {}

  /** Receives up to `max` messages, keeping them invisible to others until `release`/`delete`. */
  async peek(max: number): Promise<DeadLetter[]> {
    const seen = new Map<string, DeadLetter>();
    while (seen.size < max) {
      const reply = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.url,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          VisibilityTimeout: PEEK_VISIBILITY_SECONDS,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const messages = reply.Messages ?? [];
      if (messages.length === 0) break;
      for (const message of messages) {
        const letter = toDeadLetter(message);
        seen.set(letter.messageId, letter);
      }
    }
    return [...seen.values()];
  }

  /** Every message now visible, up to `max`, released again (nothing consumed). */
  async list(max: number): Promise<DeadLetter[]> {
    const letters = await this.peek(max);
    await this.release(letters);
    return letters;
  }

  /** Makes held messages visible again at once. */
  async release(letters: readonly DeadLetter[]): Promise<void> {
    for (const letter of letters) {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.url,
          ReceiptHandle: letter.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
  }

  /** Deletes a held message (its receipt handle is what grants it). */
  async delete(letter: DeadLetter): Promise<void> {
    await this.sqs.send(
      new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: letter.receiptHandle }),
    );
  }

  /**
   * Sends a copy of `letter` to `targetUrl`, then deletes it here, only after the send succeeded: a
   * failure in between can duplicate (the worker is idempotent) but never lose a message. The copy
   * keeps the body, the message group (FIFO queues need it) and the attributes but the dead-letter
   * ones; on a FIFO target it gets a fresh deduplication id, or SQS would drop it as a duplicate of the
   * original send when that is less than 5 minutes old. Throws what SQS throws.
   */
  async redriveOne(letter: DeadLetter, targetUrl: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: targetUrl,
        MessageBody: letter.body,
        ...forwardedAttributes(letter),
        ...(letter.messageGroupId ? { MessageGroupId: letter.messageGroupId } : {}),
        ...(targetUrl.endsWith('.fifo')
          ? { MessageDeduplicationId: deduplicationId({ purpose: 'redrive', messageId: letter.messageId }) }
          : {}),
      }),
    );
    await this.delete(letter);
  }

  /**
   * Redrives every message (`'all'`) or those with the given ids to `targetUrl` (see `redriveOne`).
   * Works in rounds: a FIFO queue hides the rest of a message group while some of its messages are in
   * flight, so more of a group becomes visible only once the first ones are deleted. Messages not
   * chosen stay held (invisible) until the end, so each round sees only new ones; they are released
   * before it returns. A failed message is reported, not thrown, and the others go on.
   */
  async redrive(targetUrl: string, which: 'all' | readonly string[]): Promise<RedriveResult> {
    const wanted = new Set(which === 'all' ? [] : which);
    const result: RedriveResult = { moved: [], missing: [], failed: [] };
    const seen = new Set<string>();
    const held: DeadLetter[] = [];
    for (;;) {
      const fresh = (await this.peek(Number.POSITIVE_INFINITY)).filter((m) => !seen.has(m.messageId));
      if (fresh.length === 0) break;
      for (const letter of fresh) {
        seen.add(letter.messageId);
        if (which !== 'all' && !wanted.has(letter.messageId)) {
          held.push(letter);
          continue;
        }
        try {
          await this.redriveOne(letter, targetUrl);
          result.moved.push(letter.messageId);
        } catch (error) {
          result.failed.push({
            messageId: letter.messageId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (which !== 'all' && which.every((id) => seen.has(id))) break;
    }
    await this.release(held);
    if (which !== 'all') result.missing = which.filter((id) => !seen.has(id));
    return result;
  }
}
