// The credentials provider the Lambda functions use: the secret named by KEEPNET_SECRET_ID, cached for
// KEEPNET_SECRET_MAX_AGE_SECONDS (default 300).
import { KeepnetConfigurationError } from '../keepnet/errors';
import { DEFAULT_SECRET_MAX_AGE_SECONDS, SecretsManagerCredentialsProvider } from './secrets-manager';

export function credentialsProviderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SecretsManagerCredentialsProvider {
  const secretId = env.KEEPNET_SECRET_ID?.trim();
  if (!secretId) {
    throw new KeepnetConfigurationError(
      'KEEPNET_SECRET_ID is not set: it must name the Secrets Manager secret holding {"clientId", "clientSecret", "baseUrl"?}',
    );
  }
  return new SecretsManagerCredentialsProvider({
    secretId,
    maxAgeSeconds: maxAgeFromEnv(env.KEEPNET_SECRET_MAX_AGE_SECONDS),
  });
}

function maxAgeFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SECRET_MAX_AGE_SECONDS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new KeepnetConfigurationError(
      `KEEPNET_SECRET_MAX_AGE_SECONDS must be a whole number of seconds >= 0 (got "${raw}")`,
    );
  }
  return value;
}
