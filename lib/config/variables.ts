// The names of every environment variable the functions read: readers in lib/ and the stack in infra/
// take them from here, so a name is spelled once. Names and meanings are a public contract (README,
// "Configuration"): change them only with a changelog note.

/**
 * Environment variable names by what they configure. The values are the names, not the settings:
 * read a setting as `env[ENV.groupRules]`.
 */
export const ENV = {
  /** Secrets Manager id or ARN of the Keepnet credential, JSON `{ "clientId", "clientSecret", "baseUrl"? }`. */
  keepnetSecretId: 'KEEPNET_SECRET_ID',
  /** How long (whole seconds, default 300) the Keepnet secret is cached before it is read again. */
  keepnetSecretMaxAgeSeconds: 'KEEPNET_SECRET_MAX_AGE_SECONDS',
  /** Optional https override of the Keepnet API base URL (default: the secret's, else the public API). */
  keepnetBaseUrl: 'KEEPNET_BASE_URL',
  /** Bucket that exports (and export-now files) are written to. */
  exportBucket: 'EXPORT_BUCKET',
  /** Key prefix of the exports in that bucket (default `exports/`). */
  exportPrefix: 'EXPORT_PREFIX',
  /** JSON list of export jobs (what, `CSV` or `Excel`, filter); unset: the default job set. */
  exportJobs: 'EXPORT_JOBS',
  /** SSE-KMS key for export objects; unset: SSE-S3. */
  exportKmsKeyId: 'EXPORT_KMS_KEY_ID',
  /** Milliseconds before the Lambda timeout at which an export run stops and aborts its upload. */
  exportSafetyMarginMs: 'EXPORT_SAFETY_MARGIN_MS',
  /** URL of the FIFO queue between the onboarding router and worker (also the one writer's queue). */
  onboardingQueueUrl: 'ONBOARDING_QUEUE_URL',
  /** URL of that queue's dead-letter queue: the worker moves permanently failing messages there itself. */
  onboardingDlqUrl: 'ONBOARDING_DLQ_URL',
  /** The onboarding queue's redrive maxReceiveCount (1-1000), so the worker knows a message's last try. */
  onboardingMaxReceiveCount: 'ONBOARDING_MAX_RECEIVE_COUNT',
  /** JSON rules mapping company attributes to group names. */
  groupRules: 'GROUP_RULES',
  /** `union` (default; safe whether Keepnet's PUT adds or replaces) or `additive`. */
  participantsMode: 'PARTICIPANTS_MODE',
  /** Secrets Manager id of the webhook's HMAC key (the key, or JSON `{ "current", "previous"? }`). */
  webhookSecretId: 'WEBHOOK_SECRET_ID',
  /** Bucket of the operation records, repair records and write journal; unset: no group operations. */
  operationsBucket: 'OPERATIONS_BUCKET',
  /** Key prefix of the operation store in that bucket (default `state/operations/`). */
  operationsPrefix: 'OPERATIONS_PREFIX',
  /** Bucket holding the company poller's watermark. */
  pollerStateBucket: 'POLLER_STATE_BUCKET',
  /** Key of the poller's watermark object (default `company-poller/watermark.json`). */
  pollerStateKey: 'POLLER_STATE_KEY',
  /** EventBridge bus the poller publishes CompanyCreated to (default `default`). */
  eventBusName: 'EVENT_BUS_NAME',
  /** `source` of the events the poller publishes: what the onboarding rule matches. */
  pollerEventSource: 'POLLER_EVENT_SOURCE',
  /** ISO 8601 UTC time the poller starts from when it has no watermark yet. */
  pollerStartTime: 'POLLER_START_TIME',
  /** Companies per Keepnet page the poller asks for (1-1000, default 100). */
  pollerPageSize: 'POLLER_PAGE_SIZE',
  /** The desired-state file reconcile plans against Keepnet, `s3://bucket/key`. */
  reconcileFileS3Uri: 'RECONCILE_FILE_S3_URI',
  /** Optional attributes CSV for reconcile, `s3://bucket/key`. */
  reconcileAttributesS3Uri: 'RECONCILE_ATTRIBUTES_S3_URI',
  /** `report` (default: publish the drift only) or `apply` (also queue the changes). */
  reconcileMode: 'RECONCILE_MODE',
  /** `true` lets apply mode remove members; default `false`. */
  reconcileAllowRemovals: 'RECONCILE_ALLOW_REMOVALS',
  /** The AWS SDK's own S3 endpoint override (local runs, tests); when set, S3 uses path-style addressing. */
  awsEndpointUrlS3: 'AWS_ENDPOINT_URL_S3',
  /** The AWS SDK's own SQS endpoint override (local runs, tests). */
  awsEndpointUrlSqs: 'AWS_ENDPOINT_URL_SQS',
  /** Powertools service name: the `service` key of logs and dimension of metrics. */
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools Metrics namespace (CloudWatch EMF). */
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Powertools Logger level; `LOG_LEVEL` is read when it is unset. */
  powertoolsLogLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Fallback log level (Lambda's advanced logging controls set it). */
  logLevel: 'LOG_LEVEL',
} as const;

/** A variable name from {@link ENV}: readers accept only these, so a misspelt name is a type error. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** An environment to read settings from: `process.env`, or a plain object in tests and local runs. */
export type Env = Readonly<Record<string, string | undefined>>;
