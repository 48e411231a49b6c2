// One project Lambda function: bundled with the shared esbuild options, Node 24 on arm64, its own log
// group (explicit retention, not the implicit never-expiring one) and its own role that may write to
// that log group and nothing else until the stack grants what the function uses.
import path from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, functionEntry, nodejsFunctionBundling } from '../bundling';

export interface KeepnetFunctionProps {
  name: FunctionName;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetention: RetentionDays;
  environment: Record<string, string>;
  /** Metrics namespace shared by every function (Powertools Metrics, EMF). */
  metricsNamespace: string;
  repoRoot: string;
}

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
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
  }
}
