// A stand-in for Lambda's SQS event source mapping: long-polls a queue with the real SDK client (as the
// mapping does, so an idle queue costs no CPU) and invokes a handler with SQS-event-shaped records.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, makeLambdaContext } from '../lambda-events';

/** A Lambda SQS handler with partial batch responses. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** The queue, the handler, and the settings of the event source mapping being played. */
export interface FifoConsumerOptions {
  queueUrl: string;
  handler: SqsHandler;
  /** Parallel pollers (Lambda's maximum concurrency). Default 4. */
  concurrency?: number;
  /** Messages per invocation, 1..10. Default 10. */
  batchSize?: number;
  /** Default: a client built from the environment (AWS_ENDPOINT_URL_SQS). */
  sqs?: SQSClient;
  /** What context.getRemainingTimeInMillis() starts from. Default 30 s. */
  functionTimeoutMs?: number;
  /** Called when a handler throws (the whole batch is then left on the queue). */
  onError?: (error: unknown) => void;
  /**
   * Long-poll wait per receive, 1..20 s. Default 1: stop() lets each poll end (at most this long) rather
   * than abort it, since an aborted receive can still be answered on the server and leave the messages it
   * took in flight, to come back later with a higher receive count. 20 (Lambda's mapping) for a consumer
   * that runs until shutdown (`npm start -- --serve`): each idle consumer then costs one request per 20 s.
   */
  waitTimeSeconds?: number;
}

/** Running consumers: counters, a wait for an empty queue, and stop. */
export interface FifoConsumers {
  /** Invocations so far, and how many records they carried / failed. */
  readonly stats: { invocations: number; records: number; failures: number; errors: number };
  /** Resolves once the queue holds nothing visible or in flight and no invocation runs. */
  drained(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * No new polls; resolves when the running ones (and their invocations) end. `abortPolls`: cut waiting
   * polls off at once, for a shutdown (a message one of them took comes back after its visibility timeout).
   */
  stop(options?: { abortPolls?: boolean }): Promise<void>;
}

const REGION = () => process.env.AWS_REGION ?? 'us-east-1';

function toRecord(queueArn: string, m: Message): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? LOCAL_ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
    },
    // Lambda's shape: camelCase, binary as base64, the (unused) list fields empty.
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([name, v]) => [
        name,
        {
          dataType: v.DataType ?? 'String',
          ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
          ...(v.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') }
            : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION(),
  };
}

/**
 * Starts `concurrency` pollers. Several run at once and the queue's FIFO rules give "different message
 * groups in parallel, one group serially". Messages of a succeeded record are deleted; those in batchItemFailures
 * (or all, when the handler throws) stay and come back after the visibility timeout.
 */
export function runFifoConsumers(options: FifoConsumerOptions): FifoConsumers {
  const sqs = options.sqs ?? new SQSClient({});
  const batchSize = options.batchSize ?? 10;
  const stats = { invocations: 0, records: 0, failures: 0, errors: 0 };
  let running = true;
  let busy = 0;
  const aborting = new AbortController();
  let queueArn: string | undefined;

  const arn = async () => {
    queueArn ??= (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn;
    return queueArn ?? `arn:aws:sqs:local:${LOCAL_ACCOUNT_ID}:queue`;
  };

  const poll = async () => {
    while (running) {
      let Messages: Message[];
      try {
        ({ Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: batchSize,
            // A long poll: the reply comes as soon as a message is receivable, or when the wait is over.
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: aborting.signal },
        ));
      } catch (error) {
        if (aborting.signal.aborted) return;
        throw error;
      }
      if (Messages.length === 0) continue;
      busy++;
      try {
        const records = Messages.map((m) => toRecord(queueArn ?? '', m));
        stats.invocations++;
        stats.records += records.length;
        let failed: Set<string>;
        try {
          const response = await options.handler(
            { Records: records },
            makeLambdaContext({
              accountId: LOCAL_ACCOUNT_ID,
              functionName: 'onboarding-worker',
              timeoutMs: options.functionTimeoutMs ?? 30_000,
              memoryLimitInMB: 512,
              region: REGION(),
            }),
          );
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (error) {
          stats.errors++;
          options.onError?.(error);
          failed = new Set(records.map((r) => r.messageId));
        }
        stats.failures += failed.size;
        const done = records.filter((r) => !failed.has(r.messageId));
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
        }
      } finally {
        busy--;
      }
    }
  };

  const lanes = arn().then(() =>
    Promise.all(
      Array.from({ length: options.concurrency ?? 4 }, () =>
        poll().catch((error) => {
          stats.errors++;
          options.onError?.(error);
        }),
      ),
    ),
  );

  return {
    stats,
    async drained({ timeoutMs = 15_000 } = {}) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: options.queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const left =
          Number(Attributes.ApproximateNumberOfMessages) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible);
        if (left === 0 && busy === 0) return;
        if (Date.now() > until)
          throw new Error(`Queue not drained after ${timeoutMs} ms: ${left} message(s) left`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop({ abortPolls = false } = {}) {
      running = false;
      if (abortPolls) aborting.abort();
      await lanes;
    },
  };
}
