export { credentialsProviderFromEnv } from './from-env';
export { type KeepnetCredentials, KeepnetSecretSchema, parseKeepnetSecret } from './keepnet-secret';
export { type CredentialsProvider, StaticCredentialsProvider } from './provider';
export {
  DEFAULT_SECRET_MAX_AGE_SECONDS,
  type SecretsManagerCredentialsOptions,
  SecretsManagerCredentialsProvider,
} from './secrets-manager';
