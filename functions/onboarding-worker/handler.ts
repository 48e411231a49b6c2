// SQS FIFO batch of onboarding messages → Keepnet memberships (see lib/onboarding/worker.ts).
// Returns { batchItemFailures } through Powertools' SqsFifoPartialProcessorAsync.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createKeepnetClientFromEnv } from '../../lib/keepnet';
import type { KeepnetApi } from '../../lib/keepnet/types';
import { loadWorkerConfig } from '../../lib/onboarding/config';
import { GroupResolver } from '../../lib/onboarding/group-resolver';
import { type Outcome, onboardBatch } from '../../lib/onboarding/worker';

// Cold start: PARTICIPANTS_MODE and the queue URL are checked once, with the variable named.
const config = loadWorkerConfig();
const sqs = new SQSClient({});
// Name → id cache, kept across invocations of this process (per client: tests switch environments).
const resolvers = new WeakMap<KeepnetApi, GroupResolver>();

/** Keepnet calls stop this long before Lambda's own timeout, so failures are reported, not cut off. */
const DEADLINE_MARGIN_MS = 2_000;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const client = createKeepnetClientFromEnv();
  let resolver = resolvers.get(client);
  if (!resolver) {
    resolver = new GroupResolver(client);
    resolvers.set(client, resolver);
  }
  const outcomes = await onboardBatch(event.Records, {
    client,
    resolver,
    sqs,
    queueUrl: config.queueUrl,
    mode: config.mode,
    deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
  });

  // Membership writes are idempotent, so order within a message group does not matter. Successes go
  // first: the FIFO processor fails every later message of a group after a failure, and a poison
  // message must not drag good ones (which are already members) towards the DLQ with it.
  const ordered = orderSuccessesFirst(event.Records, outcomes);
  return processPartialResponse(
    { Records: ordered },
    async (record: SQSRecord) => {
      const outcome = outcomes.get(record.messageId);
      if (!outcome?.ok) throw new Error(outcome?.reason ?? 'no outcome');
    },
    new SqsFifoPartialProcessorAsync(),
    { context, skipGroupOnError: true, throwOnFullBatchFailure: false },
  );
};

function orderSuccessesFirst(records: SQSRecord[], outcomes: Map<string, Outcome>): SQSRecord[] {
  const ok = (r: SQSRecord) => outcomes.get(r.messageId)?.ok === true;
  return [...records.filter(ok), ...records.filter((r) => !ok(r))];
}
