// What one local SQS endpoint holds: its queues by name, the long polls waiting on them and the counters
// tests read. The actions in ./actions.ts read and change it; ./server.ts owns one per server.
import { LOCAL_ACCOUNT_ID } from '../lambda-events';
import { SqsError } from './errors';
import { LocalQueue } from './queue';

/** The account id in every queue URL and ARN, and the SenderId of every received message. */
export const ACCOUNT = LOCAL_ACCOUNT_ID;

/** The queues and counters of one local SQS endpoint; every action handler takes it as its first argument. */
export class SqsState {
  readonly queues = new Map<string, LocalQueue>();
  /** Requests served, by action ("SendMessageBatch": 3; "(unknown)" for an unknown target). */
  readonly counts: Record<string, number> = {};
  /** Messages accepted by Send* (duplicates within the de-duplication window not counted). */
  sent = 0;
  /** How many of the next Send* entries fail with a retryable fault (see `LocalSqs.failNextSends`). */
  failSends = 0;
  /** Set by close(): long polls return at once with no messages. */
  closed = false;
  /** The endpoint (http://host:port), known once the server listens; queue URLs start with it. */
  base = '';
  // Long polls (ReceiveMessage with WaitTimeSeconds) sleep until something may have made a message
  // receivable, as SQS does: a send, a delete (it unlocks a FIFO group), a visibility change, a redrive,
  // or the next visibility timeout running out. No timer ticks while the queue is idle.
  readonly #sleepers = new Set<() => void>();

  constructor(
    readonly region: string,
    /** Multiplies visibility timeouts (0.001 makes a 30 s timeout last 30 ms). */
    readonly timeScale: number,
  ) {}

  /** The queue a request's QueueUrl (or QueueName: the last path segment is the name) names. */
  queueByUrl(queueUrl: unknown): LocalQueue {
    const name = typeof queueUrl === 'string' ? queueUrl.split('/').pop() : undefined;
    const queue = name ? this.queues.get(name) : undefined;
    if (!queue) {
      throw new SqsError(
        'QueueDoesNotExist',
        'The specified queue does not exist.',
        'AWS.SimpleQueueService.NonExistentQueue',
      );
    }
    return queue;
  }

  /** Creates (or returns) a queue; a name ending in .fifo needs `FifoQueue: 'true'` and the other way round. */
  createQueue(name: string, attributes: Record<string, string> = {}): string {
    const existing = this.queues.get(name);
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
      `${this.base}/${ACCOUNT}/${name}`,
      `arn:aws:sqs:${this.region}:${ACCOUNT}:${name}`,
      { VisibilityTimeout: '30', ...attributes },
      this.timeScale,
    );
    this.queues.set(name, queue);
    return queue.url;
  }

  /** Moves the queue's exhausted messages to its dead-letter queue, as SQS does before a receive. */
  redrive(queue: LocalQueue, now: number): void {
    for (const message of queue.takeExhausted(now)) {
      const dlq = [...this.queues.values()].find((q) => q.arn === queue.redrivePolicy!.deadLetterTargetArn);
      dlq?.adopt(message); // a policy pointing nowhere drops, as SQS would refuse such a policy anyway
    }
  }

  /** Wakes every long poll so it looks at its queue again. */
  wakeSleepers(): void {
    for (const wake of [...this.#sleepers]) wake();
  }

  /** Waits `ms`, or less when woken by `wakeSleepers()` or when `signal` aborts (the caller hung up). */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
      signal.addEventListener('abort', wake);
    });
  }
}
