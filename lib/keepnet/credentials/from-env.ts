// The credentials provider the Lambda functions use, built from the environment.
import { keepnetSecretSettingsFromEnv } from './keepnet-secret-env';
import { SecretsManagerCredentialsProvider } from './secrets-manager';

/**
 * The provider the Lambda functions use: the secret named by KEEPNET_SECRET_ID, cached for
 * KEEPNET_SECRET_MAX_AGE_SECONDS. Throws `KeepnetConfigurationError` naming a missing or bad variable.
 */
export function credentialsProviderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SecretsManagerCredentialsProvider {
  return new SecretsManagerCredentialsProvider(keepnetSecretSettingsFromEnv(env));
}
