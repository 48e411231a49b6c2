// AWS SDK client settings from the CLI's environment (not process.env directly): with --local attached
// to a running `npm start -- --serve`, that environment points at the local stand-ins; otherwise it is
// the operator's own, and the SDK's default chain (profiles, SSO, instance roles) applies.

export interface AwsClientSettings {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

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
