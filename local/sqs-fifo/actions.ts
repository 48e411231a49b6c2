// One handler per SQS action the project's code and tests call, each taking the endpoint's state and
// the parsed request and returning the reply body (or throwing an SqsError). ./server.ts dispatches to
// them by name through ACTIONS.

import { SqsError } from './errors';
import {
  md5OfMessageAttributes,
  parseMessageAttributes,
  selectMessageAttributes,
} from './message-attributes';
import { batch, type SqsRequest } from './protocol';
import type { LocalQueue, StoredMessage } from './queue';
import { ACCOUNT, type SqsState } from './state';

/** An action handler; `signal` aborts when the caller hangs up (only long polls listen to it). */
export type SqsAction = (state: SqsState, input: SqsRequest, signal: AbortSignal) => unknown;

/** Actions that change no queue: every other one may make a message receivable, so it wakes long polls. */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  'ReceiveMessage',
  'GetQueueUrl',
  'ListQueues',
  'GetQueueAttributes',
]);

const createQueue: SqsAction = (state, input) => ({
  QueueUrl: state.createQueue(String(input.QueueName), (input.Attributes as Record<string, string>) ?? {}),
});

const getQueueUrl: SqsAction = (state, input) => ({ QueueUrl: state.queueByUrl(input.QueueName).url });

const listQueues: SqsAction = (state) => ({ QueueUrls: [...state.queues.values()].map((q) => q.url) });

const getQueueAttributes: SqsAction = (state, input) => {
  const queue = state.queueByUrl(input.QueueUrl);
  state.redrive(queue, Date.now());
  const { visible, inFlight } = queue.counts();
  return {
    Attributes: {
      ...queue.attributes,
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: '0',
    },
  };
};

const setQueueAttributes: SqsAction = (state, input) => {
  Object.assign(state.queueByUrl(input.QueueUrl).attributes, input.Attributes);
  return {};
};

const purgeQueue: SqsAction = (state, input) => {
  state.queueByUrl(input.QueueUrl).purge();
  return {};
};

/** One SendMessage (or one SendMessageBatch entry); fails while `failSends` injected faults remain. */
function sendOne(state: SqsState, queue: LocalQueue, entry: SqsRequest) {
  if (state.failSends > 0) {
    state.failSends--;
    throw new SqsError('ServiceUnavailable', 'Injected failure', 'ServiceUnavailable', 503);
  }
  const result = queue.send({
    body: String(entry.MessageBody ?? ''),
    messageAttributes: parseMessageAttributes(entry.MessageAttributes),
    groupId: entry.MessageGroupId as string | undefined,
    deduplicationId: entry.MessageDeduplicationId as string | undefined,
  });
  if (!result.duplicate) state.sent++;
  return {
    MessageId: result.messageId,
    MD5OfMessageBody: result.md5OfBody,
    ...(result.md5OfMessageAttributes ? { MD5OfMessageAttributes: result.md5OfMessageAttributes } : {}),
    ...(result.sequenceNumber ? { SequenceNumber: result.sequenceNumber } : {}),
  };
}

const sendMessage: SqsAction = (state, input) => sendOne(state, state.queueByUrl(input.QueueUrl), input);

const sendMessageBatch: SqsAction = (state, input) => {
  const queue = state.queueByUrl(input.QueueUrl);
  return batch(input.Entries, (entry) => sendOne(state, queue, entry));
};

/** A received message; message attributes only those `attributeNames` asks for, as SQS does. */
function toWire(queue: LocalQueue, m: StoredMessage, attributeNames: unknown) {
  const messageAttributes = selectMessageAttributes(m.messageAttributes, attributeNames);
  // The digest covers what is returned, so a client can check it against what it got.
  const md5OfAttributes = md5OfMessageAttributes(messageAttributes);
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
    ...(md5OfAttributes
      ? { MessageAttributes: messageAttributes, MD5OfMessageAttributes: md5OfAttributes }
      : {}),
    Attributes: {
      SenderId: ACCOUNT,
      SentTimestamp: String(m.sentTimestamp),
      ApproximateReceiveCount: String(m.receiveCount),
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? m.sentTimestamp),
      ...(queue.fifo
        ? {
            SequenceNumber: m.sequenceNumber,
            MessageGroupId: m.groupId,
            MessageDeduplicationId: m.deduplicationId,
          }
        : {}),
    },
  };
}

/** Receives up to MaxNumberOfMessages, long-polling up to WaitTimeSeconds (at most 20) when none is ready. */
const receiveMessage: SqsAction = async (state, input, signal) => {
  const queue = state.queueByUrl(input.QueueUrl);
  const max = Number(input.MaxNumberOfMessages ?? 1);
  if (!(max >= 1 && max <= 10)) {
    throw new SqsError(
      'InvalidParameterValue',
      'Value for parameter MaxNumberOfMessages is invalid. Reason: must be between 1 and 10.',
    );
  }
  const waitUntil = Date.now() + Math.min(Number(input.WaitTimeSeconds ?? 0), 20) * 1000;
  const visibility = input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout);
  for (;;) {
    const now = Date.now();
    // A caller that hung up (a consumer stopping) takes nothing: its messages would sit in flight.
    if (signal.aborted || state.closed) return { Messages: [] };
    state.redrive(queue, now);
    const picked = queue.receive(max, visibility, now);
    if (picked.length > 0 || now >= waitUntil)
      return { Messages: picked.map((m) => toWire(queue, m, input.MessageAttributeNames)) };
    const until = Math.min(waitUntil, queue.nextVisibleAt(now) ?? waitUntil);
    await state.sleep(Math.max(1, until - now), signal);
  }
};

const deleteMessage: SqsAction = (state, input) => {
  state.queueByUrl(input.QueueUrl).delete(String(input.ReceiptHandle));
  return {};
};

const deleteMessageBatch: SqsAction = (state, input) => {
  const queue = state.queueByUrl(input.QueueUrl);
  return batch(input.Entries, (entry) => {
    queue.delete(String(entry.ReceiptHandle));
    return {};
  });
};

const changeMessageVisibility: SqsAction = (state, input) => {
  state
    .queueByUrl(input.QueueUrl)
    .changeVisibility(String(input.ReceiptHandle), Number(input.VisibilityTimeout));
  return {};
};

const changeMessageVisibilityBatch: SqsAction = (state, input) => {
  const queue = state.queueByUrl(input.QueueUrl);
  return batch(input.Entries, (entry) => {
    queue.changeVisibility(String(entry.ReceiptHandle), Number(entry.VisibilityTimeout));
    return {};
  });
};

/** The served actions by name (the part of X-Amz-Target after `AmazonSQS.`); any other is InvalidAction. */
export const ACTIONS: ReadonlyMap<string, SqsAction> = new Map([
  ['CreateQueue', createQueue],
  ['GetQueueUrl', getQueueUrl],
  ['ListQueues', listQueues],
  ['GetQueueAttributes', getQueueAttributes],
  ['SetQueueAttributes', setQueueAttributes],
  ['PurgeQueue', purgeQueue],
  ['SendMessage', sendMessage],
  ['SendMessageBatch', sendMessageBatch],
  ['ReceiveMessage', receiveMessage],
  ['DeleteMessage', deleteMessage],
  ['DeleteMessageBatch', deleteMessageBatch],
  ['ChangeMessageVisibility', changeMessageVisibility],
  ['ChangeMessageVisibilityBatch', changeMessageVisibilityBatch],
]);
