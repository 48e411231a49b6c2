// What the main job needs from the local environment, in one interface: the Keepnet simulator, the
// environment the functions read, local S3 (and where s3rver keeps files on disk), the onboarding
// queue and the EventBridge stand-in. `bootLocalSystem` (boot.ts) builds it from the local/ modules.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { KeepnetSimulator } from '../keepnet-simulator/types';

/** What one drain of the onboarding queue did. */
export interface DrainResult {
  /** Worker invocations (Lambda-shaped batches). */
  invocations: number;
  /** Records handed to the worker, redeliveries included. */
  records: number;
  /** Records the worker returned in batchItemFailures (or whose batch threw): redelivered later. */
  retried: number;
  /** Messages that moved to the dead-letter queue during this drain. */
  deadLettered: number;
}

/** The onboarding worker as the queue feeds it (the runner supplies the context). */
export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** Everything the main job talks to; `queue` and `events` are absent when their stand-in is not available. */
export interface LocalSystem {
  simulator: KeepnetSimulator;
  /** Set before the handlers are imported: endpoints, secret id, queue URL, bucket, rules. */
  env: Record<string, string>;
  s3: {
    endpoint: string;
    bucket: string;
    /** s3rver's directory: objects live at <directory>/<bucket>/<key>._S3rver_object. */
    directory: string;
    /** The same objects as plain files, `<files>/<bucket>/<key>`, kept in step by syncPlainFiles. */
    files: string;
    /** Calls `listener` after each S3 request that may have changed an object. */
    onWrite(listener: () => void): void;
  };
  queue?: {
    url: string;
    dlqUrl: string;
    /** Feeds queued messages to `worker` in Lambda-shaped batches until the queue is empty. */
    drain(worker: SqsBatchHandler): Promise<DrainResult>;
    /** Feeds messages to `worker` as they arrive, like Lambda's event source mapping, until stopped. */
    consume(worker: SqsBatchHandler): { stop(options?: { abortPolls?: boolean }): Promise<void> };
  };
  events?: {
    /** CompanyCreated events published (PutEvents) since the last call, as EventBridge delivers them. */
    takeCompanyCreated(): Promise<unknown[]>;
  };
  /** One line per service for the banner. */
  describe(): string[];
  close(): Promise<void>;
}
