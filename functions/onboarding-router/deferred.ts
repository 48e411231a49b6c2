// What the router loads on its first event rather than at cold start (bench/cold-start.ts), re-exported
// by name: a dynamic import keeps every export of the module it loads, so this list is what is bundled.
export { SQSClient } from '@aws-sdk/client-sqs';
export { logger, metrics } from '../../lib/observability/powertools';
export { InvalidCompanyCreatedError, parseCompanyCreatedEvent } from '../../lib/onboarding/company-created';
export { routeCompanyCreated } from '../../lib/onboarding/route';
