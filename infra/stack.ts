// The whole deployment: five functions (six with the optional reconcile), their triggers, storage,
// secrets, alarms and dashboard. Each function gets exactly the permissions its code uses, granted by
// the bind* call that also sets the variable naming the resource (infra/constructs/keepnet-function.ts).

import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../lib/config/variables';
import { parseS3Uri } from '../lib/desired-state/reconcile-config';
import { COMPANY_CREATED_DETAIL_TYPE } from '../lib/onboarding/company-created';
import { DEFAULT_OPERATIONS_PREFIX } from '../lib/operations/location';
import type { FunctionName } from './bundling';
import { type DeploymentConfig, POLLER_STATE_PREFIX } from './config';
import { ExportStorage } from './constructs/export-storage';
import { failedEventsQueue } from './constructs/failed-events';
import { KeepnetFunction, type StackFunctions } from './constructs/keepnet-function';
import { METRICS_NAMESPACE, Monitoring } from './constructs/monitoring';
import { admitOnlyProducers, companyCreatedRule, onboardingBus } from './constructs/onboarding-bus';
import { OnboardingQueue } from './constructs/onboarding-queue';
import { AutomationRestApi } from './constructs/rest-api';
import { scheduleFunctions } from './constructs/schedules';
import { automationSecrets } from './constructs/secret-reference';
import { SendOnlySqsDestination } from './constructs/send-only-sqs-destination';
import { FUNCTION_SIZING } from './function-sizing';

/** The poller's watermark object, in the export bucket. */
const POLLER_STATE_KEY = `${POLLER_STATE_PREFIX}watermark.json`;
/**
 * Group operations' records, the repair records and the write journal (lib/operations/store.ts): the
 * prefix the CLI assumes when OPERATIONS_PREFIX is unset, so an operator finds a deployment's operations.
 */
const OPERATIONS_PREFIX = DEFAULT_OPERATIONS_PREFIX;
/** How long an operation's record can be read back (GET /operations/{id}, keepnet-groups operations). */
const OPERATION_RECORD_DAYS = 30;
/** How long the write journal is kept: a year of "made by this system" in the nightly diff, and then some. */
const JOURNAL_DAYS = 400;

/** The validated deployment settings and where the sources are. */
export interface KeepnetAutomationStackProps extends StackProps {
  config: DeploymentConfig;
  /** Repository root: where functions/ and package-lock.json are. */
  repoRoot: string;
}

/** The deployment: functions, their triggers, storage, queues, secrets, the REST API and monitoring. */
export class KeepnetAutomationStack extends Stack {
  readonly functions: StackFunctions;

  constructor(scope: Construct, id: string, props: KeepnetAutomationStackProps) {
    super(scope, id, props);
    const { config } = props;

    // ---- secrets, storage, queues, bus ------------------------------------------------------------
    const secrets = automationSecrets(this, config);
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
    const failedEvents = failedEventsQueue(this);
    // Its policy is set below, once the producers' roles exist.
    const { bus, busName } = onboardingBus(this, config);

    // ---- functions: each bind* sets the variable that names a resource and grants what the code calls
    const logRetention = config.logRetentionDays as RetentionDays;
    const make = (name: FunctionName, id: string) =>
      new KeepnetFunction(this, id, {
        name,
        ...FUNCTION_SIZING[name],
        logRetention,
        metricsNamespace: METRICS_NAMESPACE,
        repoRoot: props.repoRoot,
      });
    const withKeepnet = (fn: KeepnetFunction) => {
      fn.bindSecret(secrets.keepnet);
      if (config.keepnetBaseUrl) fn.setEnv(ENV.keepnetBaseUrl, config.keepnetBaseUrl);
      return fn;
    };
    const groupRules = JSON.stringify(config.groupRules);
    const queue = { variable: ENV.onboardingQueueUrl, send: true };
    const operationsLocation = { [ENV.operationsPrefix]: OPERATIONS_PREFIX };
    // Group operations' records (lib/operations/store.ts), for those that queue operations and read them back.
    const operationRecords = (what: string) => ({
      variable: ENV.operationsBucket,
      locate: operationsLocation,
      prefix: `${OPERATIONS_PREFIX}records/`,
      read: true,
      write: true,
      what,
    });

    // Router (and the API's webhook): one message per target group.
    const router = make('onboarding-router', 'OnboardingRouter')
      .setEnv(ENV.groupRules, groupRules)
      .bindQueue(onboarding.queue, queue);

    const worker = withKeepnet(make('onboarding-worker', 'OnboardingWorker'))
      // Re-enqueues a name-keyed message once it knows the group's id.
      .bindQueue(onboarding.queue, queue)
      // Poison messages go straight to the DLQ, so they do not hold up their message group. Send only:
      // the DLQ is read and redriven by operators (keepnet-groups dlq).
      .bindQueue(onboarding.deadLetterQueue, { variable: ENV.onboardingDlqUrl, send: true })
      // The redrive policy's own value: on that last receive the worker dead-letters a still-failing
      // message itself, with its reason, rather than leaving SQS to move it without one.
      .setEnv(ENV.onboardingMaxReceiveCount, String(onboarding.maxReceiveCount))
      .setEnv(ENV.participantsMode, config.participantsMode)
      .bindBucket(bucket, {
        variable: ENV.operationsBucket,
        locate: operationsLocation,
        prefix: OPERATIONS_PREFIX,
        read: true,
        write: true,
        what: 'operation records, repair records and the write journal',
      })
      .consumeQueue(onboarding.queue, { batchSize: 10, maxConcurrency: config.onboardingMaxConcurrency });

    const poller = withKeepnet(make('company-poller', 'CompanyPoller'))
      // Its watermark; "no watermark yet" is told from "no access" by listing the watermark's exact key
      // (lib/storage/key-exists.ts), never guessed from the 403 S3 may give a GET of a missing key.
      .bindBucket(bucket, {
        variable: ENV.pollerStateBucket,
        locate: { [ENV.pollerStateKey]: POLLER_STATE_KEY },
        prefix: POLLER_STATE_PREFIX,
        read: true,
        write: true,
        what: 'watermark object it reads and writes',
      })
      // Only what the router's rule listens for: CompanyCreated from our own source, on the one bus.
      .bindEventBus(bus, { source: config.eventSource, detailType: COMPANY_CREATED_DETAIL_TYPE });
    if (config.pollerStartTime) poller.setEnv(ENV.pollerStartTime, config.pollerStartTime);

    // Export files under the export prefix only: written (multipart), read back, uploads aborted.
    const exportFiles = {
      variable: ENV.exportBucket,
      locate: { [ENV.exportPrefix]: config.exportPrefix },
      prefix: config.exportPrefix,
      read: true,
      write: true,
      abortUploads: true,
    };
    // Files, snapshot and manifest (multipart uploads), and the previous snapshot read back for the diff.
    const exporter = withKeepnet(make('scheduled-export', 'ScheduledExport'))
      .bindBucket(bucket, {
        ...exportFiles,
        what: 'export files, snapshots and manifests',
      })
      .bindBucket(bucket, {
        variable: ENV.operationsBucket,
        locate: operationsLocation,
        prefix: `${OPERATIONS_PREFIX}journal/`,
        read: true,
        what: 'the write journal it reads to tell its own changes from outside ones in the nightly diff',
      });
    if (config.exportJobs) exporter.setEnv(ENV.exportJobs, JSON.stringify(config.exportJobs));

    const api = withKeepnet(make('api', 'Api'))
      .bindSecret(secrets.webhook, ENV.webhookSecretId)
      .setEnv(ENV.groupRules, groupRules)
      .bindQueue(onboarding.queue, queue)
      // The export routes write one file and hand out a presigned GET for it; GET /reports/latest finds
      // the newest nightly report by listing its folder, and only that folder.
      .bindBucket(bucket, {
        ...exportFiles,
        list: `${config.exportPrefix}report/`,
        what: 'on-demand export files and their presigned downloads',
      })
      .bindBucket(bucket, operationRecords('records of the operations it queues and reads back'));

    // Groups as code on a schedule: off unless a desired-state file is configured. Report mode needs no
    // queue nor store; apply mode queues through the one writer like the CLI.
    const reconciler = config.reconcileFileS3Uri
      ? withKeepnet(make('reconcile', 'Reconcile'))
          .setEnv(ENV.reconcileFileS3Uri, config.reconcileFileS3Uri)
          .setEnv(ENV.reconcileMode, config.reconcileMode)
          .setEnv(ENV.reconcileAllowRemovals, String(config.reconcileAllowRemovals))
      : undefined;
    if (reconciler) {
      if (config.reconcileAttributesS3Uri) {
        reconciler.setEnv(ENV.reconcileAttributesS3Uri, config.reconcileAttributesS3Uri);
      }
      // The desired-state file and the attributes CSV: those objects only, in whichever bucket they are.
      const inputs = [config.reconcileFileS3Uri, config.reconcileAttributesS3Uri]
        .filter((uri): uri is string => uri !== undefined)
        .map((uri) => parseS3Uri(uri, 'reconcile'))
        .map(({ bucket: name, key }) => `arn:${this.partition}:s3:::${name}/${key}`);
      reconciler.allow(['s3:GetObject'], inputs);
      if (config.reconcileMode === 'apply') {
        reconciler
          .bindQueue(onboarding.queue, queue)
          .bindBucket(
            bucket,
            operationRecords(
              'records of the operations it queues (an Idempotency-Key finds the earlier one)',
            ),
          );
      }
    }
    this.functions = {
      'onboarding-router': router,
      'onboarding-worker': worker,
      'company-poller': poller,
      'scheduled-export': exporter,
      api,
      ...(reconciler ? { reconcile: reconciler } : {}),
    };

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

    // ---- triggers -----------------------------------------------------------------------------------
    // Who may put events on the onboarding bus: the poller, the API, and the CRM integrations named in
    // context, each only CompanyCreated from our source. The Deny matters as much as the Allow: within
    // the account an identity policy alone (events:PutEvents on "*") would otherwise suffice.
    admitOnlyProducers(bus, busName, config, [
      poller.role.roleArn,
      api.role.roleArn,
      ...config.eventProducerRoleArns,
    ]);

    // Asynchronous invocations (EventBridge, Scheduler): Lambda retries twice, then the event and the
    // error go to the failed-events queue.
    for (const fn of [router, poller, exporter, ...(reconciler ? [reconciler] : [])]) {
      fn.function.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SendOnlySqsDestination(failedEvents),
      });
    }
    companyCreatedRule(this, bus, router.function, failedEvents, config);
    scheduleFunctions(this, { exporter, poller, reconciler, failedEvents }, config);

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
      KeepnetSecretId: secrets.keepnet.secretId,
      WebhookSecretId: secrets.webhook.secretId,
      OnboardingQueueUrl: onboarding.queue.queueUrl,
      OnboardingDeadLetterQueueUrl: onboarding.deadLetterQueue.queueUrl,
      OnboardingEventBusName: bus.eventBusName,
      FailedEventsQueueUrl: failedEvents.queueUrl,
      AlarmTopicArn: monitoring.topic.topicArn,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
  }
}
