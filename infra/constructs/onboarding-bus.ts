// The onboarding event bus's resource policy: who may put CompanyCreated events on it.
import { Stack } from 'aws-cdk-lib';
import type { CfnEventBus, EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, ArnPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { COMPANY_CREATED_DETAIL_TYPE } from '../../lib/onboarding/company-created';
import type { DeploymentConfig } from '../config';

/**
 * The onboarding bus's resource policy: the named roles may put CompanyCreated from the configured
 * source; any other principal is refused PutEvents, whatever its own IAM policy allows. One document on
 * the bus itself (its `Policy`), so the Deny can never be deployed without the Allow or the other way
 * round; the bus ARN is spelled out because a reference to the bus's own Arn would be circular.
 */
export function admitOnlyProducers(
  bus: EventBus,
  busName: string,
  config: DeploymentConfig,
  roleArns: string[],
): void {
  const busArn = Stack.of(bus).formatArn({
    service: 'events',
    resource: 'event-bus',
    resourceName: busName,
  });
  const policy = new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'AdmitNamedProducers',
        principals: roleArns.map((arn) => new ArnPrincipal(arn)),
        actions: ['events:PutEvents'],
        resources: [busArn],
        conditions: {
          StringEquals: {
            'events:source': config.eventSource,
            'events:detail-type': COMPANY_CREATED_DETAIL_TYPE,
          },
        },
      }),
      new PolicyStatement({
        sid: 'RefuseEveryoneElse',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [busArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': roleArns } },
      }),
    ],
  });
  (bus.node.defaultChild as CfnEventBus).policy = policy;
}
