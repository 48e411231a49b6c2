// The REST (v1) API in front of the `api` function, its stage, logs and gateway error responses.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES, type RouteDefinition } from '../../lib/rest-api/routes';

/** The one stage, and the first segment of every URL after the API's host. */
export const STAGE_NAME = 'v1';

/**
 * The routes API Gateway must leave open (no IAM): those the router's table (lib/rest-api/routes.ts)
 * marks `webhook-signature`, whose callers cannot sign with AWS keys; the function verifies their HMAC
 * instead. Every other route is reached through the IAM-authorised `{proxy+}`.
 */
const OPEN_ROUTES: readonly RouteDefinition[] = API_ROUTES.filter((route) => route.auth !== 'iam');

/**
 * The body of every error API Gateway answers itself, in the function's error shape (lib/rest-api):
 * `code` is the gateway response type (ACCESS_DENIED, THROTTLED, ...); `messageString` is already a quoted
 * JSON string, hence no quotes around it.
 */
export const GATEWAY_ERROR_TEMPLATE =
  '{"error":{"code":"$context.error.responseType","message":$context.error.messageString,' +
  '"details":{"requestId":"$context.requestId"}}}';

/** The function behind the API, and the stage's log retention and throttling (requests per second). */
export interface AutomationRestApiProps {
  handler: IFunction;
  logRetention: RetentionDays;
  rateLimit: number;
  burstLimit: number;
}

/**
 * Every route is IAM-authorised (SigV4 callers need execute-api:Invoke) except the {@link OPEN_ROUTES}.
 * API Gateway declares no required parameters, so a call without the signature headers reaches the
 * function and gets its 401 INVALID_SIGNATURE, and the errors API Gateway answers itself (IAM refusal,
 * throttling, Lambda failure) come back in the function's `{ error: { code, message, details } }` shape.
 */
export class AutomationRestApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: AutomationRestApiProps) {
    super(scope, id);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new RestApi(this, 'Api', {
      description: 'Keepnet automation API (company groups, exports, onboarding webhook)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Stage logging needs the account-level API Gateway CloudWatch role; the stack provides it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.INFO,
        // Full request/response logging would write webhook bodies and signatures to CloudWatch.
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    });

    // API Gateway creates its execution log group on first use, without retention; creating it first
    // gives it one.
    new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const integration = new LambdaIntegration(props.handler, { proxy: true });
    // Everything the function routes (lib/rest-api), IAM-authorised.
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ anyMethod: false }).addMethod('ANY', integration, {
      authorizationType: AuthorizationType.IAM,
    });

    // The open routes: more specific resources than {proxy+}, so API Gateway routes them here. No
    // declared request parameters: a missing signature header must get the function's 401
    // INVALID_SIGNATURE, not API Gateway's 400 in another shape.
    for (const route of OPEN_ROUTES) {
      const method = this.api.root
        .resourceForPath(route.path.slice(1))
        .addMethod(route.method, integration, { authorizationType: AuthorizationType.NONE });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'The webhook sender cannot sign with AWS credentials: the function verifies an HMAC-SHA256 signature over ' +
          'timestamp and body with a key from Secrets Manager (lib/webhook) and answers 401 INVALID_SIGNATURE ' +
          'when it or its headers are missing or wrong.',
      });
    }

    // Errors API Gateway answers without calling the function, in the function's error shape.
    const errorTemplates = { 'application/json': GATEWAY_ERROR_TEMPLATE };
    this.api.addGatewayResponse('Default4xx', { type: ResponseType.DEFAULT_4XX, templates: errorTemplates });
    this.api.addGatewayResponse('Default5xx', { type: ResponseType.DEFAULT_5XX, templates: errorTemplates });
    this.api.addGatewayResponse('Throttled', {
      type: ResponseType.THROTTLED,
      templates: errorTemplates,
      // Stage throttling refills every second; header values are mapping expressions, hence the quotes.
      responseHeaders: { 'Retry-After': "'1'" },
    });

    const cloudWatchRole = this.api.node.findChild('CloudWatchRole');
    Validations.of(cloudWatchRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway uses to write stage logs; AWS documents this managed policy for it and ' +
        'it grants log writing only.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG4',
      reason:
        'Callers are MSP operators and their automation holding IAM credentials (AWS_IAM, SigV4), and the webhook ' +
        'sender, verified by HMAC signature; no end users sign in, so there is no Cognito user pool.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG2',
      reason:
        'No API Gateway request validator: the function validates every body and parameter against its zod ' +
        'schemas with field-level messages in one error shape, and the webhook must reach the function without ' +
        'its signature headers to answer 401 rather than a gateway 400.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG3',
      reason:
        'Traffic is IAM-authenticated or HMAC-verified and throttled at the stage; a WAF web ACL (cost per ACL ' +
        'and rule) can be attached by the operator where an organisation mandates one.',
    });
  }
}
