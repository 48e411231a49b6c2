// EventBridge CompanyCreated → one FIFO message per target group (see lib/onboarding/route.ts).
// A malformed event is rejected with an error naming the field; nothing is queued, and Lambda's
// failure destination keeps the event.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lazy, lazyAsync } from '../../lib/lazy';
import { logger, metrics } from '../../lib/observability/powertools';
import { loadRouterConfig } from '../../lib/onboarding/config';
import { routeCompanyCreated } from '../../lib/onboarding/route';

// Cold start: a bad GROUP_RULES or queue URL fails here, once, with the variable named.
const config = loadRouterConfig();
// Built on the first event, not at load (bench/cold-start.ts): the client and the event schema (zod).
const sqs = lazy(() => new SQSClient({}));
const companyCreated = lazyAsync(() => import('../../lib/onboarding/company-created'));

export const handler = async (event: unknown): Promise<void> => {
  const { InvalidCompanyCreatedError, parseCompanyCreatedEvent } = await companyCreated();
  let parsed: ReturnType<typeof parseCompanyCreatedEvent>;
  try {
    parsed = parseCompanyCreatedEvent(event);
  } catch (error) {
    if (error instanceof InvalidCompanyCreatedError) {
      // Paths and rules only: the event itself may carry anything.
      logger.error('Rejected malformed CompanyCreated event', { field: error.field, reason: error.message });
    }
    throw error;
  }
  const result = await routeCompanyCreated(parsed.detail, { eventId: parsed.id, ...config, sqs: sqs() });
  logger.info('Company routed', {
    eventId: parsed.id,
    companyResourceId: result.companyResourceId,
    groups: result.queued.map((q) => q.messageGroupId),
  });
  // The dashboard's "messages queued" line (infra/constructs/monitoring.ts, CUSTOM_METRICS).
  metrics.addMetric('OnboardingMessagesQueued', MetricUnit.Count, result.queued.length);
  metrics.publishStoredMetrics();
};
