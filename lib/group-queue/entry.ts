// The one place an onboarding-queue send is built: body, FIFO message group and deduplication id.
import { sha256 } from '../hash';
import type { OnboardingMessage } from './message';
import { type GroupTarget, messageGroupIdFor, targetKey } from './targets';

/**
 * Why a message is sent, with the keys that identify that one send. SQS drops a send whose
 * MessageDeduplicationId it saw in the last 5 minutes, so each id is derived from what makes the send
 * unique, never from the time: a retried invocation (or a redelivered event) sends the same ids and
 * queues nothing twice. The derivations are fixed: messages in flight and tests rely on them.
 *
 * - `route`: a CompanyCreated event (EventBridge id, webhook delivery id) for one target group and company;
 * - `forward`: a message keyed by group name, forwarded to the id it resolved to; `original` is the
 *   original message's deduplication id (its message id when it had none);
 * - `reroute`: a forwarded message whose group id Keepnet reports gone, routed by name again;
 * - `operation`: a group operation (HTTP API, CLI), one id per operation;
 * - `dead-letter`: a failed message moved to the DLQ by the worker, by its message id on the source queue;
 * - `redrive`: a dead letter sent back by the operator (`keepnet-groups dlq redrive`), by its message id in
 *   the DLQ. Readable, not hashed: it was so before the other purposes were gathered here, and it stays.
 */
export type Deduplication =
  | { purpose: 'route'; eventId: string; target: GroupTarget; companyResourceId: string }
  | { purpose: 'forward'; original: string; groupId: string }
  | { purpose: 'reroute'; original: string; staleId: string }
  | { purpose: 'operation'; operationId: string }
  | { purpose: 'dead-letter'; messageId: string }
  | { purpose: 'redrive'; messageId: string };

/** The MessageDeduplicationId of one send: lower-case hex SHA-256 (64 characters), or `redrive-<id>`. */
export function deduplicationId(dedup: Deduplication): string {
  switch (dedup.purpose) {
    case 'route':
      // The first purpose, from before the others existed: no prefix, and it stays so.
      return sha256(`${dedup.eventId}\n${targetKey(dedup.target)}\n${dedup.companyResourceId}`);
    case 'forward':
      return sha256(`forward\n${dedup.original}\n${dedup.groupId}`);
    case 'reroute':
      return sha256(`reroute\n${dedup.original}\n${dedup.staleId}`);
    case 'operation':
      return sha256(`operation\n${dedup.operationId}`);
    case 'dead-letter':
      return sha256(`dead-letter\n${dedup.messageId}`);
    case 'redrive':
      return `redrive-${dedup.messageId}`;
  }
}

/** The FIFO fields of one send, for `SendMessage` (a batch entry adds its `Id`: see `queueEntry`). */
export interface FifoMessage {
  MessageBody: string;
  MessageGroupId: string;
  MessageDeduplicationId: string;
}

/** Where a message is sent: a group target (its message group is derived), or a MessageGroupId kept as is. */
export type MessageGroup = GroupTarget | { messageGroupId: string };

/**
 * The FIFO fields of one send. `body` is a message (serialised here) or a body passed on unchanged (a
 * dead letter keeps the bytes it arrived with, so a redrive replays it as it was).
 */
export function fifoMessage(
  body: OnboardingMessage | string,
  group: MessageGroup,
  dedup: Deduplication,
): FifoMessage {
  return {
    MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
    MessageGroupId: 'messageGroupId' in group ? group.messageGroupId : messageGroupIdFor(group),
    MessageDeduplicationId: deduplicationId(dedup),
  };
}

/** One `SendMessageBatch` entry; `Id` is the entry's index in its batch (what SQS reports back). */
export type QueueEntry = FifoMessage & { Id: string };

/** A `SendMessageBatch` entry for `message`, entry `Id` = `index` (see `fifoMessage`). */
export function queueEntry(
  index: number,
  message: OnboardingMessage,
  group: MessageGroup,
  dedup: Deduplication,
): QueueEntry {
  return { Id: String(index), ...fifoMessage(message, group, dedup) };
}
