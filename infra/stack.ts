// The whole deployment: five functions (six with the optional reconcile), their triggers, storage, secrets, alarms and dashboard.
// Each function gets exactly the permissions its code uses; every grant is written out here, next to
// the environment variable that tells the function where the resource is.
import { CfnOutput, Duration, Names, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { parseS3Uri } from '../lib/desired-state/reconcile-config';
import { COMPANY_CREATED_DETAIL_TYPE } from '../lib/onboarding/company-created';
import type { FunctionName } from './bundling';
import { type DeploymentConfig, POLLER_STATE_PREFIX } from './config';
import { ExportStorage } from './constructs/export-storage';
import { KeepnetFunction } from './constructs/keepnet-function';
import { METRICS_NAMESPACE, Monitoring } from './constructs/monitoring';
import { acknowledgeObjectPrefix } from './constructs/nag';
import { admitOnlyProducers } from './constructs/onboarding-bus';
import { OnboardingQueue } from './constructs/onboarding-queue';
import { AutomationRestApi } from './constructs/rest-api';
import { schedulerRole } from './constructs/schedules';
import { importOrCreateSecret } from './constructs/secret-reference';
import { SendOnlySqsDestination } from './constructs/send-only-sqs-destination';
import { FUNCTION_SIZING } from './function-sizing';

export { FUNCTION_SIZING } from './function-sizing';
export { POLLER_STATE_PREFIX };
/** The poller's watermark object, in the export bucket. */
export const POLLER_STATE_KEY = `${POLLER_STATE_PREFIX}watermark.json`;
/** Group operations' records, the repair records and the write journal (lib/operations/store.ts). */
export const OPERATIONS_PREFIX = 'state/operations/';
/** How long an operation's record can be read back (GET /operations/{id}, keepnet-groups operations). */
export const OPERATION_RECORD_DAYS = 30;
/** How long the write journal is kept: a year of "made by this system" in the nightly diff, and then some. */
export const JOURNAL_DAYS = 400;

export interface KeepnetAutomationStackProps extends StackProps {
  config: DeploymentConfig;
  /** Repository root: where functions/ and package-lock.json are. */
  repoRoot: string;
}

/** The functions the stack deploys: reconcile only when a desired-state file is configured. */
export type StackFunctions = Record<Exclude<FunctionName, 'reconcile'>, KeepnetFunction> & {
  reconcile?: KeepnetFunction;
};

export class KeepnetAutomationStack extends Stack {
  readonly functions: StackFunctions;

  constructor(scope: Construct, id: string, props: KeepnetAutomationStackProps) {
    super(scope, id, props);
    const { config } = props;

    // ---- secrets ------------------------------------------------------------------------------------
    const keepnetSecret = importOrCreateSecret(this, 'KeepnetCredentials', {
      reference: config.keepnetSecret,
      // Named after the stack, so two deployments (staging, production) can share an account.
      secretName: `${this.stackName}/keepnet-api`,
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
    const webhookSecret = importOrCreateSecret(this, 'WebhookKey', {
      reference: config.webhookSecret,
      secretName: `${this.stackName}/webhook-hmac-key`,
      description:
        'HMAC-SHA256 key of the company-created webhook: the key itself, or JSON { "current", "previous"? } while rotating.',
      // A random key is exactly what is needed: the operator hands it to the webhook sender.
      generate: { excludePunctuation: true, passwordLength: 48 },
    });

    // ---- storage and queues -------------------------------------------------------------------------
    const storage = new ExportStorage(this, 'ExportStorage', {
      exportPrefix: config.exportPrefix,
      infrequentAccessAfterDays: config.exportRetention.infrequentAccessAfterDays,
      expireAfterDays: config.exportRetention.expireAfterDays,
      noncurrentVersionsExpireAfterDays: config.exportRetention.noncurrentVersionsExpireAfterDays,
      accessLogRetentionDays: config.accessLogRetentionDays,
    });
    const bucket = storage.bucket;

    const onboarding = new OnboardingQueue(this, 'Onboarding', {
      maxReceiveCount: config.dlqMaxReceiveCount,
      consumerTimeout: FUNCTION_SIZING['onboarding-worker'].timeout,
    });

    // Events that could not be delivered or whose asynchronous invocation failed for good: EventBridge
    // rule and Scheduler target DLQ, and the on-failure destination of the asynchronously invoked
    // functions. (Standard queue: neither EventBridge nor Lambda destinations accept FIFO here.)
    const failedEvents = new Queue(this, 'FailedEvents', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failedEvents).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue (EventBridge rule and Scheduler target DLQ, Lambda on-failure ' +
        "destination); cdk-nag only recognises DLQs named in another queue's redrive policy.",
    });

    // Onboarding's own bus: on the default bus anyone in the account allowed PutEvents could drive
    // onboarding (add any company to any group, create groups). Its policy is set below, with the roles.
    const busName = config.eventBusName ?? `${this.stackName}-onboarding`;
    const bus = new EventBus(this, 'OnboardingBus', {
      eventBusName: busName,
      description: 'CompanyCreated events for Keepnet onboarding; only the named producers may put events',
    });

    // ---- functions ----------------------------------------------------------------------------------
    const logRetention = config.logRetentionDays as RetentionDays;
    const keepnetEnv: Record<string, string> = {
      KEEPNET_SECRET_ID: keepnetSecret.secretId,
      ...(config.keepnetBaseUrl ? { KEEPNET_BASE_URL: config.keepnetBaseUrl } : {}),
    };
    const groupRules = JSON.stringify(config.groupRules);
    const operationsEnv = { OPERATIONS_BUCKET: bucket.bucketName, OPERATIONS_PREFIX };
    const make = (name: FunctionName, id: string, environment: Record<string, string>) =>
      new KeepnetFunction(this, id, {
        name,
        ...FUNCTION_SIZING[name],
        logRetention,
        environment,
        metricsNamespace: METRICS_NAMESPACE,
        repoRoot: props.repoRoot,
      });

    const router = make('onboarding-router', 'OnboardingRouter', {
      ONBOARDING_QUEUE_URL: onboarding.queue.queueUrl,
      GROUP_RULES: groupRules,
    });
    const worker = make('onboarding-worker', 'OnboardingWorker', {
      ...keepnetEnv,
      ONBOARDING_QUEUE_URL: onboarding.queue.queueUrl,
      // Poison messages go straight here, so they do not hold up their message group (lib/onboarding).
      ONBOARDING_DLQ_URL: onboarding.deadLetterQueue.queueUrl,
      // The redrive policy's own value: on that last receive the worker dead-letters a still-failing
      // message itself, with its reason, rather than leaving SQS to move it without one.
      ONBOARDING_MAX_RECEIVE_COUNT: String(onboarding.maxReceiveCount),
      PARTICIPANTS_MODE: config.participantsMode,
      ...operationsEnv,
    });
    const poller = make('company-poller', 'CompanyPoller', {
      ...keepnetEnv,
      EVENT_BUS_NAME: bus.eventBusName,
      // The source the CompanyCreated rule matches: what the poller publishes must be what the rule routes.
      POLLER_EVENT_SOURCE: config.eventSource,
      POLLER_STATE_BUCKET: bucket.bucketName,
      POLLER_STATE_KEY,
      ...(config.pollerStartTime ? { POLLER_START_TIME: config.pollerStartTime } : {}),
    });
    const exporter = make('scheduled-export', 'ScheduledExport', {
      ...keepnetEnv,
      EXPORT_BUCKET: bucket.bucketName,
      EXPORT_PREFIX: config.exportPrefix,
      ...(config.exportJobs ? { EXPORT_JOBS: JSON.stringify(config.exportJobs) } : {}),
      ...operationsEnv,
    });
    const api = make('api', 'Api', {
      ...keepnetEnv,
      EXPORT_BUCKET: bucket.bucketName,
      EXPORT_PREFIX: config.exportPrefix,
      WEBHOOK_SECRET_ID: webhookSecret.secretId,
      ONBOARDING_QUEUE_URL: onboarding.queue.queueUrl,
      GROUP_RULES: groupRules,
      ...operationsEnv,
    });
    // Groups as code on a schedule: off unless a desired-state file is configured. Report mode needs no
    // queue nor store; apply mode queues through the one writer like the CLI.
    const reconcileApplies = config.reconcileMode === 'apply';
    const reconciler = config.reconcileFileS3Uri
      ? make('reconcile', 'Reconcile', {
          ...keepnetEnv,
          RECONCILE_FILE_S3_URI: config.reconcileFileS3Uri,
          ...(config.reconcileAttributesS3Uri
            ? { RECONCILE_ATTRIBUTES_S3_URI: config.reconcileAttributesS3Uri }
            : {}),
          RECONCILE_MODE: config.reconcileMode,
          RECONCILE_ALLOW_REMOVALS: String(config.reconcileAllowRemovals),
          ...(reconcileApplies ? { ONBOARDING_QUEUE_URL: onboarding.queue.queueUrl, ...operationsEnv } : {}),
        })
      : undefined;
    this.functions = {
      'onboarding-router': router,
      'onboarding-worker': worker,
      'company-poller': poller,
      'scheduled-export': exporter,
      api,
      ...(reconciler ? { reconcile: reconciler } : {}),
    };

    // ---- grants: exactly what each function's code calls --------------------------------------------
    const readSecret = (fn: KeepnetFunction, policyArn: string) =>
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [policyArn] }),
      );
    for (const fn of [worker, poller, exporter, api]) readSecret(fn, keepnetSecret.policyArn);
    readSecret(api, webhookSecret.policyArn);
    if (reconciler) readSecret(reconciler, keepnetSecret.policyArn);

    // Router and webhook enqueue one message per group; the worker re-enqueues a name-keyed message once
    // it knows the group's id. (Receiving is the event source mapping's grant, below.)
    for (const fn of [router, worker, api]) {
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [onboarding.queue.queueArn] }),
      );
    }
    // The worker dead-letters a permanently failing message itself, on its first receive. Send only: the
    // DLQ is read and redriven by operators (keepnet-groups dlq). SQS-managed SSE: no key to grant.
    worker.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [onboarding.deadLetterQueue.queueArn] }),
    );

    // Exports: the scheduled run writes files, snapshot and manifest (multipart uploads) and reads the
    // previous membership snapshot back to diff against it; `POST /exports` on the API writes one file
    // and hands out a presigned GET for it. All of it under the export prefix only.
    const exportObjects = bucket.arnForObjects(`${config.exportPrefix}*`);
    exporter.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
        resources: [exportObjects],
      }),
    );
    exporter.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${config.exportPrefix}*`] } },
      }),
    );
    acknowledgeObjectPrefix(exporter, bucket, config.exportPrefix, 'export files, snapshots and manifests');
    api.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
        resources: [exportObjects],
      }),
    );
    acknowledgeObjectPrefix(
      api,
      bucket,
      config.exportPrefix,
      'on-demand export files and their presigned downloads',
    );
    // GET /reports/latest finds the newest nightly report by listing its folder, and only that folder.
    api.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${config.exportPrefix}report/*`] } },
      }),
    );

    // Group operations (lib/operations/store.ts): the worker reads and settles records, keeps repair
    // records and appends to the journal; the api records operations and reads them back. A missing
    // record is told by listing its exact key (ListBucket limited to the prefix), never by a 403.
    const operationObjects = (fn: KeepnetFunction, prefix: string, actions: string[], what: string) => {
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions, resources: [bucket.arnForObjects(`${prefix}*`)] }),
      );
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
        }),
      );
      acknowledgeObjectPrefix(fn, bucket, prefix, what);
    };
    operationObjects(
      worker,
      OPERATIONS_PREFIX,
      ['s3:GetObject', 's3:PutObject'],
      'operation records, repair records and the write journal',
    );
    operationObjects(
      api,
      `${OPERATIONS_PREFIX}records/`,
      ['s3:GetObject', 's3:PutObject'],
      'records of the operations it queues and reads back',
    );
    operationObjects(
      exporter,
      `${OPERATIONS_PREFIX}journal/`,
      ['s3:GetObject'],
      'the write journal it reads to tell its own changes from outside ones in the nightly diff',
    );
    if (reconciler) {
      // The desired-state file and the attributes CSV: those objects only, in whichever bucket they are.
      const inputs = [config.reconcileFileS3Uri, config.reconcileAttributesS3Uri]
        .filter((uri): uri is string => uri !== undefined)
        .map((uri) => parseS3Uri(uri, 'reconcile'))
        .map(({ bucket: name, key }) => `arn:${this.partition}:s3:::${name}/${key}`);
      reconciler.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: inputs }),
      );
      if (reconcileApplies) {
        reconciler.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [onboarding.queue.queueArn] }),
        );
        operationObjects(
          reconciler,
          `${OPERATIONS_PREFIX}records/`,
          ['s3:GetObject', 's3:PutObject'],
          'records of the operations it queues (an Idempotency-Key finds the earlier one)',
        );
      }
    }
    bucket.addLifecycleRule({
      id: 'expire-operation-records',
      prefix: `${OPERATIONS_PREFIX}records/`,
      expiration: Duration.days(OPERATION_RECORD_DAYS),
    });
    bucket.addLifecycleRule({
      id: 'expire-write-journal',
      prefix: `${OPERATIONS_PREFIX}journal/`,
      expiration: Duration.days(JOURNAL_DAYS),
    });

    // Poller: its watermark object, and PutEvents on the one bus.
    poller.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects(`${POLLER_STATE_PREFIX}*`)],
      }),
    );
    acknowledgeObjectPrefix(poller, bucket, POLLER_STATE_PREFIX, 'watermark object it reads and writes');
    // The poller tells "no watermark yet" from "no access" by listing the watermark's exact key
    // (lib/storage/key-exists.ts), which ListBucket limited to its own prefix allows; it never has to
    // guess from the 403 S3 may give a GET of a missing key.
    poller.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${POLLER_STATE_PREFIX}*`] } },
      }),
    );
    // Only what the router's rule listens for: CompanyCreated from our own source, on the one bus.
    poller.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: {
          StringEquals: {
            'events:source': config.eventSource,
            'events:detail-type': COMPANY_CREATED_DETAIL_TYPE,
          },
        },
      }),
    );

    // Who may put events on the onboarding bus: the poller, the API, and the CRM integrations named in
    // context, each only CompanyCreated from our source. The Deny matters as much as the Allow: within
    // the account an identity policy alone (events:PutEvents on "*") would otherwise suffice.
    admitOnlyProducers(bus, busName, config, [
      poller.role.roleArn,
      api.role.roleArn,
      ...config.eventProducerRoleArns,
    ]);

    // ---- triggers -----------------------------------------------------------------------------------
    // SqsEventSource's grant (grantConsumeMessages) includes sqs:GetQueueUrl, which neither the worker
    // nor the event source mapping calls: the mapping is declared directly (same id, so a deployed stack
    // keeps its mapping) with the actions it uses.
    worker.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(onboarding.queue.node)}`, {
      eventSourceArn: onboarding.queue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
      maxConcurrency: config.onboardingMaxConcurrency,
    });
    worker.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
          'sqs:DeleteMessage',
        ],
        resources: [onboarding.queue.queueArn],
      }),
    );

    // Asynchronous invocations (EventBridge, Scheduler): Lambda retries twice, then the event and the
    // error go to the failed-events queue.
    for (const fn of [router, poller, exporter, ...(reconciler ? [reconciler] : [])]) {
      fn.function.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SendOnlySqsDestination(failedEvents),
      });
    }

    new Rule(this, 'CompanyCreatedRule', {
      description: 'CompanyCreated events to the onboarding router',
      eventBus: bus,
      // `account`: the accounts of the admitted producers only (this one, and a CRM role's own); the
      // bus policy names who, above.
      eventPattern: {
        source: [config.eventSource],
        detailType: [COMPANY_CREATED_DETAIL_TYPE],
        account: [
          ...new Set([this.account, ...config.eventProducerRoleArns.map((arn) => arn.split(':')[4]!)]),
        ],
      },
      targets: [
        new LambdaFunction(router.function, {
          deadLetterQueue: failedEvents,
          retryAttempts: 20,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    // Scheduler sends the shape of an EventBridge "Scheduled Event" (every field Powertools' EventBridge
    // schema requires), so the export function parses schedule and rule invocations alike; `time` is the
    // scheduled time, which names the export files, and `id` is unique per invocation.
    const scheduledEvent = ScheduleTargetInput.fromObject({
      version: '0',
      id: ContextAttribute.executionId,
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      account: this.account,
      time: ContextAttribute.scheduledTime,
      region: this.region,
      resources: [ContextAttribute.scheduleArn],
      detail: {},
    });
    const timeZone = TimeZone.of(config.scheduleTimeZone);
    new Schedule(this, 'NightlyExportSchedule', {
      description: 'Nightly Keepnet exports',
      schedule: ScheduleExpression.cron({
        hour: String(config.exportSchedule.hour),
        minute: String(config.exportSchedule.minute),
        timeZone,
      }),
      target: new LambdaInvoke(exporter.function, {
        role: schedulerRole(this, 'NightlyExportScheduleRole', exporter),
        input: scheduledEvent,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: failedEvents,
      }),
    });
    // Runs every few minutes where a missed run is made good by the next one: no retries.
    const everyMinutes = (id: string, description: string, minutes: number, fn: KeepnetFunction) =>
      new Schedule(this, `${id}Schedule`, {
        description,
        schedule: ScheduleExpression.rate(Duration.minutes(minutes)),
        target: new LambdaInvoke(fn.function, {
          role: schedulerRole(this, `${id}ScheduleRole`, fn),
          input: scheduledEvent,
          retryAttempts: 0,
          deadLetterQueue: failedEvents,
        }),
      });
    // The poller's watermark does not move on a missed run; reconcile plans afresh on every run.
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

    // The construct id stays 'HttpApi': renaming it would replace the deployed API (a new URL).
    const restApi = new AutomationRestApi(this, 'HttpApi', {
      handler: api.function,
      logRetention,
      rateLimit: config.apiThrottle.rateLimit,
      burstLimit: config.apiThrottle.burstLimit,
    });

    const monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.functions,
      deadLetterQueues: { OnboardingDeadLetters: onboarding.deadLetterQueue, FailedEvents: failedEvents },
      onboardingQueue: onboarding.queue,
      alarmEmail: config.alarmEmail,
    });

    // What an operator needs after `cdk deploy` (and what bin/ reads).
    const outputs: Record<string, string> = {
      ApiUrl: restApi.api.url,
      ExportBucketName: bucket.bucketName,
      KeepnetSecretId: keepnetSecret.secretId,
      WebhookSecretId: webhookSecret.secretId,
      OnboardingQueueUrl: onboarding.queue.queueUrl,
      OnboardingDeadLetterQueueUrl: onboarding.deadLetterQueue.queueUrl,
      OnboardingEventBusName: bus.eventBusName,
      FailedEventsQueueUrl: failedEvents.queueUrl,
      AlarmTopicArn: monitoring.topic.topicArn,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
  }
}
