// reconcile: on its schedule, plans the desired-state file in S3 against Keepnet and publishes the
// drift (ReconcileDrift); with RECONCILE_MODE=apply it also queues the changes for the onboarding worker.
// Configuration is read at cold start: a missing or bad variable stops the function, naming it.
import type { Context } from 'aws-lambda';
import type { ReconcileSummary } from '../../lib/desired-state/reconcile';
import { lazyAsync } from '../../lib/lazy';
import { logger, metrics } from '../../lib/observability/powertools';
import { loadConfig } from './config';

const config = loadConfig(process.env);
// Built on the first run, not at load (bench/cold-start.ts): the clients and the plan modules.
const reconciling = lazyAsync(async () => {
  const deferred = await import('./deferred');
  const s3 = deferred.createS3Client({ forcePathStyle: config.s3PathStyle });
  const keepnet = deferred.keepnetClientFor(config.keepnet);
  if (config.reconcile.mode !== 'apply') return { run: deferred.runReconcile, deps: { keepnet, s3 } };
  // Checked at load by loadReconcileConfig: apply mode has a queue and a store.
  const queue = {
    sqs: new deferred.SQSClient({}),
    queueUrl: config.queueUrl!,
    store: deferred.operationStoreAt(config.operations!, s3),
  };
  const submit = (request: Parameters<typeof deferred.submitOperation>[1]) =>
    deferred.submitOperation(queue, request);
  return { run: deferred.runReconcile, deps: { keepnet, s3, submit } };
});

/**
 * One scheduled run: plans the desired-state file against Keepnet, publishes the drift and, in apply mode,
 * queues the changes; returns the summary.
 */
export const handler = async (_event: unknown, context: Context): Promise<ReconcileSummary> => {
  logger.addContext(context);
  const { run, deps } = await reconciling();
  try {
    const summary = await run(config.reconcile, deps);
    logger.info('reconcile complete', { drift: summary.drift, operations: summary.operations.length });
    return summary;
  } finally {
    metrics.publishStoredMetrics();
  }
};
