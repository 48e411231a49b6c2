// scheduled-export: the nightly EventBridge schedule (or a direct `{ "jobs": [...] }`) → Keepnet exports,
// membership snapshot and diff, manifest, all in S3. Parses, delegates to lib/exports, returns a summary.
// Configuration is read at cold start: a bad EXPORT_JOBS stops the function before any invocation.
import type { Context } from 'aws-lambda';
import type { RunSummary } from '../../lib/exports';
import { lazyAsync } from '../../lib/lazy';
import { logger, metrics } from '../../lib/observability/powertools';
import { loadConfig } from './config';

const config = loadConfig(process.env);
// Built on the first run, not at load (bench/cold-start.ts): the clients and the export modules.
const exporting = lazyAsync(async () => {
  const deferred = await import('./deferred');
  const s3 = deferred.createS3Client({ forcePathStyle: config.s3PathStyle });
  return {
    ...deferred,
    keepnet: deferred.keepnetClientFor(config.keepnet),
    s3,
    store: config.operations ? deferred.operationStoreAt(config.operations, s3) : undefined,
  };
});

/**
 * The nightly schedule's event (or `{ "jobs": [...] }`) → every export job written to S3, stopping
 * EXPORT_SAFETY_MARGIN_MS before the Lambda timeout; returns what was written.
 */
export const handler = async (event: unknown, context: Context): Promise<RunSummary> => {
  logger.addContext(context);
  const { keepnet, s3, store, parseExportInvocation, runScheduledExport } = await exporting();
  const invocation = parseExportInvocation(event);
  // Stop (and abort any upload) while there is still time to say why, rather than be killed mid-upload.
  const deadline = Date.now() + context.getRemainingTimeInMillis() - config.safetyMarginMs;
  try {
    const summary = await runScheduledExport(
      invocation.jobs ?? config.jobs,
      {
        client: keepnet,
        s3,
        bucket: config.bucket,
        prefix: config.prefix,
        scheduledTime: invocation.scheduledTime,
        deadline,
        kmsKeyId: config.kmsKeyId,
        ...(store ? { journal: (from: Date, to: Date) => store.journalBetween(from, to) } : {}),
      },
      { snapshot: invocation.snapshot },
    );
    logger.info('scheduled export complete', {
      manifestKey: summary.manifestKey,
      objects: summary.objects.length,
    });
    return summary;
  } finally {
    metrics.publishStoredMetrics();
  }
};
