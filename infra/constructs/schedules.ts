// The EventBridge Scheduler schedules of the scheduled functions, and the roles Scheduler assumes.
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import type { KeepnetFunction } from './keepnet-function';
import { arnPlaceholder } from './nag';

/** The role EventBridge Scheduler assumes to invoke one function (LambdaInvoke grants it). */
function schedulerRole(scope: Construct, id: string, target: KeepnetFunction): Role {
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

/** The scheduled functions and where their undeliverable invocations go. */
export interface ScheduledFunctions {
  exporter: KeepnetFunction;
  poller: KeepnetFunction;
  reconciler: KeepnetFunction | undefined;
  failedEvents: IQueue;
}

/**
 * The nightly export (cron, retried), the poller and reconcile (every few minutes, not retried: the
 * poller's watermark does not move on a missed run; reconcile plans afresh on every run). Ids
 * `<Name>Schedule` and `<Name>ScheduleRole` in `scope`.
 */
export function scheduleFunctions(
  scope: Construct,
  functions: ScheduledFunctions,
  config: DeploymentConfig,
): void {
  const { exporter, poller, reconciler, failedEvents } = functions;
  const stack = Stack.of(scope);
  // Scheduler sends the shape of an EventBridge "Scheduled Event" (every field Powertools' EventBridge
  // schema requires), so the export function parses schedule and rule invocations alike; `time` is the
  // scheduled time, which names the export files, and `id` is unique per invocation.
  const scheduledEvent = ScheduleTargetInput.fromObject({
    version: '0',
    id: ContextAttribute.executionId,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: stack.account,
    time: ContextAttribute.scheduledTime,
    region: stack.region,
    resources: [ContextAttribute.scheduleArn],
    detail: {},
  });
  new Schedule(scope, 'NightlyExportSchedule', {
    description: 'Nightly Keepnet exports',
    schedule: ScheduleExpression.cron({
      hour: String(config.exportSchedule.hour),
      minute: String(config.exportSchedule.minute),
      timeZone: TimeZone.of(config.scheduleTimeZone),
    }),
    target: new LambdaInvoke(exporter.function, {
      role: schedulerRole(scope, 'NightlyExportScheduleRole', exporter),
      input: scheduledEvent,
      retryAttempts: 3,
      maxEventAge: Duration.hours(2),
      deadLetterQueue: failedEvents,
    }),
  });
  const everyMinutes = (id: string, description: string, minutes: number, fn: KeepnetFunction) =>
    new Schedule(scope, `${id}Schedule`, {
      description,
      schedule: ScheduleExpression.rate(Duration.minutes(minutes)),
      target: new LambdaInvoke(fn.function, {
        role: schedulerRole(scope, `${id}ScheduleRole`, fn),
        input: scheduledEvent,
        retryAttempts: 0,
        deadLetterQueue: failedEvents,
      }),
    });
  everyMinutes(
    'CompanyPoller',
    'Looks for newly created Keepnet companies',
    config.pollerIntervalMinutes,
    poller,
  );
  if (reconciler) {
    everyMinutes(
      'Reconcile',
      'Plans the desired-state file against Keepnet (groups as code)',
      config.reconcileIntervalMinutes,
      reconciler,
    );
  }
}
