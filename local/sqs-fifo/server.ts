// A minimal SQS endpoint speaking the AWS JSON 1.0 protocol that @aws-sdk/client-sqs v3 uses
// (POST /, X-Amz-Target: AmazonSQS.<Action>), so the real SDK client runs against it; requests are not
// authenticated. This file listens and dispatches: actions in ./actions.ts, wire format in ./protocol.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTIONS, READ_ONLY_ACTIONS } from './actions';
import { SqsError } from './errors';
import type { MessageAttributes } from './message-attributes';
import { actionOf, parseRequest, readBody, reply, replyError } from './protocol';
import { SqsState } from './state';

/** Where a local SQS endpoint listens and how fast its clock runs. */
export interface SqsServerOptions {
  port?: number;
  host?: string;
  region?: string;
  /** Multiplies visibility timeouts: 0.001 makes a 30 s timeout last 30 ms (tests). Default 1. */
  timeScale?: number;
}

/** A message as `LocalSqs.messages()` shows it, for assertions. */
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

/** A running local SQS endpoint and the test hooks around it (snapshots, counters, fault injection). */
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

/** Serves one request: finds the action's handler, runs it on `state`, replies (errors as SQS reports them). */
async function dispatch(state: SqsState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Listening from the start: a caller can hang up while its body is still read.
  const hungUp = new AbortController();
  res.once('close', () => hungUp.abort());
  const text = await readBody(req);
  const { target, action } = actionOf(req);
  state.counts[action || '(unknown)'] = (state.counts[action || '(unknown)'] ?? 0) + 1;
  const run = ACTIONS.get(action);
  try {
    if (!run)
      throw new SqsError('InvalidAction', `The action ${target || '(none)'} is not valid for this endpoint.`);
    const output = await run(state, parseRequest(text), hungUp.signal);
    if (!READ_ONLY_ACTIONS.has(action)) state.wakeSleepers();
    reply(res, 200, output);
  } catch (error) {
    replyError(res, error);
  }
}

/**
 * Starts a local SQS endpoint on `options.port` (default: a free port) and resolves once it listens.
 * Point the SDK at it with AWS_ENDPOINT_URL_SQS = `url`; `close()` it when done.
 */
export async function startSqs(options: SqsServerOptions = {}): Promise<LocalSqs> {
  const state = new SqsState(options.region ?? process.env.AWS_REGION ?? 'us-east-1', options.timeScale ?? 1);
  const server = createServer((req, res) => {
    dispatch(state, req, res).catch((error) => {
      res.destroy(error as Error);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  state.base = `http://${host}:${port}`;

  const snapshot = (queue: string): QueueSnapshotMessage[] => {
    const q = state.queues.get(queue.split('/').pop() ?? queue);
    if (!q) throw new Error(`no queue ${queue}`);
    const now = Date.now();
    state.redrive(q, now);
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
    url: state.base,
    createQueue: (name, attributes) => state.createQueue(name, attributes),
    createFifoQueueWithDlq(name, opts = {}) {
      const stem = name.replace(/\.fifo$/, '');
      const dlqUrl = state.createQueue(`${stem}-dlq.fifo`, { FifoQueue: 'true' });
      const dlqArn = state.queues.get(`${stem}-dlq.fifo`)!.arn;
      const queueUrl = state.createQueue(`${stem}.fifo`, {
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
    counts: () => ({ ...state.counts }),
    sentCount: () => state.sent,
    failNextSends(entries) {
      state.failSends = entries;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        state.closed = true;
        state.wakeSleepers();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
