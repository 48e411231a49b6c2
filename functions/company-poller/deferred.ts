// What the poller loads on its first run rather than at cold start (bench/cold-start.ts), re-exported by
// name: a dynamic import keeps every export of the module it loads, so this list is what is bundled.
export { EventBridgeClient } from '@aws-sdk/client-eventbridge';
export { S3Client } from '@aws-sdk/client-s3';
export { keepnetClientFor } from '../../lib/keepnet';
export { PollerEmitError, pollCompanies } from '../../lib/onboarding/poller/poll';
