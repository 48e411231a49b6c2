// One project Lambda function: bundled with the shared esbuild options, Node 24 on arm64, its own log
// group and its own role, plus bind* helpers that give it a resource: the variable that names it and the
// least-privilege grant for it, side by side (after Powertools' `bindTable`).
import path from 'node:path';
import { type Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, type EnvName } from '../../lib/config/variables';
import { type FunctionName, functionEntry, nodejsFunctionBundling } from '../bundling';
import { acknowledgeObjectPrefix } from './nag';
import type { SecretReference } from './secret-reference';

/** What a KeepnetFunction is built from; its own variables are set with the bind* helpers. */
export interface KeepnetFunctionProps {
  name: FunctionName;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetention: RetentionDays;
  /** Variables set from the start; the stack sets its own with the bind* helpers and setEnv. */
  environment?: Record<string, string>;
  /** Metrics namespace shared by every function (Powertools Metrics, EMF). */
  metricsNamespace: string;
  repoRoot: string;
}

/** S3 access {@link KeepnetFunction.bindBucket} grants: objects under one key prefix of one bucket. */
export interface BucketBinding {
  /** The variable that gets the bucket's name. */
  variable: EnvName;
  /** Further variables that locate the objects (a key prefix, a key), with their values. */
  locate?: Partial<Record<EnvName, string>>;
  /** Key prefix the object actions are limited to (`<prefix>*`). */
  prefix: string;
  /** s3:GetObject. */
  read?: boolean;
  /** s3:PutObject. */
  write?: boolean;
  /** s3:AbortMultipartUpload (streamed uploads that stop). */
  abortUploads?: boolean;
  /**
   * s3:ListBucket for keys under this prefix only (default: `prefix`); false: none. Listing a missing
   * object's exact key is how the code tells "not there" from "no access" instead of guessing from a 403.
   */
  list?: string | false;
  /** What the objects are: the reason given in the cdk-nag acknowledgement of `<prefix>*`. */
  what: string;
}

/** The functions the stack deploys: reconcile only when a desired-state file is configured. */
export type StackFunctions = Record<Exclude<FunctionName, 'reconcile'>, KeepnetFunction> & {
  reconcile?: KeepnetFunction;
};

/** A project Lambda function with its log group, role and bind* helpers. */
export class KeepnetFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Powertools service name: the `service` dimension of every metric the function emits. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: KeepnetFunctionProps) {
    super(scope, id);
    this.serviceName = props.name;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // Logs outlive a stack deletion: they are the audit trail of what the automation changed.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // A role of our own instead of AWSLambdaBasicExecutionRole, whose logs:* actions apply to every log
    // group in the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: functionEntry(props.name, props.repoRoot),
      handler: 'handler',
      projectRoot: props.repoRoot,
      depsLockFilePath: path.join(props.repoRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // Powertools Logger writes JSON itself; TEXT keeps Lambda from wrapping it a second time.
      loggingFormat: LoggingFormat.TEXT,
      bundling: nodejsFunctionBundling(),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [ENV.powertoolsServiceName]: this.serviceName,
        [ENV.powertoolsMetricsNamespace]: props.metricsNamespace,
        [ENV.powertoolsLogLevel]: 'INFO',
        ...props.environment,
      },
    });
  }

  /** Sets one of the function's variables, by its name in lib/config/variables.ts. */
  setEnv(name: EnvName, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /** One statement on the function's own role: `actions` on `resources`, under `conditions` if given. */
  allow(actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }),
    );
    return this;
  }

  /** The secret's id in `variable` (default KEEPNET_SECRET_ID), and GetSecretValue on it alone. */
  bindSecret(secret: SecretReference, variable: EnvName = ENV.keepnetSecretId): this {
    return this.setEnv(variable, secret.secretId).allow(
      ['secretsmanager:GetSecretValue'],
      [secret.policyArn],
    );
  }

  /**
   * The queue's URL in `variable` (when given) and, with `send`, SendMessage on it. Receiving is
   * {@link consumeQueue}'s. SQS-managed encryption: no key to grant.
   */
  bindQueue(queue: IQueue, options: { variable?: EnvName; send?: boolean }): this {
    if (options.variable) this.setEnv(options.variable, queue.queueUrl);
    if (options.send) this.allow(['sqs:SendMessage'], [queue.queueArn]);
    return this;
  }

  /**
   * The bucket (and where in it) in the binding's variables, the object actions asked for under its
   * prefix only, and the ListBucket limited to a prefix; cdk-nag's finding on `<prefix>*` acknowledged.
   */
  bindBucket(bucket: IBucket, binding: BucketBinding): this {
    this.setEnv(binding.variable, bucket.bucketName);
    for (const [name, value] of Object.entries(binding.locate ?? {})) this.setEnv(name as EnvName, value);
    const actions = [
      ...(binding.read ? ['s3:GetObject'] : []),
      ...(binding.write ? ['s3:PutObject'] : []),
      ...(binding.abortUploads ? ['s3:AbortMultipartUpload'] : []),
    ];
    this.allow(actions, [bucket.arnForObjects(`${binding.prefix}*`)]);
    const list = binding.list ?? binding.prefix;
    if (list !== false) {
      this.allow(['s3:ListBucket'], [bucket.bucketArn], { StringLike: { 's3:prefix': [`${list}*`] } });
    }
    acknowledgeObjectPrefix(this.role, bucket, binding.prefix, binding.what);
    return this;
  }

  /**
   * EVENT_BUS_NAME and POLLER_EVENT_SOURCE, and PutEvents on that bus for that source and detail type
   * only: what the bus's rule listens for.
   */
  bindEventBus(bus: IEventBus, options: { source: string; detailType: string }): this {
    this.setEnv(ENV.eventBusName, bus.eventBusName).setEnv(ENV.pollerEventSource, options.source);
    return this.allow(['events:PutEvents'], [bus.eventBusArn], {
      StringEquals: { 'events:source': options.source, 'events:detail-type': options.detailType },
    });
  }

  /**
   * The queue as the function's event source, with the actions the event source mapping uses. Not
   * SqsEventSource: its grant (grantConsumeMessages) includes sqs:GetQueueUrl, which neither the function
   * nor the mapping calls. The mapping's id is SqsEventSource's, so a deployed stack keeps its mapping.
   */
  consumeQueue(queue: IQueue, options: { batchSize: number; maxConcurrency: number }): this {
    this.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`, {
      eventSourceArn: queue.queueArn,
      batchSize: options.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: options.maxConcurrency,
    });
    return this.allow(
      ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:DeleteMessage'],
      [queue.queueArn],
    );
  }
}
