// The local stack (simulator, s3rver) with a Keepnet client, an S3 client and the write journal: what
// the tests of the nightly run's attribution and report share.
import { S3Client } from '@aws-sdk/client-s3';
import type { ExportContext } from '../../lib/exports';
import { createKeepnetClientFromEnv, type KeepnetClient, resetKeepnetClientFromEnv } from '../../lib/keepnet';
import { operationStoreFromEnv } from '../../lib/operations/config';
import type { OperationStore } from '../../lib/operations/store';
import { type Emulators, startEmulators } from '../../local/emulators';

export interface JournaledExportWorld {
  stack: Emulators;
  client: KeepnetClient;
  s3: S3Client;
  store: OperationStore;
  bucket: string;
  /** A nightly run's context under `prefix`, reading the journal. */
  context(prefix: string, scheduledTime: Date): ExportContext;
  close(): Promise<void>;
}

export async function startJournaledExportWorld(): Promise<JournaledExportWorld> {
  const stack = await startEmulators();
  const restoreEnv = stack.applyEnv();
  const client = createKeepnetClientFromEnv();
  const s3 = new S3Client(stack.s3.clientConfig());
  const store = operationStoreFromEnv(stack.env, s3)!;
  const bucket = stack.env.EXPORT_BUCKET!;
  return {
    stack,
    client,
    s3,
    store,
    bucket,
    context: (prefix, scheduledTime) => ({
      client,
      s3,
      bucket,
      prefix,
      scheduledTime,
      journal: (from, to) => store.journalBetween(from, to),
    }),
    async close() {
      s3.destroy();
      await resetKeepnetClientFromEnv();
      restoreEnv();
      await stack.close();
    },
  };
}
