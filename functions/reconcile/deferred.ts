// What reconcile loads on its first run rather than at cold start (bench/cold-start.ts), re-exported by
// name: a dynamic import keeps every export of the module it loads, so this list is what is bundled.
export { SQSClient } from '@aws-sdk/client-sqs';
export { runReconcile } from '../../lib/desired-state/reconcile';
export { createS3Client } from '../../lib/exports/s3-client';
export { submitOperation } from '../../lib/group-queue/submit';
export { keepnetClientFor } from '../../lib/keepnet';
export { operationStoreAt } from '../../lib/operations/config';
