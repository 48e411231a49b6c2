// A secret the stack either imports (an operator-managed secret named in context) or creates.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret, type SecretStringGenerator } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';

/** A secret named in context, or what to create when none is. */
export interface SecretReferenceProps {
  /** Name or ARN from context; undefined: create the secret. */
  reference: string | undefined;
  /** Used when creating. */
  secretName: string;
  description: string;
  generate: SecretStringGenerator;
}

/** ARNs of secrets end in "-" plus 6 random characters; a name-only ARN is a partial one. */
const COMPLETE_ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** A secret as the functions and their policies refer to it. */
export interface SecretReference {
  secret: ISecret;
  /** What a function's KEEPNET_SECRET_ID / WEBHOOK_SECRET_ID holds: the name or ARN Secrets Manager accepts. */
  secretId: string;
  /**
   * The ARN to put in IAM policies: a secret known only by name (or partial ARN) gets the "-??????"
   * suffix pattern, because the real ARN ends in 6 random characters.
   */
  policyArn: string;
}

/**
 * Imports the secret the reference names (complete ARN, partial ARN or name), or creates one with a
 * generated value when there is no reference.
 */
function importOrCreateSecret(scope: Construct, id: string, props: SecretReferenceProps): SecretReference {
  const { reference } = props;
  if (reference?.startsWith('arn:')) {
    if (COMPLETE_ARN_SUFFIX.test(reference)) {
      const secret = Secret.fromSecretCompleteArn(scope, id, reference);
      return { secret, secretId: reference, policyArn: reference };
    }
    const secret = Secret.fromSecretPartialArn(scope, id, reference);
    return { secret, secretId: reference, policyArn: `${reference}-??????` };
  }
  if (reference !== undefined) {
    const secret = Secret.fromSecretNameV2(scope, id, reference);
    const policyArn = Stack.of(scope).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${reference}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return { secret, secretId: reference, policyArn };
  }

  const secret = new Secret(scope, id, {
    secretName: props.secretName,
    description: props.description,
    generateSecretString: props.generate,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'Rotation needs an API to issue new credentials: Keepnet API keys are issued in the Keepnet portal and ' +
      'the webhook key must be changed together with its caller, so operators rotate these by hand (docs/architecture.md).',
  });
  return { secret, secretId: secret.secretArn, policyArn: secret.secretArn };
}

/** The two secrets the functions read: the Keepnet API credential and the webhook's HMAC key. */
export interface AutomationSecrets {
  keepnet: SecretReference;
  webhook: SecretReference;
}

/**
 * Imports the secrets named in context or creates them (ids `KeepnetCredentials`, `WebhookKey` in
 * `scope`), named after the stack so two deployments (staging, production) can share an account.
 */
export function automationSecrets(
  scope: Construct,
  config: Pick<DeploymentConfig, 'keepnetSecret' | 'webhookSecret'>,
): AutomationSecrets {
  const { stackName } = Stack.of(scope);
  const keepnet = importOrCreateSecret(scope, 'KeepnetCredentials', {
    reference: config.keepnetSecret,
    secretName: `${stackName}/keepnet-api`,
    description:
      'Keepnet API credential (Reseller client role): JSON { "clientId", "clientSecret", "baseUrl"? }. ' +
      'Created with placeholders: put the real values in before the first run.',
    // Placeholders in the documented shape, so the client fails with "authentication failed" rather
    // than "not JSON" until the operator fills them in.
    generate: {
      secretStringTemplate: JSON.stringify({ clientId: 'REPLACE-WITH-KEEPNET-CLIENT-ID' }),
      generateStringKey: 'clientSecret',
      excludePunctuation: true,
      passwordLength: 32,
    },
  });
  const webhook = importOrCreateSecret(scope, 'WebhookKey', {
    reference: config.webhookSecret,
    secretName: `${stackName}/webhook-hmac-key`,
    description:
      'HMAC-SHA256 key of the company-created webhook: the key itself, or JSON { "current", "previous"? } while rotating.',
    // A random key is exactly what is needed: the operator hands it to the webhook sender.
    generate: { excludePunctuation: true, passwordLength: 48 },
  });
  return { keepnet, webhook };
}
