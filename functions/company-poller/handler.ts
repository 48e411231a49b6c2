// Scheduled: announces companies created since the watermark as CompanyCreated events
// (see lib/onboarding/poller/poll.ts). Returns a summary.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { createKeepnetClientFromEnv } from '../../lib/keepnet';
import { logger } from '../../lib/observability/powertools';
import { loadPollerConfig } from '../../lib/onboarding/poller/config';
import { type PollSummary, pollCompanies } from '../../lib/onboarding/poller/poll';

// Cold start: configuration errors name the variable, once.
const config = loadPollerConfig();
const keepnet = createKeepnetClientFromEnv();
// Path-style whenever an endpoint override is set (s3rver and other local S3s need it).
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
const eventBridge = new EventBridgeClient({});

const DEADLINE_MARGIN_MS = 5_000;

export const handler = async (_event: unknown, context?: Context): Promise<PollSummary> => {
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : undefined;
  const summary = await pollCompanies(
    { keepnet, s3, eventBridge, ...(deadline ? { deadline } : {}) },
    config,
  );
  logger.info('Company poll finished', { ...summary, emittedIds: summary.emittedIds.slice(0, 50) });
  return summary;
};
