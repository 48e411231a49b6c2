// The S3 client exports use. The endpoint comes from the SDK's own AWS_ENDPOINT_URL_S3 when set (local
// runs, tests); such endpoints (s3rver) need path-style addressing, real S3 keeps virtual-hosted style.
import { S3Client } from '@aws-sdk/client-s3';

export function createS3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3?.trim()) });
}
