// Onboarding's own event bus, who may put CompanyCreated on it, and the rule that routes those events
// to the router. On the default bus anyone in the account allowed PutEvents could drive onboarding (add
// any company to any group, create groups).
import { Duration, Stack } from 'aws-cdk-lib';
import { type CfnEventBus, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, ArnPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
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

/** The bus (id `OnboardingBus` in `scope`), named in context or after the stack. */
export function onboardingBus(
  scope: Construct,
  config: DeploymentConfig,
): { bus: EventBus; busName: string } {
  const busName = config.eventBusName ?? `${Stack.of(scope).stackName}-onboarding`;
  const bus = new EventBus(scope, 'OnboardingBus', {
    eventBusName: busName,
    description: 'CompanyCreated events for Keepnet onboarding; only the named producers may put events',
  });
  return { bus, busName };
}

/**
 * CompanyCreated from the configured source on the bus → the router (id `CompanyCreatedRule` in
 * `scope`). `account`: the accounts of the admitted producers only (this one, and a CRM role's own);
 * the bus policy names who. Undeliverable events go to `failedEvents` after EventBridge's retries.
 */
export function companyCreatedRule(
  scope: Construct,
  bus: EventBus,
  router: IFunction,
  failedEvents: IQueue,
  config: DeploymentConfig,
): Rule {
  return new Rule(scope, 'CompanyCreatedRule', {
    description: 'CompanyCreated events to the onboarding router',
    eventBus: bus,
    eventPattern: {
      source: [config.eventSource],
      detailType: [COMPANY_CREATED_DETAIL_TYPE],
      account: [
        ...new Set([
          Stack.of(scope).account,
          ...config.eventProducerRoleArns.map((arn) => arn.split(':')[4]!),
        ]),
      ],
    },
    targets: [
      new LambdaFunction(router, {
        deadLetterQueue: failedEvents,
        retryAttempts: 20,
        maxEventAge: Duration.hours(24),
      }),
    ],
  });
}
