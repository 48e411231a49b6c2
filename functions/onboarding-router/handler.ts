// EventBridge CompanyCreated → one FIFO message per target group (see lib/onboarding/route.ts).
// A malformed event is rejected with an error naming the field; nothing is queued, and Lambda's
// failure destination keeps the event.

import { lazyAsync } from '../../lib/lazy';
import { loadConfig } from './config';

// Cold start: a bad GROUP_RULES or queue URL fails here, once, with the variable named.
const config = loadConfig(process.env);
// Built on the first event, not at load (bench/cold-start.ts): the SQS client, and the modules only an
// event needs (the event's zod schema, the routing, Powertools).
const routing = lazyAsync(async () => {
  const deferred = await import('./deferred');
  return { ...deferred, sqs: new deferred.SQSClient({}) };
});

/** One CompanyCreated event → one FIFO message per target group; throws on a malformed event or a failed send. */
export const handler = async (event: unknown): Promise<void> => {
  const { sqs, InvalidCompanyCreatedError, parseCompanyCreatedEvent, routeCompanyCreated, logger, metrics } =
    await routing();
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
  const result = await routeCompanyCreated(parsed.detail, { eventId: parsed.id, ...config, sqs });
  logger.info('Company routed', {
    eventId: parsed.id,
    companyResourceId: result.companyResourceId,
    groups: result.queued.map((q) => q.messageGroupId),
  });
  // The dashboard's "messages queued" line (infra/constructs/monitoring.ts, CUSTOM_METRICS).
  metrics.addMetric('OnboardingMessagesQueued', 'Count', result.queued.length);
  metrics.publishStoredMetrics();
};
