// The Lambda `Context` the local runner invokes handlers with: lib/http-api's in-process context, with
// the local account id, the configured region and Lambda's longer default timeout.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FakeContextOptions {
  functionName: string;
  /** The function's configured timeout; `getRemainingTimeInMillis()` counts down from it. */
  timeoutMs?: number;
  memoryLimitInMB?: number;
  region?: string;
}

export function fakeLambdaContext(options: FakeContextOptions): Context {
  return makeLambdaContext({
    ...options,
    timeoutMs: options.timeoutMs ?? 60_000,
    region: options.region ?? process.env.AWS_REGION ?? 'eu-west-1',
    accountId: '000000000000',
  });
}

export interface LambdaContextOptions {
  /** Default `api`. */
  functionName?: string;
  /** The function's configured timeout; `getRemainingTimeInMillis()` counts down from it. Default 30 s. */
  timeoutMs?: number;
  memoryLimitInMB?: number;
  region?: string;
  accountId?: string;
}

/**
 * A Lambda `Context` good enough for running handlers in-process: handlers read
 * `getRemainingTimeInMillis()` to set Keepnet call deadlines and `awsRequestId` for log correlation, so
 * both behave as in Lambda (the clock starts when the invocation starts).
 */
export function makeLambdaContext(options: LambdaContextOptions = {}): Context {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const functionName = options.functionName ?? 'api';
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '123456789012';
  const requestId = randomUUID();
  const legacyCallback = (what: string) => () => {
    throw new Error(`${what}() is a legacy Lambda callback API; handlers here are async`);
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 512),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: legacyCallback('done'),
    fail: legacyCallback('fail'),
    succeed: legacyCallback('succeed'),
  };
}
