// reconcile: on its schedule, plans the desired-state file in S3 against Keepnet and publishes the
// drift (ReconcileDrift); with RECONCILE_MODE=apply it also queues the changes for the onboarding worker.
// Configuration is read at cold start: a missing or bad variable stops the function, naming it.
import type { Context } from 'aws-lambda';
import type { ReconcileSummary } from '../../lib/desired-state/reconcile';
import { loadReconcileConfig } from '../../lib/desired-state/reconcile-config';
import { checkKeepnetClientEnv } from '../../lib/keepnet/client-env';
import { lazyAsync } from '../../lib/lazy';
import { logger, metrics } from '../../lib/observability/powertools';
import { operationsLocationFromEnv } from '../../lib/operations/location';

const config = loadReconcileConfig(process.env);
checkKeepnetClientEnv(process.env);
operationsLocationFromEnv(process.env);
// Built on the first run, not at load (bench/cold-start.ts): the clients and the plan modules.
const reconciling = lazyAsync(async () => {
  const deferred = await import('./deferred');
  const s3 = deferred.createS3ClientFromEnv(process.env);
  const keepnet = deferred.createKeepnetClientFromEnv(process.env);
  if (config.mode !== 'apply') return { run: deferred.runReconcile, deps: { keepnet, s3 } };
  // Checked at load by loadReconcileConfig: apply mode has a queue and a store.
  const store = deferred.operationStoreFromEnv(process.env, s3)!;
  const sqs = new deferred.SQSClient({});
  const queueUrl = process.env.ONBOARDING_QUEUE_URL!.trim();
  return {
    run: deferred.runReconcile,
    deps: {
      keepnet,
      s3,
      submit: (request: Parameters<typeof deferred.submitOperation>[1]) =>
        deferred.submitOperation({ sqs, queueUrl, store }, request),
    },
  };
});

export const handler = async (_event: unknown, context: Context): Promise<ReconcileSummary> => {
  logger.addContext(context);
  const { run, deps } = await reconciling();
  try {
    const summary = await run(config, deps);
    logger.info('reconcile complete', { drift: summary.drift, operations: summary.operations.length });
    return summary;
  } finally {
    metrics.publishStoredMetrics();
  }
};
