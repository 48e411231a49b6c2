// A transient failure that never clears: the worker knows the queue's maxReceiveCount
// (ONBOARDING_MAX_RECEIVE_COUNT, set by the local pipeline as infra sets it) and, on that last receive,
// moves the message to the DLQ itself with its reason (RETRIES_EXHAUSTED) instead of leaving SQS to
// redrive it without one. Before the last receive it fails and is retried, as before. Messages of other
// groups in the same batches go through untouched.
//
// Keepnet: every PUT …/participants answers 500 (the simulator's injectFaults, route-wide). The good
// message needs no PUT (its company is already a member: union mode reads, finds it, writes nothing),
// so only the bad group's write fails.
import type { SQSBatchResponse } from 'aws-lambda';
import { DEAD_LETTER_ATTRIBUTES } from '../../lib/group-queue/dead-letters';
import { RETRIES_EXHAUSTED_CODE } from '../../lib/onboarding/dead-letter';
import { runFifoConsumers } from '../../local/sqs-fifo';
import { companyCreatedEvent, groupIdByName, startWorld, stopWorld, type World } from './onboarding-world';

/** startOnboardingPipeline's default redrive count, which it also gives the worker. */
const MAX_RECEIVE_COUNT = 3;
const PUT_PARTICIPANTS = 'PUT /api/company-groups/{resourceId}/participants';

interface Delivery {
  company: string;
  receiveCount: number;
  failed: boolean;
}

describe('onboarding: a transient failure on its last receive is dead-lettered with its reason', () => {
  let world: World;
  beforeAll(async () => {
    // Visibility above one invocation (the client's own retries of a 500 take up to ~1.5 s), so a
    // message is never received again while its invocation still runs.
    world = await startWorld('replace', 'union', 2_500);
  });
  afterAll(async () => {
    await stopWorld(world);
  });

  it('fails it on receives before maxReceiveCount, moves it on the last one, leaves other groups alone', async () => {
    const { keepnet } = world.stack;
    const stuck = keepnet.state.addCompany({ name: 'Never written' });
    const stuckGroupId = groupIdByName(keepnet, 'Finance')!;
    const goodGroupId = groupIdByName(keepnet, 'EU Customers')!;
    const goodCompanyId = keepnet.state.groupMemberIds(goodGroupId)[0];
    expect(goodCompanyId).toBeDefined();
    const financeBefore = keepnet.state.groupMemberIds(stuckGroupId).sort();

    const fault = keepnet.injectFaults({
      kind: 'server-error',
      route: PUT_PARTICIPANTS,
      times: Infinity,
    })[0]!;
    try {
      await world.router(
        companyCreatedEvent({ companyResourceId: stuck.resourceId, groupResourceIds: [stuckGroupId] }),
      );
      await world.router(
        companyCreatedEvent({ companyResourceId: goodCompanyId!, groupResourceIds: [goodGroupId] }),
      );

      // Lambda's event source mapping, with every delivery and its verdict recorded.
      const deliveries: Delivery[] = [];
      const consumers = runFifoConsumers({
        queueUrl: world.queueUrl,
        concurrency: 2,
        handler: async (event, context) => {
          const response = (await world.worker(event, context)) as SQSBatchResponse;
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          for (const record of event.Records)
            deliveries.push({
              company: (JSON.parse(record.body) as { companyResourceId: string }).companyResourceId,
              receiveCount: Number(record.attributes.ApproximateReceiveCount),
              failed: failed.has(record.messageId),
            });
          return response;
        },
      });
      try {
        await consumers.drained({ timeoutMs: 15_000 });
      } finally {
        await consumers.stop();
      }

      // The stuck message: failed (retried by SQS) on every receive but the last, then reported done.
      expect(deliveries.filter((d) => d.company === stuck.resourceId)).toEqual(
        Array.from({ length: MAX_RECEIVE_COUNT }, (_, i) => ({
          company: stuck.resourceId,
          receiveCount: i + 1,
          failed: i + 1 < MAX_RECEIVE_COUNT,
        })),
      );
      // The write was really attempted on each receive, and really failed.
      expect(fault.hits).toBeGreaterThanOrEqual(MAX_RECEIVE_COUNT);
      expect(keepnet.state.groupMemberIds(stuckGroupId).sort()).toEqual(financeBefore);

      // In the DLQ exactly once (the worker's copy, not an attribute-less redrive), with why and when.
      const dead = world.deadLetters();
      expect(dead).toHaveLength(1);
      expect(JSON.parse(dead[0]!.body)).toMatchObject({ companyResourceId: stuck.resourceId });
      expect(dead[0]!.attributes).toMatchObject({
        [DEAD_LETTER_ATTRIBUTES.errorCode]: RETRIES_EXHAUSTED_CODE,
        [DEAD_LETTER_ATTRIBUTES.receiveCount]: String(MAX_RECEIVE_COUNT),
      });
      const reason = dead[0]!.attributes[DEAD_LETTER_ATTRIBUTES.reason] ?? '';
      expect(reason).toContain(`Could not add ${stuck.resourceId} to group ${stuckGroupId}`);
      // The last error's message, never a credential.
      expect(reason).not.toMatch(/bearer|authorization|client_secret/i);
      expect(reason).not.toContain(keepnet.credentials.reseller.clientSecret);
      expect(world.errors.map((e) => e.message)).toContain(
        'Onboarding message still failing on its last receive; moved to the DLQ',
      );

      // The other group's message: done on its first receive, never failed, not dead-lettered.
      expect(deliveries.filter((d) => d.company === goodCompanyId)).toEqual([
        { company: goodCompanyId, receiveCount: 1, failed: false },
      ]);
      expect(keepnet.state.groupMemberIds(goodGroupId)).toContain(goodCompanyId);
      expect(world.sqs.messages(world.queueUrl)).toHaveLength(0);
    } finally {
      fault.cancel();
    }
  }, 15_000);
});
