// AWS SDK client settings from the CLI's environment.
import { S3Client } from '@aws-sdk/client-s3';

/** The parts of an AWS SDK client's configuration the CLI's environment may set. */
export interface AwsClientSettings {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Client settings from the CLI's environment (not process.env directly): with --local attached to a
 * running `npm start -- --serve`, that environment points at the local stand-ins; otherwise it is the
 * operator's own, and the SDK's default chain (profiles, SSO, instance roles) applies. The service's
 * own endpoint variable wins over AWS_ENDPOINT_URL.
 */
export function awsClientSettings(
  env: Record<string, string | undefined>,
  endpointVariable: 'AWS_ENDPOINT_URL_S3' | 'AWS_ENDPOINT_URL_SQS' | 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
): AwsClientSettings {
  const endpoint = env[endpointVariable] ?? env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
  };
}

type ChecksumSetting = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';

function checksumSetting(value: string | undefined): ChecksumSetting | undefined {
  return value === 'WHEN_SUPPORTED' || value === 'WHEN_REQUIRED' ? value : undefined;
}

/**
 * An S3 client for the CLI's environment. Path-style whenever an endpoint is overridden (local S3
 * stand-ins have no virtual hosts). The SDK reads the checksum settings from process.env only, so they
 * are passed on here: attached to a running local system, they come from its environment (s3rver
 * wants `WHEN_REQUIRED`), not from the operator's shell.
 */
export function createCliS3Client(env: Record<string, string | undefined>): S3Client {
  const settings = awsClientSettings(env, 'AWS_ENDPOINT_URL_S3');
  const requestChecksumCalculation = checksumSetting(env.AWS_REQUEST_CHECKSUM_CALCULATION);
  const responseChecksumValidation = checksumSetting(env.AWS_RESPONSE_CHECKSUM_VALIDATION);
  return new S3Client({
    ...settings,
    ...(settings.endpoint ? { forcePathStyle: true } : {}),
    ...(requestChecksumCalculation ? { requestChecksumCalculation } : {}),
    ...(responseChecksumValidation ? { responseChecksumValidation } : {}),
  });
}
