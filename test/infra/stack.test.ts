// The stack's resources and the properties that matter, on cdk.json's defaults and with overrides.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_NAMES } from '../../infra/bundling';
import { parseExportInvocation } from '../../lib/exports/event';
import { logicalIdOf, synthTemplate } from './helpers';

type Props = Record<string, unknown>;

function functionProps(template: Template, serviceName: string): Props {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: serviceName } } },
  });
  const [resource, ...others] = Object.values(functions);
  if (!resource || others.length > 0) throw new Error(`expected one function with service ${serviceName}`);
  return resource.Properties as Props;
}

const envOf = (template: Template, name: string) =>
  (functionProps(template, name).Environment as { Variables: Record<string, unknown> }).Variables;

/** What cdk.json's defaults deploy: every function but reconcile, which needs a desired-state file. */
const DEFAULT_FUNCTIONS = FUNCTION_NAMES.filter((name) => name !== 'reconcile');

const RULES = [{ when: { region: 'EU' }, groups: ['EU Customers'] }];
const JOBS = [{ what: 'groups', format: 'Excel' }];

describe('KeepnetAutomationStack', () => {
  /** cdk.json's defaults. */
  const template = synthTemplate();
  /** Every setting overridden, the way `-c key=value` passes them (strings) or cdk.json does (JSON). */
  const custom = synthTemplate({
    groupRules: RULES,
    exportJobs: JSON.stringify(JOBS),
    participantsMode: 'additive',
    keepnetBaseUrl: 'https://api.example.test',
    pollerStartTime: '2026-01-01T00:00:00Z',
    logRetentionDays: '30',
    keepnetSecret: 'ops/keepnet',
    webhookSecret: 'ops/webhook',
    exportRetention: {
      infrequentAccessAfterDays: null,
      expireAfterDays: 90,
      noncurrentVersionsExpireAfterDays: 7,
    },
    dlqMaxReceiveCount: '3',
    eventBusName: 'msp-events',
    eventSource: 'msp.crm',
    exportSchedule: '{"hour":3,"minute":30}',
    pollerIntervalMinutes: 5,
    scheduleTimeZone: 'Europe/Istanbul',
    alarmEmail: 'ops@example.com',
    reconcileFileS3Uri: 's3://msp-config/groups/groups.yaml',
    reconcileAttributesS3Uri: 's3://msp-config/crm.csv',
    reconcileMode: 'apply',
    reconcileAllowRemovals: 'true',
    reconcileIntervalMinutes: '60',
  });

  describe('functions', () => {
    it('deploys the five functions on Node 24, arm64, with source-mapped stack traces; reconcile when configured', () => {
      template.resourceCountIs('AWS::Lambda::Function', DEFAULT_FUNCTIONS.length);
      custom.resourceCountIs('AWS::Lambda::Function', FUNCTION_NAMES.length);
      for (const name of FUNCTION_NAMES) {
        const props = functionProps(custom, name);
        expect(props).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          LoggingConfig: { LogFormat: 'Text', LogGroup: { Ref: expect.stringMatching(/Logs/) } },
        });
        expect(envOf(custom, name)).toMatchObject({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: name,
          POWERTOOLS_METRICS_NAMESPACE: 'KeepnetAutomation',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        });
      }
    });

    it('sizes memory and timeout per job', () => {
      const sizing = Object.fromEntries(
        FUNCTION_NAMES.map((name) => {
          const { MemorySize, Timeout } = functionProps(custom, name);
          return [name, { MemorySize, Timeout }];
        }),
      );
      expect(sizing).toEqual({
        'onboarding-router': { MemorySize: 256, Timeout: 30 },
        'onboarding-worker': { MemorySize: 512, Timeout: 120 },
        'company-poller': { MemorySize: 512, Timeout: 120 },
        'scheduled-export': { MemorySize: 1024, Timeout: 900 },
        api: { MemorySize: 512, Timeout: 29 },
        reconcile: { MemorySize: 512, Timeout: 300 },
      });
    });

    it('gives each function exactly the configuration variables it reads', () => {
      const own = (name: string) =>
        Object.keys(envOf(template, name))
          .filter((key) => !key.startsWith('POWERTOOLS_') && key !== 'NODE_OPTIONS')
          .sort();
      expect(Object.fromEntries(DEFAULT_FUNCTIONS.map((name) => [name, own(name)]))).toEqual({
        'onboarding-router': ['GROUP_RULES', 'ONBOARDING_QUEUE_URL'],
        'onboarding-worker': [
          'KEEPNET_SECRET_ID',
          'ONBOARDING_DLQ_URL',
          'ONBOARDING_MAX_RECEIVE_COUNT',
          'ONBOARDING_QUEUE_URL',
          'OPERATIONS_BUCKET',
          'OPERATIONS_PREFIX',
          'PARTICIPANTS_MODE',
        ],
        'company-poller': [
          'EVENT_BUS_NAME',
          'KEEPNET_SECRET_ID',
          'POLLER_EVENT_SOURCE',
          'POLLER_STATE_BUCKET',
          'POLLER_STATE_KEY',
        ],
        'scheduled-export': [
          'EXPORT_BUCKET',
          'EXPORT_PREFIX',
          'KEEPNET_SECRET_ID',
          'OPERATIONS_BUCKET',
          'OPERATIONS_PREFIX',
        ],
        api: [
          'EXPORT_BUCKET',
          'EXPORT_PREFIX',
          'GROUP_RULES',
          'KEEPNET_SECRET_ID',
          'ONBOARDING_QUEUE_URL',
          'OPERATIONS_BUCKET',
          'OPERATIONS_PREFIX',
          'WEBHOOK_SECRET_ID',
        ],
      });
      expect(envOf(template, 'onboarding-worker')).toMatchObject({
        PARTICIPANTS_MODE: 'union',
        KEEPNET_SECRET_ID: { Ref: expect.stringMatching(/^KeepnetCredentials/) },
        ONBOARDING_QUEUE_URL: { Ref: expect.stringMatching(/^OnboardingQueue[0-9A-F]{8}$/) },
        ONBOARDING_DLQ_URL: { Ref: expect.stringMatching(/^OnboardingDeadLetters[0-9A-F]{8}$/) },
        // The redrive policy's default maxReceiveCount (5): the worker knows which receive is the last.
        ONBOARDING_MAX_RECEIVE_COUNT: '5',
      });
      expect(envOf(template, 'onboarding-router').GROUP_RULES).toBe('[]');
      expect(envOf(template, 'company-poller')).toMatchObject({
        // The stack's own onboarding bus, never the account's default one.
        EVENT_BUS_NAME: { Ref: expect.stringMatching(/^OnboardingBus[0-9A-F]{8}$/) },
        POLLER_EVENT_SOURCE: 'keepnet.automation',
        POLLER_STATE_KEY: 'state/company-poller/watermark.json',
      });
      expect(envOf(template, 'scheduled-export').EXPORT_PREFIX).toBe('exports/');
    });

    it('configures reconcile from context: the file, the CSV, the mode; the queue and store only to apply', () => {
      expect(envOf(custom, 'reconcile')).toMatchObject({
        KEEPNET_SECRET_ID: 'ops/keepnet',
        RECONCILE_FILE_S3_URI: 's3://msp-config/groups/groups.yaml',
        RECONCILE_ATTRIBUTES_S3_URI: 's3://msp-config/crm.csv',
        RECONCILE_MODE: 'apply',
        RECONCILE_ALLOW_REMOVALS: 'true',
        ONBOARDING_QUEUE_URL: { Ref: expect.stringMatching(/^OnboardingQueue[0-9A-F]{8}$/) },
        OPERATIONS_PREFIX: 'state/operations/',
      });
      const report = synthTemplate({ reconcileFileS3Uri: 's3://msp-config/groups.yaml' });
      expect(
        Object.keys(envOf(report, 'reconcile'))
          .filter((k) => !k.startsWith('POWERTOOLS_'))
          .sort(),
      ).toEqual([
        'KEEPNET_SECRET_ID',
        'NODE_OPTIONS',
        'RECONCILE_ALLOW_REMOVALS',
        'RECONCILE_FILE_S3_URI',
        'RECONCILE_MODE',
      ]);
      expect(envOf(report, 'reconcile').RECONCILE_MODE).toBe('report');
      // On its own schedule, with the Scheduled Event input the other schedules send.
      custom.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 hour)',
        Target: Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 86400 },
        }),
      });
      template.resourceCountIs('AWS::Scheduler::Schedule', 2);
      custom.resourceCountIs('AWS::Scheduler::Schedule', 3);
    });

    it('passes context settings through to the functions', () => {
      expect(JSON.parse(envOf(custom, 'onboarding-router').GROUP_RULES as string)).toEqual(RULES);
      expect(JSON.parse(envOf(custom, 'scheduled-export').EXPORT_JOBS as string)).toEqual(JOBS);
      expect(envOf(custom, 'onboarding-worker').PARTICIPANTS_MODE).toBe('additive');
      // Same context value as the redrive policy (dlqMaxReceiveCount: '3').
      expect(envOf(custom, 'onboarding-worker').ONBOARDING_MAX_RECEIVE_COUNT).toBe('3');
      expect(envOf(custom, 'api').KEEPNET_BASE_URL).toBe('https://api.example.test');
      expect(envOf(custom, 'company-poller').POLLER_START_TIME).toBe('2026-01-01T00:00:00Z');
    });

    it('creates every log group (functions, API access and execution logs) with the configured retention', () => {
      template.resourceCountIs('AWS::Logs::LogGroup', DEFAULT_FUNCTIONS.length + 2);
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: {
          'Fn::Join': [
            '',
            ['API-Gateway-Execution-Logs_', { Ref: Match.stringLikeRegexp('^HttpApi') }, '/v1'],
          ],
        },
      });
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      custom.allResourcesProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 30,
      });
    });
  });

  describe('secrets', () => {
    it('creates both secrets when none is named, with a placeholder credential shape', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 2);
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: 'KeepnetAutomation/keepnet-api',
        GenerateSecretString: {
          SecretStringTemplate: JSON.stringify({ clientId: 'REPLACE-WITH-KEEPNET-CLIENT-ID' }),
          GenerateStringKey: 'clientSecret',
        },
      });
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: 'KeepnetAutomation/webhook-hmac-key',
        GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
      });
    });

    it('imports secrets named in context instead of creating them', () => {
      custom.resourceCountIs('AWS::SecretsManager::Secret', 0);
      expect(envOf(custom, 'api')).toMatchObject({
        KEEPNET_SECRET_ID: 'ops/keepnet',
        WEBHOOK_SECRET_ID: 'ops/webhook',
      });
    });
  });

  describe('export bucket', () => {
    it('is encrypted, private, versioned, logged, and ages exports out', () => {
      const exportsBucket = template.findResources('AWS::S3::Bucket', {
        Properties: { VersioningConfiguration: { Status: 'Enabled' } },
      });
      const [bucket] = Object.values(exportsBucket);
      expect(Object.keys(exportsBucket)).toHaveLength(1);
      expect(bucket?.DeletionPolicy).toBe('Retain');
      expect(bucket?.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: expect.stringMatching(/AccessLogs/) },
          LogFilePrefix: 'exports-bucket/',
        },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'age-out-exports',
              Prefix: 'exports/',
              Status: 'Enabled',
              ExpirationInDays: 365,
              Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            },
            {
              Id: 'expire-noncurrent-versions',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              ExpiredObjectDeleteMarker: true,
            },
            {
              Id: 'abort-incomplete-uploads',
              Status: 'Enabled',
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
            // Operation records can be read back for a month; the write journal is kept for a year.
            {
              Id: 'expire-operation-records',
              Prefix: 'state/operations/records/',
              Status: 'Enabled',
              ExpirationInDays: 30,
            },
            {
              Id: 'expire-write-journal',
              Prefix: 'state/operations/journal/',
              Status: 'Enabled',
              ExpirationInDays: 400,
            },
          ],
        },
      });
    });

    it('denies every request that is not over TLS, on both buckets', () => {
      const policies = template.findResources('AWS::S3::BucketPolicy');
      expect(Object.keys(policies)).toHaveLength(2);
      for (const policy of Object.values(policies)) {
        expect((policy.Properties as Props).PolicyDocument).toMatchObject({
          Statement: expect.arrayContaining([
            expect.objectContaining({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        });
      }
    });

    it('takes lifecycle days from context, and can skip the IA transition', () => {
      custom.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectEquals({
              Id: 'age-out-exports',
              Prefix: 'exports/',
              Status: 'Enabled',
              ExpirationInDays: 90,
            }),
          ]),
        },
      });
    });
  });

  describe('onboarding queue', () => {
    it('is a FIFO queue without content-based deduplication, encrypted, with a FIFO DLQ', () => {
      const dlq = logicalIdOf(template, 'AWS::SQS::Queue', {
        FifoQueue: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        ContentBasedDeduplication: false,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 6 * 120,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        ContentBasedDeduplication: false,
        SqsManagedSseEnabled: true,
      });
    });

    it('takes maxReceiveCount from context', () => {
      custom.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
      });
    });

    it('enforces TLS on every queue', () => {
      const policies = template.findResources('AWS::SQS::QueuePolicy');
      expect(Object.keys(policies)).toHaveLength(3);
      for (const policy of Object.values(policies)) {
        expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
      }
    });

    it('feeds the worker in batches of 10 with partial batch failures and bounded concurrency', () => {
      const worker = logicalIdOf(template, 'AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'onboarding-worker' }) },
      });
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: worker },
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OnboardingQueue'), 'Arn'] },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });
  });

  describe('events and schedules', () => {
    it('creates a dedicated onboarding bus, named after the stack unless eventBusName names it', () => {
      template.resourceCountIs('AWS::Events::EventBus', 1);
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'KeepnetAutomation-onboarding' });
      custom.hasResourceProperties('AWS::Events::EventBus', { Name: 'msp-events' });
    });

    it('routes CompanyCreated from the configured source, account and bus to the router, with retries and a DLQ', () => {
      custom.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: Match.stringLikeRegexp('^OnboardingBus') },
        EventPattern: { source: ['msp.crm'], 'detail-type': ['CompanyCreated'], account: ['123456789012'] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OnboardingRouterFunction'), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedEvents'), 'Arn'] } },
            RetryPolicy: { MaximumEventAgeInSeconds: 24 * 3600, MaximumRetryAttempts: 20 },
          }),
        ],
      });
    });

    it('sends failed asynchronous invocations to the failed-events queue', () => {
      template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 3);
      template.allResourcesProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedEvents'), 'Arn'] } },
        },
      });
    });

    it('schedules the nightly export and the poller in the configured time zone', () => {
      custom.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 3 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Istanbul',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduledExportFunction'), 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NightlyExportScheduleRole'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedEvents'), 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 3 },
          Input: Match.stringLikeRegexp('"detail-type":"Scheduled Event"'),
        }),
      });
      custom.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CompanyPollerFunction'), 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
        }),
      });
    });

    it('sends a Scheduled Event that the export function accepts, named by the scheduled time', () => {
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
      expect(schedules).toHaveLength(2);
      for (const schedule of schedules) {
        const input = (schedule.Properties as { Target: { Input: string } }).Target.Input;
        // What Scheduler substitutes at run time.
        const delivered = JSON.parse(
          input
            .replace('<aws.scheduler.scheduled-time>', '2026-11-28T02:00:00Z')
            .replace('<aws.scheduler.execution-id>', 'c0ffee00-0000-4000-8000-000000000000')
            .replace(
              '<aws.scheduler.schedule-arn>',
              'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/x',
            ),
        );
        expect(parseExportInvocation(delivered)).toEqual({
          scheduledTime: new Date('2026-11-28T02:00:00Z'),
          jobs: null,
          snapshot: true,
        });
      }
    });
  });

  describe('REST API', () => {
    const methods = () =>
      Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties as Props);

    it('requires IAM on every method except the signed webhook', () => {
      const all = methods();
      expect(all).toHaveLength(3);
      const webhook = all.filter((m) => m.AuthorizationType === 'NONE');
      expect(webhook).toHaveLength(1);
      expect(webhook[0]).toMatchObject({ HttpMethod: 'POST' });
      // Nothing required at the gateway: a missing signature header reaches the function's 401.
      expect(webhook[0]?.RequestParameters).toBeUndefined();
      template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'company-created' });
      for (const method of all.filter((m) => m !== webhook[0])) {
        expect(method).toMatchObject({ AuthorizationType: 'AWS_IAM', HttpMethod: 'ANY' });
      }
      for (const method of all) {
        expect(method.RequestValidatorId).toBeUndefined();
        expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      }
    });

    it("answers API Gateway's own 4XX and 5XX errors in the function's error shape", () => {
      const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map(
        (r) => r.Properties as Props,
      );
      expect(responses.map((r) => r.ResponseType).sort()).toEqual([
        'DEFAULT_4XX',
        'DEFAULT_5XX',
        'THROTTLED',
      ]);
      for (const response of responses) {
        const body = (response.ResponseTemplates as Record<string, string>)['application/json']!;
        // What a caller receives once API Gateway fills the variables in: valid JSON in our shape.
        const rendered = body
          .replace('$context.error.responseType', 'THROTTLED')
          .replace('$context.error.messageString', '"Too Many Requests"')
          .replace('$context.requestId', 'req-1');
        expect(JSON.parse(rendered)).toEqual({
          error: { code: 'THROTTLED', message: 'Too Many Requests', details: { requestId: 'req-1' } },
        });
      }
      const throttled = responses.find((r) => r.ResponseType === 'THROTTLED');
      expect(throttled?.ResponseParameters).toEqual({ 'gatewayresponse.header.Retry-After': "'1'" });
      expect(responses.find((r) => r.ResponseType === 'DEFAULT_4XX')?.ResponseParameters).toBeUndefined();
    });

    it('has a throttled, traced, logged stage with JSON access logs', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        AccessLogSetting: {
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
        MethodSettings: [
          {
            HttpMethod: '*',
            ResourcePath: '/*',
            LoggingLevel: 'INFO',
            DataTraceEnabled: false,
            MetricsEnabled: true,
            ThrottlingRateLimit: 10,
            ThrottlingBurstLimit: 20,
          },
        ],
      });
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
      const accessLogGroup = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) =>
        id.startsWith('HttpApiAccessLogs'),
      );
      expect(JSON.stringify(stage?.Properties.AccessLogSetting.DestinationArn)).toContain(accessLogGroup);
      template.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
      template.hasResourceProperties('AWS::ApiGateway::RestApi', {
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
    });
  });

  describe('alarms and dashboard', () => {
    const alarms = () =>
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Props);

    it('alarms on dead letters, on errors and throttles of every function, into the encrypted topic', () => {
      const all = alarms();
      // 2 DLQs + 5 × (errors, throttles) + the missing nightly export + members restored + outside removals.
      expect(all).toHaveLength(2 + DEFAULT_FUNCTIONS.length * 2 + 3);
      const topic = logicalIdOf(template, 'AWS::SNS::Topic');
      for (const alarm of all) {
        expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
        expect(alarm.OKActions).toEqual([{ Ref: topic }]);
      }
      const byMetric = (name: string) => all.filter((a) => a.MetricName === name);
      expect(byMetric('Errors')).toHaveLength(5);
      expect(byMetric('Throttles')).toHaveLength(5);
      const dlqAlarms = byMetric('ApproximateNumberOfMessagesVisible');
      expect(dlqAlarms).toHaveLength(2);
      for (const alarm of dlqAlarms) {
        expect(alarm).toMatchObject({
          Namespace: 'AWS/SQS',
          Statistic: 'Maximum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('alarms as soon as the worker restores a member a write took out', () => {
      const restored = alarms().filter((a) => a.MetricName === 'MembersRestored');
      expect(restored).toHaveLength(1);
      expect(restored[0]).toMatchObject({
        Namespace: 'KeepnetAutomation',
        Dimensions: [{ Name: 'service', Value: 'onboarding-worker' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarms when the nightly diff finds a member removed from outside this system', () => {
      const outside = alarms().filter((a) => a.MetricName === 'OutsideRemovals');
      expect(outside).toHaveLength(1);
      expect(outside[0]).toMatchObject({
        Dimensions: [{ Name: 'service', Value: 'scheduled-export' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarms on reconcile drift when reconcile is deployed, held between runs', () => {
      expect(alarms().filter((a) => a.MetricName === 'ReconcileDrift')).toHaveLength(0);
      const drift = Object.values(custom.findResources('AWS::CloudWatch::Alarm'))
        .map((a) => a.Properties as Props)
        .filter((a) => a.MetricName === 'ReconcileDrift');
      expect(drift).toHaveLength(1);
      expect(drift[0]).toMatchObject({
        Namespace: 'KeepnetAutomation',
        Dimensions: [{ Name: 'service', Value: 'reconcile' }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      });
    });

    it('alarms when no export file has been written for 26 hours', () => {
      // One ExportBytes sample per file written: its SampleCount is the number of files.
      const [missing, ...others] = alarms().filter((a) => a.MetricName === 'ExportBytes');
      expect(others).toHaveLength(0);
      expect(missing).toMatchObject({
        Namespace: 'KeepnetAutomation',
        Dimensions: [{ Name: 'service', Value: 'scheduled-export' }],
        Statistic: 'SampleCount',
        Period: 3600,
        EvaluationPeriods: 26,
        DatapointsToAlarm: 26,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      // CloudWatch caps an alarm's evaluation range at 7 days for periods of an hour or more.
      expect((missing!.Period as number) * (missing!.EvaluationPeriods as number)).toBeLessThanOrEqual(
        7 * 86400,
      );
    });

    it('subscribes the alarm e-mail only when one is configured', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      custom.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
      });
    });

    it('lets CloudWatch use the topic key', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Principal: { Service: 'cloudwatch.amazonaws.com' },
            }),
          ]),
        },
      });
    });

    it('draws onboarding and export figures on the dashboard', () => {
      const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
      const body = JSON.stringify(dashboard?.Properties);
      for (const metric of [
        'OnboardingMessagesQueued',
        'MembershipsAdded',
        'AlreadyMembers',
        'RejectedMessages',
        'RetriedMessages',
        'PollerCompaniesFound',
        'ExportBytes',
        'ExportJobFailed',
        'ApproximateAgeOfOldestMessage',
      ]) {
        expect(body).toContain(metric);
      }
    });
  });

  it('outputs what an operator needs after deploying', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'ExportBucketName',
        'KeepnetSecretId',
        'WebhookSecretId',
        'OnboardingQueueUrl',
        'OnboardingDeadLetterQueueUrl',
        'OnboardingEventBusName',
        'FailedEventsQueueUrl',
        'AlarmTopicArn',
      ]),
    );
  });
});
