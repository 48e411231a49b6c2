// A secret the stack either imports (an operator-managed secret named in context) or creates.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret, type SecretStringGenerator } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

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

export function importOrCreateSecret(
  scope: Construct,
  id: string,
  props: SecretReferenceProps,
): SecretReference {
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
