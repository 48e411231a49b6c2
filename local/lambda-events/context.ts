// The Lambda `Context` the local runner invokes handlers with: lib/http-api's in-process context, with
// the local account id, the configured region and Lambda's longer default timeout.
import type { Context } from 'aws-lambda';
import { makeLambdaContext } from './proxy-event';

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
