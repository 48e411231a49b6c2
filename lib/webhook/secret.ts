// Loads the webhook's shared secret(s) from Secrets Manager (WEBHOOK_SECRET_ID), cached per container
// by Powertools Parameters. The secret is either the key itself, or JSON `{ "current", "previous"? }`
// so that a rotation can accept the old key while senders switch to the new one.
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { ENV } from '../config/variables';

/** Long enough to keep Secrets Manager off the hot path, short enough for a rotation to land quickly. */
export const SECRET_CACHE_SECONDS = 300;

const RotatingSecretSchema = z.strictObject({
  current: z.string().min(16, 'must be at least 16 characters'),
  previous: z.string().min(16, 'must be at least 16 characters').optional(),
});

/** The webhook secret is missing, has no text, or is not a usable key; the message never holds it. */
export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

/** Parses the secret's text into the list of accepted keys, current first. */
export function parseWebhookSecret(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new WebhookSecretError('The webhook secret looks like JSON but does not parse.');
    }
    const parsed = RotatingSecretSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new WebhookSecretError(
        `The webhook secret JSON is invalid: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim(),
      );
    }
    return parsed.data.previous ? [parsed.data.current, parsed.data.previous] : [parsed.data.current];
  }
  if (trimmed.length < 16) throw new WebhookSecretError('The webhook secret must be at least 16 characters.');
  return [trimmed];
}

/**
 * The accepted keys, current first, from the Secrets Manager secret `secretId` (WEBHOOK_SECRET_ID),
 * cached per container for SECRET_CACHE_SECONDS. Throws `WebhookSecretError`.
 */
export async function loadWebhookSecrets(secretId: string | undefined): Promise<string[]> {
  if (!secretId) throw new WebhookSecretError(`${ENV.webhookSecretId} is not set.`);
  const value = await getSecret(secretId, { maxAge: SECRET_CACHE_SECONDS });
  if (typeof value !== 'string') throw new WebhookSecretError('The webhook secret has no SecretString.');
  return parseWebhookSecret(value);
}
