// SQS FIFO batch of onboarding messages → Keepnet memberships (see lib/onboarding/worker/).
// Returns { batchItemFailures } through Powertools' SqsFifoPartialProcessorAsync.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lazyAsync } from '../../lib/lazy';
import { metrics } from '../../lib/observability/powertools';
import type { Outcome, WorkerStats } from '../../lib/onboarding/worker';
import { loadConfig } from './config';

// Cold start: every variable is read once, named when at fault (./config.ts). Client, token and the
// name → id cache then serve every invocation of this process.
const config = loadConfig(process.env);
// Built on the first batch, not at load (bench/cold-start.ts): the SDK clients, and the Keepnet client
// with the worker's modules (their zod schemas) loaded then.
const onboarding = lazyAsync(async () => {
  const { keepnetClientFor, GroupResolver, onboardBatch, operationStoreAt, SQSClient } = await import(
    './deferred'
  );
  const client = keepnetClientFor(config.keepnet);
  const store = config.operations ? operationStoreAt(config.operations) : undefined;
  return { client, resolver: new GroupResolver(client), onboardBatch, store, sqs: new SQSClient({}) };
});

/** Keepnet calls stop this long before Lambda's own timeout, so failures are reported, not cut off. */
const DEADLINE_MARGIN_MS = 2_000;

/** One SQS FIFO batch → Keepnet memberships; the records to retry come back as `batchItemFailures`. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { client, resolver, onboardBatch, store, sqs } = await onboarding();
  const stats: WorkerStats = { restoredMembers: 0 };
  const outcomes = await onboardBatch(event.Records, {
    ...(store ? { store } : {}),
    stats,
    client,
    resolver,
    sqs,
    queueUrl: config.queueUrl,
    ...(config.dlqUrl ? { dlqUrl: config.dlqUrl } : {}),
    ...(config.maxReceiveCount ? { maxReceiveCount: config.maxReceiveCount } : {}),
    mode: config.mode,
    deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
  });

  recordMetrics(outcomes, stats);

  // FIFO semantics, as Lambda's event source mapping expects them: records are handed to Powertools'
  // FIFO processor in the order SQS delivered them, so a failure fails every LATER record of its
  // message group too (skipGroupOnError: other groups are unaffected). The worker has already written
  // those later records (writes are per group and idempotent); reporting them failed only makes SQS
  // redeliver them, and the retry costs one member read. Order inside a group is kept as SQS gave it.
  // A message the worker already moved to the DLQ (poison, or retries exhausted) counts as processed,
  // so it fails nothing.
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const outcome = outcomes.get(record.messageId);
      if (outcome?.ok || outcome?.deadLettered) return;
      throw new Error(outcome?.reason ?? 'no outcome');
    },
    new SqsFifoPartialProcessorAsync(),
    { context, skipGroupOnError: true, throwOnFullBatchFailure: false },
  );
};

const OUTCOME_METRICS: [name: string, test: (o: Outcome) => boolean][] = [
  ['MembershipsAdded', (o) => o.ok && o.action === 'added'],
  ['AlreadyMembers', (o) => o.ok && o.action === 'already-member'],
  ['ForwardedByName', (o) => o.ok && o.action === 'forwarded'],
  ['ReroutedGroupGone', (o) => o.ok && o.action === 'rerouted'],
  ['OperationsApplied', (o) => o.ok && o.action === 'applied'],
  ['RejectedMessages', (o) => !o.ok && o.permanent],
  ['RetriedMessages', (o) => !o.ok && !o.permanent],
];

/** Per batch: memberships added, already there, forwarded by name, and failures (poison vs retryable). */
function recordMetrics(outcomes: Map<string, Outcome>, stats: WorkerStats) {
  const all = [...outcomes.values()];
  for (const [name, test] of OUTCOME_METRICS)
    metrics.addMetric(name, MetricUnit.Count, all.filter(test).length);
  // A member lost to a write that replaced, found and put back: an alarm watches it (should be 0).
  metrics.addMetric('MembersRestored', MetricUnit.Count, stats.restoredMembers);
  metrics.publishStoredMetrics();
}
