// The onboarding dead-letter queue, through the SQS API.
// Listing must not consume anything: messages are received with a short visibility timeout and made
// visible again at once (SQS has no peek, so each listing does raise their receive count by one). Redrive sends a copy to the source queue first and deletes the original only
// after that send succeeded, so a failure in between can duplicate (the worker is idempotent) but
// never lose a message. The attributes the onboarding worker sets on a dead letter (why, which
// message, which receive) are shown, and stripped on redrive: on the main queue they would claim a
// failure that has not happened yet; any other message attributes travel along.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** Message attributes of a dead letter the worker sent: why, and which delivery of which message. */
export const DEAD_LETTER_ATTRIBUTES = {
  reason: 'DeadLetterReason',
  errorCode: 'DeadLetterErrorCode',
  originalMessageId: 'OriginalMessageId',
  receiveCount: 'ReceiveCount',
} as const;

/** Long enough to finish a listing of a few hundred messages; they are released right after. */
const PEEK_VISIBILITY_SECONDS = 30;

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

/** The attributes a redriven copy carries: all but the worker's dead-letter ones (none: no field). */
export function forwardedAttributes(letter: DeadLetter): {
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

  async delete(letter: DeadLetter): Promise<void> {
    await this.sqs.send(
      new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: letter.receiptHandle }),
    );
  }
}
