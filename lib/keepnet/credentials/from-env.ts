// The credentials provider the Lambda functions use: the secret named by KEEPNET_SECRET_ID, cached for
// KEEPNET_SECRET_MAX_AGE_SECONDS (default 300).
import { keepnetSecretSettingsFromEnv } from './keepnet-secret-env';
import { SecretsManagerCredentialsProvider } from './secrets-manager';

export function credentialsProviderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SecretsManagerCredentialsProvider {
  return new SecretsManagerCredentialsProvider(keepnetSecretSettingsFromEnv(env));
}
