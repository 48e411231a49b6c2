// What the export loads on its first run rather than at cold start (bench/cold-start.ts), re-exported by
// name: a dynamic import keeps every export of the module it loads, so this list is what is bundled.
export { createS3Client, parseExportInvocation, runScheduledExport } from '../../lib/exports';
export { keepnetClientFor } from '../../lib/keepnet';
export { operationStoreAt } from '../../lib/operations/config';
