// A minimal SQS endpoint speaking the AWS JSON 1.0 protocol that @aws-sdk/client-sqs v3 uses
// (POST /, X-Amz-Target: AmazonSQS.<Action>, x-amzn-query-mode), so the real SDK client runs against
// it. Requests are not authenticated. Queue semantics live in ./queue.ts, message attributes (kept,
// filtered on receive, MD5OfMessageAttributes) in ./message-attributes.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type MessageAttributes,
  md5OfMessageAttributes,
  parseMessageAttributes,
  selectMessageAttributes,
} from './message-attributes';
import { LocalQueue, SqsError, type StoredMessage } from './queue';

export interface SqsServerOptions {
  port?: number;
  host?: string;
  region?: string;
  /** Multiplies visibility timeouts: 0.001 makes a 30 s timeout last 30 ms (tests). Default 1. */
  timeScale?: number;
}

export interface QueueSnapshotMessage {
  messageId: string;
  body: string;
  groupId: string | undefined;
  deduplicationId: string | undefined;
  /** As sent (binary values as base64). */
  messageAttributes: MessageAttributes;
  receiveCount: number;
  inFlight: boolean;
}

export interface LocalSqs {
  /** Endpoint for AWS_ENDPOINT_URL_SQS: http://127.0.0.1:PORT */
  readonly url: string;
  /** Creates (or returns) a queue; `attributes` as CreateQueue takes them. Returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): string;
  /** Creates `name` (.fifo) with a FIFO DLQ `name-dlq.fifo` and a redrive policy. */
  createFifoQueueWithDlq(
    name: string,
    options?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number },
  ): { queueUrl: string; dlqUrl: string };
  /** What a queue holds now (by name or URL). */
  messages(queue: string): QueueSnapshotMessage[];
  /** Requests served, by action ("SendMessageBatch": 3). */
  counts(): Record<string, number>;
  /** Messages accepted by Send* (duplicates within the de-duplication window not counted). */
  sentCount(): number;
  /** The next `entries` Send* entries fail with a retryable (non-sender) fault. */
  failNextSends(entries: number): void;
  close(): Promise<void>;
}

const ACCOUNT = '000000000000';

/** Actions that change no queue: every other one may make a message receivable, so it wakes long polls. */
const READ_ONLY_ACTIONS = new Set(['ReceiveMessage', 'GetQueueUrl', 'ListQueues', 'GetQueueAttributes']);

export async function startSqs(options: SqsServerOptions = {}): Promise<LocalSqs> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const timeScale = options.timeScale ?? 1;
  const queues = new Map<string, LocalQueue>();
  const counts: Record<string, number> = {};
  let sent = 0;
  let failSends = 0;
  let base = '';
  let closed = false;
  // Long polls (ReceiveMessage with WaitTimeSeconds) sleep until something may have made a message
  // receivable, as SQS does: a send, a delete (it unlocks a FIFO group), a visibility change, a redrive,
  // or the next visibility timeout running out. No timer ticks while the queue is idle.
  const sleepers = new Set<() => void>();
  const wakeSleepers = () => {
    for (const wake of [...sleepers]) wake();
  };
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
      signal.addEventListener('abort', wake);
    });

  const byUrl = (queueUrl: unknown): LocalQueue => {
    const name = typeof queueUrl === 'string' ? queueUrl.split('/').pop() : undefined;
    const queue = name ? queues.get(name) : undefined;
    if (!queue) {
      throw new SqsError(
        'QueueDoesNotExist',
        'The specified queue does not exist.',
        'AWS.SimpleQueueService.NonExistentQueue',
      );
    }
    return queue;
  };
  const byArn = (arn: string) => [...queues.values()].find((q) => q.arn === arn);

  const createQueue = (name: string, attributes: Record<string, string> = {}): string => {
    const existing = queues.get(name);
    if (existing) return existing.url;
    const fifo = attributes.FifoQueue === 'true';
    if (fifo !== name.endsWith('.fifo')) {
      throw new SqsError(
        'InvalidParameterValue',
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix.',
      );
    }
    const queue = new LocalQueue(
      name,
      `${base}/${ACCOUNT}/${name}`,
      `arn:aws:sqs:${region}:${ACCOUNT}:${name}`,
      { VisibilityTimeout: '30', ...attributes },
      timeScale,
    );
    queues.set(name, queue);
    return queue.url;
  };

  const redrive = (queue: LocalQueue, now: number) => {
    for (const message of queue.takeExhausted(now)) {
      const dlq = byArn(queue.redrivePolicy!.deadLetterTargetArn);
      dlq?.adopt(message); // a policy pointing nowhere drops, as SQS would refuse such a policy anyway
    }
  };

  const sendOne = (queue: LocalQueue, entry: Record<string, unknown>) => {
    if (failSends > 0) {
      failSends--;
      throw new SqsError('ServiceUnavailable', 'Injected failure', 'ServiceUnavailable', 503);
    }
    const result = queue.send({
      body: String(entry.MessageBody ?? ''),
      messageAttributes: parseMessageAttributes(entry.MessageAttributes),
      groupId: entry.MessageGroupId as string | undefined,
      deduplicationId: entry.MessageDeduplicationId as string | undefined,
    });
    if (!result.duplicate) sent++;
    return {
      MessageId: result.messageId,
      MD5OfMessageBody: result.md5OfBody,
      ...(result.md5OfMessageAttributes ? { MD5OfMessageAttributes: result.md5OfMessageAttributes } : {}),
      ...(result.sequenceNumber ? { SequenceNumber: result.sequenceNumber } : {}),
    };
  };

  /** A received message; message attributes only those `attributeNames` asks for, as SQS does. */
  const toWire = (queue: LocalQueue, m: StoredMessage, attributeNames: unknown) => {
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
  };

  const batch = <T>(entries: unknown, each: (entry: Record<string, unknown>) => T) => {
    const list = Array.isArray(entries) ? (entries as Record<string, unknown>[]) : [];
    if (list.length === 0)
      throw new SqsError(
        'EmptyBatchRequest',
        'There should be at least one entry in the request.',
        'AWS.SimpleQueueService.EmptyBatchRequest',
      );
    if (list.length > 10)
      throw new SqsError(
        'TooManyEntriesInBatchRequest',
        'Maximum number of entries per request are 10.',
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      );
    if (new Set(list.map((e) => e.Id)).size !== list.length) {
      throw new SqsError(
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id.',
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    }
    const Successful: (T & { Id: unknown })[] = [];
    const Failed: { Id: unknown; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const entry of list) {
      try {
        Successful.push({ Id: entry.Id, ...each(entry) });
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        Failed.push({
          Id: entry.Id,
          SenderFault: error.status < 500,
          Code: error.code,
          Message: error.message,
        });
      }
    }
    return { Successful, Failed };
  };

  const actions: Record<
    string,
    (input: Record<string, unknown>, signal: AbortSignal) => Promise<unknown> | unknown
  > = {
    CreateQueue: (input) => ({
      QueueUrl: createQueue(String(input.QueueName), (input.Attributes as Record<string, string>) ?? {}),
    }),
    GetQueueUrl: (input) => ({ QueueUrl: byUrl(input.QueueName).url }),
    ListQueues: () => ({ QueueUrls: [...queues.values()].map((q) => q.url) }),
    GetQueueAttributes: (input) => {
      const queue = byUrl(input.QueueUrl);
      redrive(queue, Date.now());
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
    },
    SetQueueAttributes: (input) => {
      Object.assign(byUrl(input.QueueUrl).attributes, input.Attributes);
      return {};
    },
    PurgeQueue: (input) => {
      byUrl(input.QueueUrl).purge();
      return {};
    },
    SendMessage: (input) => sendOne(byUrl(input.QueueUrl), input),
    SendMessageBatch: (input) => {
      const queue = byUrl(input.QueueUrl);
      return batch(input.Entries, (entry) => sendOne(queue, entry));
    },
    ReceiveMessage: async (input, signal) => {
      const queue = byUrl(input.QueueUrl);
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
        if (signal.aborted || closed) return { Messages: [] };
        redrive(queue, now);
        const picked = queue.receive(max, visibility, now);
        if (picked.length > 0 || now >= waitUntil)
          return { Messages: picked.map((m) => toWire(queue, m, input.MessageAttributeNames)) };
        const until = Math.min(waitUntil, queue.nextVisibleAt(now) ?? waitUntil);
        await sleep(Math.max(1, until - now), signal);
      }
    },
    DeleteMessage: (input) => {
      byUrl(input.QueueUrl).delete(String(input.ReceiptHandle));
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = byUrl(input.QueueUrl);
      return batch(input.Entries, (entry) => {
        queue.delete(String(entry.ReceiptHandle));
        return {};
      });
    },
    ChangeMessageVisibility: (input) => {
      byUrl(input.QueueUrl).changeVisibility(String(input.ReceiptHandle), Number(input.VisibilityTimeout));
      return {};
    },
    ChangeMessageVisibilityBatch: (input) => {
      const queue = byUrl(input.QueueUrl);
      return batch(input.Entries, (entry) => {
        queue.changeVisibility(String(entry.ReceiptHandle), Number(entry.VisibilityTimeout));
        return {};
      });
    },
  };

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': crypto.randomUUID(),
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Listening from the start: a caller can hang up while its body is still read.
    const hungUp = new AbortController();
    res.once('close', () => hungUp.abort());
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    counts[action || '(unknown)'] = (counts[action || '(unknown)'] ?? 0) + 1;
    const run = actions[action];
    try {
      if (!run)
        throw new SqsError(
          'InvalidAction',
          `The action ${target || '(none)'} is not valid for this endpoint.`,
        );
      const text = Buffer.concat(chunks).toString('utf8');
      const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const output = await run(input, hungUp.signal);
      if (!READ_ONLY_ACTIONS.has(action)) wakeSleepers();
      reply(res, 200, output);
    } catch (error) {
      if (error instanceof SqsError) {
        reply(
          res,
          error.status,
          { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
          {
            'x-amzn-query-error': `${error.queryCode};${error.status < 500 ? 'Sender' : 'Receiver'}`,
          },
        );
      } else {
        reply(res, 500, { __type: 'com.amazonaws.sqs#InternalError', message: (error as Error).message });
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  base = `http://${options.host ?? '127.0.0.1'}:${port}`;

  const snapshot = (queue: string): QueueSnapshotMessage[] => {
    const q = queues.get(queue.split('/').pop() ?? queue);
    if (!q) throw new Error(`no queue ${queue}`);
    const now = Date.now();
    redrive(q, now);
    return q.messages.map((m) => ({
      messageId: m.messageId,
      body: m.body,
      groupId: m.groupId,
      deduplicationId: m.deduplicationId,
      messageAttributes: m.messageAttributes,
      receiveCount: m.receiveCount,
      inFlight: m.visibleAt > now,
    }));
  };

  return {
    url: base,
    createQueue,
    createFifoQueueWithDlq(name, opts = {}) {
      const stem = name.replace(/\.fifo$/, '');
      const dlqUrl = createQueue(`${stem}-dlq.fifo`, { FifoQueue: 'true' });
      const dlqArn = queues.get(`${stem}-dlq.fifo`)!.arn;
      const queueUrl = createQueue(`${stem}.fifo`, {
        FifoQueue: 'true',
        VisibilityTimeout: String(opts.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: opts.maxReceiveCount ?? 5,
        }),
      });
      return { queueUrl, dlqUrl };
    },
    messages: snapshot,
    counts: () => ({ ...counts }),
    sentCount: () => sent,
    failNextSends(entries) {
      failSends = entries;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        closed = true;
        wakeSleepers();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
