// The onboarding pipeline, locally: a FIFO queue (+ DLQ) on the local SQS server, the environment the
// router and worker read at cold start, and a way to run the worker like Lambda's event source mapping.
// Used by the onboarding tests, the bench and the local runner. Keepnet, Secrets Manager and S3 come
// from local/emulators.ts (pass its `env`).

import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { applyEnv } from '../process-env';
import { runFifoConsumers } from './consumers';
import { type LocalSqs, startSqs } from './server';

/** The onboarding-router handler (an EventBridge event in, nothing out). */
export type RouterHandler = (event: unknown) => Promise<void>;
/** The onboarding-worker handler (an SQS batch in, batchItemFailures out). */
export type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** What the router and worker read, the queue's timing, and how to load the handlers. */
export interface OnboardingPipelineOptions {
  /** Environment of the rest of the local world (the `env` of startEmulators). */
  env?: Record<string, string>;
  groupRules?: string;
  participantsMode?: 'union' | 'additive';
  /**
   * The queue's visibility timeout in real milliseconds (the server runs 1000× faster than SQS). It
   * must exceed the longest worker invocation, as in AWS (6 × the function timeout): otherwise a batch
   * still running becomes visible again and a second worker writes the same group concurrently.
   */
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  /**
   * Loads the handlers once the environment is in place (they read it at cold start). Default:
   * a dynamic import of functions/onboarding-{router,worker}/handler; tests pass one that isolates modules.
   */
  loadHandlers?: () => Promise<{ router: RouterHandler; worker: WorkerHandler }>;
}

/** A running pipeline: the queue, the loaded handlers and a way to run the worker until the queue is empty. */
export interface OnboardingPipeline {
  sqs: LocalSqs;
  queueUrl: string;
  dlqUrl: string;
  router: RouterHandler;
  worker: WorkerHandler;
  /** Runs `concurrency` worker pollers until the queue is empty (failed messages retried or dead). */
  drain(options?: { concurrency?: number; batchSize?: number; timeoutMs?: number }): Promise<{
    invocations: number;
    records: number;
    failures: number;
  }>;
  /** Stops the SQS server and restores the environment. */
  close(): Promise<void>;
}

async function importHandlers() {
  const router = (await import('../../functions/onboarding-router/handler')).handler;
  const worker = (await import('../../functions/onboarding-worker/handler')).handler;
  return { router, worker };
}

/**
 * Starts a local SQS server (1000× faster clock) with the FIFO queue and its DLQ, sets the environment
 * the handlers read at cold start (queue URL, rules, participants mode on top of `env`), then loads them.
 */
export async function startOnboardingPipeline(
  options: OnboardingPipelineOptions = {},
): Promise<OnboardingPipeline> {
  const sqs = await startSqs({ timeScale: 0.001 });
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const { queueUrl, dlqUrl } = sqs.createFifoQueueWithDlq('onboarding', {
    maxReceiveCount,
    visibilityTimeoutSeconds: options.visibilityTimeoutMs ?? 5_000,
  });
  const env: Record<string, string> = {
    ...options.env,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    ONBOARDING_QUEUE_URL: queueUrl,
    // As deployed: the worker moves poison messages here itself, on their first receive.
    ONBOARDING_DLQ_URL: dlqUrl,
    // As deployed: the queue's own redrive count, so a transient failure on its last receive is
    // dead-lettered by the worker with its reason (RETRIES_EXHAUSTED).
    ONBOARDING_MAX_RECEIVE_COUNT: String(maxReceiveCount),
    GROUP_RULES: options.groupRules ?? '',
    PARTICIPANTS_MODE: options.participantsMode ?? 'union',
  };
  const restoreEnv = applyEnv(env);
  try {
    const { router, worker } = await (options.loadHandlers ?? importHandlers)();
    return {
      sqs,
      queueUrl,
      dlqUrl,
      router,
      worker,
      async drain({ concurrency = 4, batchSize = 10, timeoutMs = 15_000 } = {}) {
        const consumers = runFifoConsumers({ queueUrl, handler: worker, concurrency, batchSize });
        try {
          await consumers.drained({ timeoutMs });
        } finally {
          await consumers.stop();
        }
        const { invocations, records, failures } = consumers.stats;
        return { invocations, records, failures };
      },
      async close() {
        restoreEnv();
        await sqs.close();
      },
    };
  } catch (error) {
    restoreEnv();
    await sqs.close();
    throw error;
  }
}
