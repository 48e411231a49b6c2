// The roles EventBridge Scheduler assumes to invoke the scheduled functions.
import { Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { KeepnetFunction } from './keepnet-function';
import { arnPlaceholder } from './nag';

/** The role EventBridge Scheduler assumes to invoke one function (LambdaInvoke grants it). */
export function schedulerRole(scope: Construct, id: string, target: KeepnetFunction): Role {
  const role = new Role(scope, id, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${arnPlaceholder(target.function)}:*]`,
    reason:
      'grantInvoke (used by the Scheduler target) also covers the function\'s versions and aliases ("<arn>:*"); ' +
      'it is still one function.',
  });
  return role;
}
