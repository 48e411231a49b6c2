// The whole local world in one call: the Keepnet simulator, a local Secrets Manager holding the
// credentials secret, and s3rver with the export bucket, plus the environment that points the
// project's code (and the AWS SDK) at them. Used by integration tests, `npm start` and benches.

import { startKeepnetSimulator } from './keepnet-simulator/index';
import type { KeepnetSimulator, SimulatorOptions } from './keepnet-simulator/types';
import { applyEnv } from './process-env';
import { type LocalS3, startS3 } from './s3';
import { type LocalSecretsManager, startSecretsManager } from './secrets-manager';

/** Secret id of the Keepnet credentials secret (KEEPNET_SECRET_ID of `env`). */
export const KEEPNET_SECRET_ID = 'keepnet/credentials';
/** Secret id of the webhook signing secret (WEBHOOK_SECRET_ID of `env`); it holds LOCAL_WEBHOOK_SECRET. */
export const WEBHOOK_SECRET_ID = 'keepnet/webhook';
/** The export bucket (EXPORT_BUCKET) unless `exportBucket` names another. */
export const DEFAULT_EXPORT_BUCKET = 'keepnet-exports';
/** Where operation records, repair records and the write journal live (OPERATIONS_BUCKET). */
export const DEFAULT_OPERATIONS_BUCKET = 'keepnet-state';
/** Fixed so signed webhook tests are reproducible; local only. */
export const LOCAL_WEBHOOK_SECRET = 'local-webhook-signing-secret';

/** What to start: simulator seed, where s3rver keeps files, extra buckets, which credential. */
export interface EmulatorOptions {
  simulator?: SimulatorOptions;
  /** s3rver's data directory (default: a temp dir removed on close). */
  dataDir?: string;
  /** Buckets to create; the export bucket is always among them. */
  buckets?: string[];
  exportBucket?: string;
  /** Which seeded credential goes into the secret (default reseller). */
  credential?: 'reseller' | 'nonReseller';
}

/** The running local world and the environment that points the code at it; `close()` stops it all. */
export interface Emulators {
  keepnet: KeepnetSimulator;
  s3: LocalS3;
  secrets: LocalSecretsManager;
  /** AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SECRETS_MANAGER, KEEPNET_SECRET_ID, EXPORT_BUCKET, … */
  env: Record<string, string>;
  /** Copies `env` into process.env; returns a function that restores the previous values. */
  applyEnv(): () => void;
  close(): Promise<void>;
}

/**
 * Starts the simulator, Secrets Manager (credentials and webhook secrets) and s3rver (buckets created),
 * all on 127.0.0.1 with free ports. If one fails to start, those already started are closed before the error is rethrown.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const exportBucket = options.exportBucket ?? DEFAULT_EXPORT_BUCKET;
  const buckets = [...new Set([exportBucket, DEFAULT_OPERATIONS_BUCKET, ...(options.buckets ?? [])])];
  const started: { close(): Promise<void> }[] = [];
  try {
    const keepnet = await startKeepnetSimulator(options.simulator);
    started.push(keepnet);
    const credential = keepnet.credentials[options.credential ?? 'reseller'];
    const secrets = await startSecretsManager({
      secrets: {
        [KEEPNET_SECRET_ID]: { ...credential, baseUrl: keepnet.url },
        [WEBHOOK_SECRET_ID]: LOCAL_WEBHOOK_SECRET,
      },
    });
    started.push(secrets);
    const s3 = await startS3({ buckets, ...(options.dataDir ? { directory: options.dataDir } : {}) });
    started.push(s3);

    const env: Record<string, string> = {
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      KEEPNET_SECRET_ID,
      KEEPNET_BASE_URL: keepnet.url,
      WEBHOOK_SECRET_ID,
      EXPORT_BUCKET: exportBucket,
      OPERATIONS_BUCKET: DEFAULT_OPERATIONS_BUCKET,
    };

    return {
      keepnet,
      s3,
      secrets,
      env,
      applyEnv: () => applyEnv(env),
      close: async () => {
        await Promise.all(started.map((part) => part.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((part) => part.close()));
    throw error;
  }
}
