// What the worker loads on its first batch rather than at cold start (bench/cold-start.ts), re-exported
// by name: a dynamic import keeps every export of the module it loads, so this list is what is bundled.

export { SQSClient } from '@aws-sdk/client-sqs';
export { keepnetClientFor } from '../../lib/keepnet';
export { GroupResolver } from '../../lib/onboarding/group-resolver';
export { onboardBatch } from '../../lib/onboarding/worker';
export { operationStoreAt } from '../../lib/operations/config';
