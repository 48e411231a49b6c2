// In-memory model of one SQS queue with FIFO semantics, as far as this project relies on them:
// per-MessageGroupId order, at most one in-flight batch per group, a de-duplication window on
// MessageDeduplicationId, visibility timeouts, ApproximateReceiveCount and redrive to a DLQ after
// maxReceiveCount. Standard (non-FIFO) queues are served too, without the group rules.
import { createHash, randomUUID } from 'node:crypto';
import { SqsError } from './errors';
import { attributesSize, type MessageAttributes, md5OfMessageAttributes } from './message-attributes';

/** A message as a queue keeps it, with its delivery state. */
export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  /** As sent; they travel with the message, also into the DLQ. */
  messageAttributes: MessageAttributes;
  md5OfMessageAttributes: string | undefined;
  groupId: string | undefined;
  deduplicationId: string | undefined;
  sequenceNumber: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  /** Epoch ms when the message is visible again. */
  visibleAt: number;
  /** Set while received; a delete needs the latest one. */
  receiptHandle: string | undefined;
}

/** A queue's RedrivePolicy attribute, parsed. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** Hex MD5 of UTF-8 text: what SQS returns as MD5OfMessageBody. */
export const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

const DEDUP_WINDOW_MS = 5 * 60_000;
const GROUP_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/** One queue: send, receive, delete and visibility changes under the rules in the file header; errors are SqsErrors. */
export class LocalQueue {
  readonly messages: StoredMessage[] = [];
  readonly #dedup = new Map<string, { messageId: string; sequenceNumber: string; expires: number }>();
  #sequence = 0n;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    readonly attributes: Record<string, string>,
    /** Multiplies visibility timeouts (tests run a 30 s timeout in 30 ms with 0.001). */
    private readonly timeScale: number,
  ) {}

  get fifo(): boolean {
    return this.attributes.FifoQueue === 'true';
  }

  get visibilityTimeoutSeconds(): number {
    return Number(this.attributes.VisibilityTimeout ?? '30');
  }

  get redrivePolicy(): RedrivePolicy | undefined {
    const text = this.attributes.RedrivePolicy;
    if (!text) return undefined;
    const parsed = JSON.parse(text) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    return {
      deadLetterTargetArn: parsed.deadLetterTargetArn,
      maxReceiveCount: Number(parsed.maxReceiveCount),
    };
  }

  send(input: {
    body: string;
    messageAttributes?: MessageAttributes;
    groupId?: string | undefined;
    deduplicationId?: string | undefined;
  }): {
    messageId: string;
    md5OfBody: string;
    md5OfMessageAttributes: string | undefined;
    sequenceNumber: string | undefined;
    duplicate: boolean;
  } {
    if (input.body.length === 0)
      throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    const messageAttributes = input.messageAttributes ?? {};
    // Attributes count towards the size limit, as in SQS.
    if (Buffer.byteLength(input.body) + attributesSize(messageAttributes) > 262_144) {
      throw new SqsError('InvalidParameterValue', 'Message must be shorter than 262144 bytes.');
    }
    const md5OfBody = md5(input.body);
    const md5OfAttributes = md5OfMessageAttributes(messageAttributes);
    let deduplicationId = input.deduplicationId;
    if (this.fifo) {
      if (!input.groupId)
        throw new SqsError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
      if (!GROUP_ID.test(input.groupId))
        throw new SqsError('InvalidParameterValue', 'MessageGroupId is invalid.');
      if (!deduplicationId) {
        if (this.attributes.ContentBasedDeduplication !== 'true') {
          throw new SqsError(
            'InvalidParameterValue',
            'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
          );
        }
        deduplicationId = createHash('sha256').update(input.body).digest('hex');
      }
      if (!GROUP_ID.test(deduplicationId))
        throw new SqsError('InvalidParameterValue', 'MessageDeduplicationId is invalid.');
      const now = Date.now();
      const seen = this.#dedup.get(deduplicationId);
      if (seen && seen.expires > now) {
        return {
          messageId: seen.messageId,
          md5OfBody,
          md5OfMessageAttributes: md5OfAttributes,
          sequenceNumber: seen.sequenceNumber,
          duplicate: true,
        };
      }
    }
    const sequenceNumber = (++this.#sequence).toString().padStart(20, '0');
    const message: StoredMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody,
      messageAttributes,
      md5OfMessageAttributes: md5OfAttributes,
      groupId: this.fifo ? input.groupId : undefined,
      deduplicationId: this.fifo ? deduplicationId : undefined,
      sequenceNumber,
      sentTimestamp: Date.now(),
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      visibleAt: 0,
      receiptHandle: undefined,
    };
    this.messages.push(message);
    if (this.fifo && deduplicationId) {
      this.#dedup.set(deduplicationId, {
        messageId: message.messageId,
        sequenceNumber,
        expires: Date.now() + DEDUP_WINDOW_MS,
      });
    }
    return {
      messageId: message.messageId,
      md5OfBody,
      md5OfMessageAttributes: md5OfAttributes,
      sequenceNumber: this.fifo ? sequenceNumber : undefined,
      duplicate: false,
    };
  }

  /** Messages whose receive would exceed maxReceiveCount: the caller moves them to the DLQ. */
  takeExhausted(now = Date.now()): StoredMessage[] {
    const policy = this.redrivePolicy;
    if (!policy) return [];
    const exhausted = this.messages.filter(
      (m) => m.visibleAt <= now && m.receiveCount >= policy.maxReceiveCount,
    );
    for (const m of exhausted) this.messages.splice(this.messages.indexOf(m), 1);
    return exhausted;
  }

  /** Adopts a message moved here from another queue's redrive (keeps id, body, message attributes, group and dedup id). */
  adopt(message: StoredMessage): void {
    this.messages.push({
      ...message,
      sequenceNumber: (++this.#sequence).toString().padStart(20, '0'),
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      visibleAt: 0,
      receiptHandle: undefined,
    });
  }

  receive(max: number, visibilityTimeoutSeconds: number | undefined, now = Date.now()): StoredMessage[] {
    const timeoutMs = (visibilityTimeoutSeconds ?? this.visibilityTimeoutSeconds) * 1000 * this.timeScale;
    const picked: StoredMessage[] = [];
    if (this.fifo) {
      // A group with a message in flight is locked: its later messages wait, in order.
      const locked = new Set(this.messages.filter((m) => m.visibleAt > now).map((m) => m.groupId));
      const groups = new Map<string | undefined, StoredMessage[]>();
      for (const m of this.messages) {
        if (locked.has(m.groupId)) continue;
        groups.set(m.groupId, [...(groups.get(m.groupId) ?? []), m]);
      }
      // Fill the batch group by group (oldest head first), like SQS, so a batch carries whole groups.
      for (const members of groups.values()) {
        for (const m of members) {
          if (picked.length >= max) break;
          picked.push(m);
        }
        if (picked.length >= max) break;
      }
    } else {
      for (const m of this.messages) {
        if (picked.length >= max) break;
        if (m.visibleAt <= now) picked.push(m);
      }
    }
    for (const m of picked) {
      m.receiveCount++;
      m.firstReceiveTimestamp ??= now;
      m.visibleAt = now + timeoutMs;
      m.receiptHandle = `${m.messageId}#${randomUUID()}`;
    }
    return picked;
  }

  #byReceipt(receiptHandle: string): StoredMessage {
    const m = this.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m)
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        'The input receipt handle is invalid.',
        'ReceiptHandleIsInvalid',
      );
    return m;
  }

  delete(receiptHandle: string): void {
    const m = this.#byReceipt(receiptHandle);
    this.messages.splice(this.messages.indexOf(m), 1);
  }

  changeVisibility(receiptHandle: string, seconds: number, now = Date.now()): void {
    const m = this.#byReceipt(receiptHandle);
    if (m.visibleAt <= now) {
      throw new SqsError(
        'MessageNotInflight',
        'The message referred to is not in flight.',
        'AWS.SimpleQueueService.MessageNotInflight',
      );
    }
    m.visibleAt = now + seconds * 1000 * this.timeScale;
  }

  purge(): void {
    this.messages.length = 0;
  }

  /** When the next in-flight message becomes visible again (epoch ms), if any is in flight. */
  nextVisibleAt(now = Date.now()): number | undefined {
    let next: number | undefined;
    for (const m of this.messages)
      if (m.visibleAt > now && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
    return next;
  }

  counts(now = Date.now()): { visible: number; inFlight: number } {
    const inFlight = this.messages.filter((m) => m.visibleAt > now).length;
    return { visible: this.messages.length - inFlight, inFlight };
  }
}
