// Credentials from a JSON secret in AWS Secrets Manager. Powertools' SecretsProvider builds a standard
// SecretsManagerClient, which honours AWS_ENDPOINT_URL_SECRETS_MANAGER (the SDK resolves overrides itself).

import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV } from '../../config/variables';
import { logger } from '../../observability/powertools';
import { KeepnetConfigurationError } from '../errors';
import { type KeepnetCredentials, parseKeepnetSecret } from './keepnet-secret';
import { DEFAULT_SECRET_MAX_AGE_SECONDS } from './keepnet-secret-env';
import type { CredentialsProvider } from './provider';

export { DEFAULT_SECRET_MAX_AGE_SECONDS };

/** Which secret {@link SecretsManagerCredentialsProvider} reads, and how. */
export interface SecretsManagerCredentialsOptions {
  /** Secret name or ARN. */
  secretId: string;
  /** How long a read secret is reused; default 300 s. */
  maxAgeSeconds?: number;
  /** An SDK client to use (tests, custom config); default: one built from the environment. */
  client?: SecretsManagerClient;
}

/**
 * Credentials from a JSON secret in AWS Secrets Manager, read through Powertools' `SecretsProvider` (cached
 * for `maxAgeSeconds`). After `invalidate()` the next read bypasses the cache; if that forced read fails,
 * the value held is kept. Throws `KeepnetConfigurationError` for a missing or malformed secret.
 */
export class SecretsManagerCredentialsProvider implements CredentialsProvider {
  private readonly secrets: SecretsProvider;
  private readonly secretId: string;
  private readonly maxAgeSeconds: number;
  private forceFetch = false;
  private inflight: Promise<KeepnetCredentials> | undefined;
  /** The last value read and parsed successfully: the fallback when a forced re-read fails. */
  private lastGood: KeepnetCredentials | undefined;

  constructor(options: SecretsManagerCredentialsOptions) {
    if (!options.secretId.trim()) {
      throw new KeepnetConfigurationError(`${ENV.keepnetSecretId} must name a Secrets Manager secret`);
    }
    this.secretId = options.secretId;
    this.maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_SECRET_MAX_AGE_SECONDS;
    this.secrets = new SecretsProvider(options.client ? { awsSdkV3Client: options.client } : {});
  }

  get(): Promise<KeepnetCredentials> {
    // Single-flight: concurrent cold callers share one GetSecretValue.
    this.inflight ??= this.read().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  invalidate(): void {
    this.forceFetch = true;
  }

  private async read(): Promise<KeepnetCredentials> {
    const forceFetch = this.forceFetch;
    try {
      const credentials = await this.readFromSecretsManager(forceFetch);
      this.lastGood = credentials;
      return credentials;
    } catch (error) {
      // A forced re-read only checks for a rotation (after a 401 or a refused token). If Secrets Manager
      // is unreachable or the new value is malformed right then, the value we hold is still the best
      // bet: failing here would turn an ordinary token expiry into an outage. A refused credential is
      // still reported as refused by the client, which compares what it gets back.
      if (!forceFetch || this.lastGood === undefined) throw error;
      logger.warn('Could not re-read the Keepnet secret; keeping the value read before', {
        secretId: this.secretId,
        reason: error instanceof Error ? error.message : String(error),
      });
      return this.lastGood;
    }
  }

  private async readFromSecretsManager(forceFetch: boolean): Promise<KeepnetCredentials> {
    this.forceFetch = false;
    let raw: unknown;
    try {
      raw = await this.secrets.get(this.secretId, { maxAge: this.maxAgeSeconds, forceFetch });
    } catch (error) {
      this.forceFetch ||= forceFetch;
      // The SDK error names the secret and the reason (not found, access denied); it holds no value.
      throw new KeepnetConfigurationError(
        `Could not read the Keepnet secret "${this.secretId}" from Secrets Manager: ${describeSdkError(error)}`,
        { cause: error },
      );
    }
    if (raw === undefined) {
      throw new KeepnetConfigurationError(`The Keepnet secret "${this.secretId}" has no value`);
    }
    // SecretBinary arrives as bytes (ArrayBuffer.isView works across realms, unlike instanceof).
    const text = ArrayBuffer.isView(raw)
      ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')
      : raw;
    const credentials = parseKeepnetSecret(text, `The Keepnet secret "${this.secretId}"`);
    if (forceFetch) logger.debug('Re-read the Keepnet secret', { secretId: this.secretId });
    return credentials;
  }
}

function describeSdkError(error: unknown): string {
  // Powertools wraps SDK failures in GetParameterError; the SDK's own error is its cause.
  // Duck-typed: SDK errors may come from another realm (Jest's vm context) where instanceof fails.
  const outer = error as { cause?: { name?: unknown; message?: unknown } } | null;
  const inner =
    outer?.cause && typeof outer.cause.message === 'string'
      ? outer.cause
      : (error as { name?: unknown; message?: unknown } | null);
  return typeof inner?.message === 'string' ? `${String(inner.name)}: ${inner.message}` : String(error);
}
