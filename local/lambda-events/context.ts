// The Lambda `Context` handlers are invoked with outside Lambda (tests, bench, local runner).
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The account id of everything the local runner fakes (queues, events, API calls, function ARNs). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** What differs between functions; every field has a default. */
export interface LambdaContextOptions {
  /** Default `api`. */
  functionName?: string;
  /** The function's configured timeout; `getRemainingTimeInMillis()` counts down from it. Default 30 s. */
  timeoutMs?: number;
  /** Default 512. */
  memoryLimitInMB?: number;
  /** Default AWS_REGION, else eu-west-1. */
  region?: string;
  /** Goes into `invokedFunctionArn`. Default 123456789012; the local runner passes LOCAL_ACCOUNT_ID. */
  accountId?: string;
}

/**
 * A Lambda `Context` good enough for running handlers in-process: handlers read
 * `getRemainingTimeInMillis()` to set Keepnet call deadlines and `awsRequestId` for log correlation, so
 * both behave as in Lambda (the clock starts when the invocation starts). The legacy callbacks
 * (`done`, `fail`, `succeed`) throw: every handler here is async.
 */
export function makeLambdaContext(options: LambdaContextOptions = {}): Context {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const functionName = options.functionName ?? 'api';
  const region = options.region ?? process.env.AWS_REGION ?? 'eu-west-1';
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
