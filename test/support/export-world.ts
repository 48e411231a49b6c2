// The local stack (simulator, s3rver) with its environment applied, a Keepnet client and an S3 client:
// what the export tests share, with the reads they make of the bucket.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { ExportContext } from '../../lib/exports';
import { createKeepnetClientFromEnv, type KeepnetClient, resetKeepnetClientFromEnv } from '../../lib/keepnet';
import { type EmulatorOptions, type Emulators, startEmulators } from '../../local/emulators';

/** A running export test world; `close()` restores the environment and stops the stack. */
export interface ExportWorld {
  stack: Emulators;
  client: KeepnetClient;
  s3: S3Client;
  /** The export bucket (EXPORT_BUCKET of the stack's environment). */
  bucket: string;
  /** A nightly run's context: objects under `prefix`, names from `scheduledTime`. */
  context(prefix: string, scheduledTime: Date): ExportContext;
  /** An object's bytes. */
  getBytes(key: string): Promise<Buffer>;
  /** An object parsed as JSON. */
  getJson<T>(key: string): Promise<T>;
  /** The keys under `prefix`, sorted. */
  keysUnder(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the emulators (`options` as startEmulators takes them), applies their environment, builds the clients. */
export async function startExportWorld(options: EmulatorOptions = {}): Promise<ExportWorld> {
  const stack = await startEmulators(options);
  const restoreEnv = stack.applyEnv();
  const client = createKeepnetClientFromEnv();
  const s3 = new S3Client(stack.s3.clientConfig());
  const bucket = stack.env.EXPORT_BUCKET!;
  const getBytes = async (key: string): Promise<Buffer> => {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };
  return {
    stack,
    client,
    s3,
    bucket,
    context: (prefix, scheduledTime) => ({ client, s3, bucket, prefix, scheduledTime }),
    getBytes,
    getJson: async <T>(key: string) => JSON.parse((await getBytes(key)).toString('utf8')) as T,
    async keysUnder(prefix) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((o) => o.Key!).sort();
    },
    async close() {
      s3.destroy();
      await resetKeepnetClientFromEnv();
      restoreEnv();
      await stack.close();
    },
  };
}
