// A Lambda `Context` good enough for running handlers in-process: the handlers read
// `getRemainingTimeInMillis()` to set Keepnet call deadlines and `awsRequestId` for log correlation,
// so both behave as they do in Lambda (the clock starts when the invocation starts).
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
  const timeoutMs = options.timeoutMs ?? 60_000;
  const startedAt = Date.now();
  const region = options.region ?? process.env.AWS_REGION ?? 'eu-west-1';
  const requestId = randomUUID();
  const unsupported = (what: string) => () => {
    throw new Error(`${what}() is a legacy Lambda callback API; handlers here are async`);
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 512),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, startedAt + timeoutMs - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
