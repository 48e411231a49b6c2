// Alarms into one SNS topic (optionally e-mailed) and one dashboard. Custom metrics are the ones the
// functions emit with Powertools Metrics: namespace METRICS_NAMESPACE, dimension `service` = the
// function name (POWERTOOLS_SERVICE_NAME, set by KeepnetFunction).
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName } from '../bundling';
import type { StackFunctions } from './keepnet-function';

/** CloudWatch namespace of the custom metrics (POWERTOOLS_METRICS_NAMESPACE of every function). */
export const METRICS_NAMESPACE = 'KeepnetAutomation';

/** Custom metrics the dashboard and alarms read, by the function (service) that emits them. */
export const CUSTOM_METRICS = {
  'scheduled-export': {
    /** Recorded once per export file written, with its size: its SampleCount counts the files. */
    bytesWritten: 'ExportBytes',
    jobsFailed: 'ExportJobFailed',
    /** Members that left a group since the previous night by someone else's hand (not journaled). */
    outsideRemovals: 'OutsideRemovals',
  },
  'onboarding-router': { messagesQueued: 'OnboardingMessagesQueued' },
  'onboarding-worker': {
    membershipsAdded: 'MembershipsAdded',
    alreadyMembers: 'AlreadyMembers',
    forwardedByName: 'ForwardedByName',
    rejected: 'RejectedMessages',
    retried: 'RetriedMessages',
    operationsApplied: 'OperationsApplied',
    /** Members a write that replaced took out, found and put back from a repair record (should be 0). */
    membersRestored: 'MembersRestored',
  },
  'company-poller': { companiesFound: 'PollerCompaniesFound' },
  reconcile: {
    /** Members to add + remove + groups to create, per run (lib/desired-state/reconcile.ts). */
    drift: 'ReconcileDrift',
    operationsQueued: 'ReconcileOperationsQueued',
  },
} as const satisfies Partial<Record<FunctionName, Record<string, string>>>;

/** A nightly export that has not written an object for this long raises an alarm. */
export const EXPORT_SILENCE_HOURS = 26;

/**
 * What is watched: the functions, the dead-letter queues by display name, the onboarding queue; and who is
 * e-mailed.
 */
export interface MonitoringProps {
  functions: StackFunctions;
  /** Any message here means work was given up: each gets an alarm. */
  deadLetterQueues: Record<string, Queue>;
  onboardingQueue: Queue;
  alarmEmail: string | undefined;
}

/** One SNS topic every alarm notifies (e-mailed when an address is configured) and one dashboard. */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    // CloudWatch can publish to an encrypted topic only with a customer-managed key whose policy lets
    // it use the key (the AWS-managed aws/sns key cannot be shared).
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Keepnet automation alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, options: AlarmOptions): Alarm => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold: options.threshold ?? 1,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        datapointsToAlarm: options.evaluationPeriods ?? 1,
        treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
        alarmDescription: options.description,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}Messages`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        {
          description: `${name}: messages were given up on. Inspect and redrive them (docs/architecture.md).`,
        },
      );
    }

    for (const [name, { function: fn }] of Object.entries(props.functions)) {
      alarm(`${pascal(name)}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), {
        description: `${name}: the function failed (see its log group).`,
      });
      alarm(
        `${pascal(name)}Throttles`,
        fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        {
          description: `${name}: invocations were throttled (account concurrency or the configured maximum).`,
        },
      );
    }

    // A membership write that should have added in fact replaced (PARTICIPANTS_MODE=additive against a
    // replacing API, or an outside writer): the worker restored the members, but someone must look.
    alarm(
      'MembersRestored',
      customMetric(
        'onboarding-worker',
        CUSTOM_METRICS['onboarding-worker'].membersRestored,
        Duration.minutes(5),
      ),
      {
        description:
          'The onboarding worker found members lost to a write and restored them from its repair record: check PARTICIPANTS_MODE and who else writes to the group.',
      },
    );

    // Under a replacing API, a person editing a group in Keepnet's UI while our write lands is the one
    // loss a single writer cannot prevent; the nightly diff sees it as a removal nobody journaled.
    alarm(
      'OutsideRemovals',
      customMetric('scheduled-export', CUSTOM_METRICS['scheduled-export'].outsideRemovals, Duration.hours(1)),
      {
        description:
          'Members left a group since the previous night without a write of this system: check the membership diff (madeBy = outside) and whoever edits groups in Keepnet.',
      },
    );

    // Keepnet differs from the desired-state file. Missing data (between runs) keeps the state the last
    // run left: the alarm stays up until a run finds no drift, rather than clearing an hour later.
    if (props.functions.reconcile) {
      alarm(
        'ReconcileDrift',
        customMetric('reconcile', CUSTOM_METRICS.reconcile.drift, Duration.hours(1), 'Maximum'),
        {
          treatMissingData: TreatMissingData.IGNORE,
          description:
            'Keepnet differs from the desired-state file (reconcile): see the function log ("reconcile plan") or run keepnet-groups plan -f with the same file.',
        },
      );
    }

    // No export file written for 26 h: the nightly export did not run or wrote nothing. One-hour periods,
    // 26 of 26 breaching, missing data breaching: any hour with a write clears it (CloudWatch allows up to
    // 7 days of evaluation range for periods of an hour or more).
    alarm('NightlyExportMissing', exportFilesWritten(Duration.hours(1)), {
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: EXPORT_SILENCE_HOURS,
      treatMissingData: TreatMissingData.BREACHING,
      description: `No export object written for ${EXPORT_SILENCE_HOURS} hours: the nightly export is missing.`,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const fns = props.functions;
    const hourly = Duration.hours(1);
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '## Onboarding', width: 24, height: 1 }),
      new GraphWidget({
        title: 'CompanyCreated → groups',
        left: [
          fns['onboarding-router'].function.metricInvocations({
            label: 'Router invocations',
            period: hourly,
          }),
          customMetric('company-poller', CUSTOM_METRICS['company-poller'].companiesFound, hourly),
          customMetric('onboarding-router', CUSTOM_METRICS['onboarding-router'].messagesQueued, hourly),
          customMetric('onboarding-worker', CUSTOM_METRICS['onboarding-worker'].membershipsAdded, hourly),
          customMetric('onboarding-worker', CUSTOM_METRICS['onboarding-worker'].alreadyMembers, hourly),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Worker messages not done',
        left: [
          customMetric('onboarding-worker', CUSTOM_METRICS['onboarding-worker'].retried, hourly),
          customMetric('onboarding-worker', CUSTOM_METRICS['onboarding-worker'].rejected, hourly),
          customMetric('onboarding-worker', CUSTOM_METRICS['onboarding-worker'].forwardedByName, hourly),
        ],
        width: 4,
      }),
      new GraphWidget({
        title: 'Onboarding queue',
        left: [props.onboardingQueue.metricApproximateNumberOfMessagesVisible({ label: 'Waiting' })],
        right: [props.onboardingQueue.metricApproximateAgeOfOldestMessage({ label: 'Oldest (s)' })],
        width: 6,
      }),
      new SingleValueWidget({
        title: 'Dead letters',
        metrics: Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum' }),
        ),
        width: 6,
      }),
      new TextWidget({ markdown: '## Exports', width: 24, height: 1 }),
      new GraphWidget({
        title: 'Export files and failed jobs',
        left: [
          exportFilesWritten(hourly).with({ label: 'Files written' }),
          customMetric('scheduled-export', CUSTOM_METRICS['scheduled-export'].jobsFailed, hourly),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Export bytes',
        left: [customMetric('scheduled-export', CUSTOM_METRICS['scheduled-export'].bytesWritten, hourly)],
        width: 8,
      }),
      new GraphWidget({
        title: 'Export duration (ms)',
        left: [fns['scheduled-export'].function.metricDuration({ statistic: 'Maximum', period: hourly })],
        width: 8,
      }),
      new TextWidget({ markdown: '## Functions', width: 24, height: 1 }),
      new GraphWidget({
        title: 'Errors',
        left: Object.entries(fns).map(([name, f]) =>
          f.function.metricErrors({ label: name, period: hourly }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Throttles',
        left: Object.entries(fns).map(([name, f]) =>
          f.function.metricThrottles({ label: name, period: hourly }),
        ),
        width: 12,
      }),
    );
  }
}

interface AlarmOptions {
  description: string;
  threshold?: number;
  comparison?: ComparisonOperator;
  evaluationPeriods?: number;
  treatMissingData?: TreatMissingData;
}

function customMetric(
  service: FunctionName,
  metricName: string,
  period: Duration,
  statistic = 'Sum',
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic,
    period,
  });
}

/** Export files written: one ExportBytes sample per file (lib/exports/run-scheduled-export.ts). */
function exportFilesWritten(period: Duration): Metric {
  return customMetric(
    'scheduled-export',
    CUSTOM_METRICS['scheduled-export'].bytesWritten,
    period,
    'SampleCount',
  );
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
