// One company added to one group (by id) by the real onboarding worker, journaled in `store`: a change
// "made by this system" for the tests that check attribution.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { KeepnetClient } from '../../lib/keepnet';
import { GroupResolver } from '../../lib/onboarding/group-resolver';
import { onboardBatch } from '../../lib/onboarding/worker';
import type { OperationStore } from '../../lib/operations/store';
import { sqsFifoRecord } from './factories';

/** Runs the worker on one message and returns its outcome. */
export async function onboardOne(
  deps: { client: KeepnetClient; store: OperationStore },
  input: { companyResourceId: string; groupId: string; eventId: string },
) {
  const record = sqsFifoRecord({
    body: {
      v: 1,
      companyResourceId: input.companyResourceId,
      group: { id: input.groupId },
      eventId: input.eventId,
    },
    messageGroupId: `group-${input.groupId}`,
  });
  const outcomes = await onboardBatch([record], {
    client: deps.client,
    resolver: new GroupResolver(deps.client),
    // Messages addressed by group id are never forwarded: the queue is not used.
    sqs: new SQSClient({}),
    queueUrl: 'http://127.0.0.1:9/unused',
    mode: 'union',
    store: deps.store,
  });
  return outcomes.get(record.messageId);
}
