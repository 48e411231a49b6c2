// Scheduled: announces companies created since the watermark as CompanyCreated events
// (see lib/onboarding/poller/poll.ts). Returns a summary.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { lazyAsync } from '../../lib/lazy';
import { logger, metrics } from '../../lib/observability/powertools';
import type { PollSummary } from '../../lib/onboarding/poller/poll';
import { loadConfig } from './config';

// Cold start: configuration errors name the variable, once.
const config = loadConfig(process.env);
// Built on the first run, not at load (bench/cold-start.ts): the clients and the poll (its zod schemas).
const polling = lazyAsync(async () => {
  const deferred = await import('./deferred');
  return {
    ...deferred,
    keepnet: deferred.keepnetClientFor(config.keepnet),
    s3: new deferred.S3Client({ forcePathStyle: config.s3PathStyle }),
    eventBridge: new deferred.EventBridgeClient({}),
  };
});

const DEADLINE_MARGIN_MS = 5_000;

/**
 * One poll: announces the companies created since the watermark, stopping DEADLINE_MARGIN_MS before the
 * Lambda timeout; returns the summary. A run that could not announce them all throws after counting what it
 * found.
 */
export const handler = async (_event: unknown, context?: Context): Promise<PollSummary> => {
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : undefined;
  const { keepnet, s3, eventBridge, pollCompanies, PollerEmitError } = await polling();
  let summary: PollSummary;
  try {
    summary = await pollCompanies(
      { keepnet, s3, eventBridge, ...(deadline ? { deadline } : {}) },
      config.poll,
    );
  } catch (error) {
    // A run that found companies but could not announce them all still found them.
    if (error instanceof PollerEmitError) recordCompaniesFound(error.summary);
    throw error;
  }
  logger.info('Company poll finished', { ...summary, emittedIds: summary.emittedIds.slice(0, 50) });
  recordCompaniesFound(summary);
  return summary;
};

/** The dashboard's "companies found" line (infra/constructs/monitoring.ts, CUSTOM_METRICS). */
function recordCompaniesFound(summary: PollSummary) {
  metrics.addMetric('PollerCompaniesFound', MetricUnit.Count, summary.found);
  metrics.publishStoredMetrics();
}
