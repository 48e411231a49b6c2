// Memory, timeout and description of each function: what its job needs.
import { Duration } from 'aws-cdk-lib';
import type { FunctionName } from './bundling';

/** Memory and timeout per function, sized for its job. */
export const FUNCTION_SIZING: Record<
  FunctionName,
  { memorySize: number; timeout: Duration; description: string }
> = {
  // Pure routing: parse one event, evaluate rules, send a few SQS messages.
  'onboarding-router': {
    memorySize: 256,
    timeout: Duration.seconds(30),
    description: 'Routes CompanyCreated events to one FIFO message per target group',
  },
  // A batch of 10 group updates, each a read, a write and a verifying read against Keepnet, with retries.
  'onboarding-worker': {
    memorySize: 512,
    timeout: Duration.minutes(2),
    description: 'Adds companies to Keepnet company groups (verified by reading back)',
  },
  // Pages through recently created companies and publishes events.
  'company-poller': {
    memorySize: 512,
    timeout: Duration.minutes(2),
    description: 'Finds companies created since its watermark and publishes CompanyCreated',
  },
  // Streams every export job into S3 (multipart parts in memory); large tenants take minutes.
  'scheduled-export': {
    memorySize: 1024,
    timeout: Duration.minutes(15),
    description: 'Streams Keepnet exports (CSV, Excel) into the export bucket',
  },
  // Reads the groups, the managed groups' members and every company, plans, queues a few operations.
  reconcile: {
    memorySize: 512,
    timeout: Duration.minutes(5),
    description:
      'Plans the desired-state file against Keepnet: drift metric; queues the changes in apply mode',
  },
  // Behind API Gateway, whose integration timeout is 29 s.
  api: {
    memorySize: 512,
    timeout: Duration.seconds(29),
    description: 'HTTP API: company groups, exports and the signed onboarding webhook',
  },
};
