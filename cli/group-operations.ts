// Where the CLI's group writes go: not to Keepnet, but to the onboarding FIFO queue as group operations
// (lib/operations), so the worker stays the one writer of every group and no CLI write can race it.
// The queue and the operation store come from the AWS environment: the operator's own, or with --local
// the running `npm start -- --serve`.
import { SQSClient } from '@aws-sdk/client-sqs';
import { readVar } from '../lib/config/read';
import { ENV } from '../lib/config/variables';
import { type OperationRequest, type SubmitResult, submitOperation } from '../lib/group-queue/submit';
import { operationStoreFromEnv } from '../lib/operations/config';
import type { OperationStore } from '../lib/operations/store';
import { awsClientSettings, createCliS3Client } from './aws-config';
import type { CommandContext } from './context';
import { ConfigurationError } from './exit-codes';

/** The operation store and the queue, opened for one command. */
export interface GroupOperations {
  store: OperationStore;
  /** Records the operation as pending and queues it (source, Idempotency-Key as given). */
  submit(request: OperationRequest): Promise<SubmitResult>;
  close(): void;
}

/** Set when the operation store or the queue cannot be named from the environment. */
function missingVariables(env: Record<string, string | undefined>): string[] {
  return [ENV.onboardingQueueUrl, ENV.operationsBucket].filter((name) => !readVar(env, name));
}

/**
 * Opens the store (OPERATIONS_BUCKET, OPERATIONS_PREFIX) and the queue (ONBOARDING_QUEUE_URL). Checked
 * before anything is read from Keepnet, so a missing variable costs no API call.
 */
export async function openGroupOperations(ctx: CommandContext): Promise<GroupOperations> {
  const env = await ctx.awsEnv();
  const missing = missingVariables(env);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `group writes are queued for the onboarding worker and need ONBOARDING_QUEUE_URL and OPERATIONS_BUCKET ` +
        `(missing: ${missing.join(', ')}); to use the local system, run \`npm start -- --serve\` and add --local`,
    );
  }
  const s3 = createCliS3Client(env);
  const store = operationStoreFromEnv(env, s3)!;
  const sqs = new SQSClient(awsClientSettings(env, 'AWS_ENDPOINT_URL_SQS'));
  const queueUrl = readVar(env, ENV.onboardingQueueUrl)!;
  return {
    store,
    submit: (request) => submitOperation({ sqs, queueUrl, store }, request),
    close: () => {
      sqs.destroy();
      s3.destroy();
    },
  };
}
