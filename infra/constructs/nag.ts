// cdk-nag acknowledgements shared by several constructs.
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag names a resource in a finding: `<LogicalId.Arn>`. */
export function arnPlaceholder(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement;
  return `<${Stack.of(construct).getLogicalId(resource)}.Arn>`;
}

/**
 * An object-level grant needs a key pattern; the pattern names one prefix of one bucket. cdk-nag sees the
 * "*" and wants the finding acknowledged with the exact resource.
 */
export function acknowledgeObjectPrefix(
  role: IConstruct,
  bucket: IConstruct,
  prefix: string,
  what: string,
): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${arnPlaceholder(bucket)}/${prefix}*]`,
    reason: `Object actions are limited to the ${prefix} prefix of the one bucket: the ${what}.`,
  });
}
