// The local SQS FIFO server, through the real @aws-sdk/client-sqs: FIFO order, one in-flight batch
// per group, de-duplication, visibility timeout, receive counts and redrive to the DLQ.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type LocalSqs, runFifoConsumers, startSqs } from '../../local/sqs-fifo';

let local: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  local = await startSqs({ timeScale: 0.001 });
  sqs = new SQSClient({ endpoint: local.url });
});
afterAll(async () => {
  sqs.destroy();
  await local.close();
});

let n = 0;
const freshQueue = (opts?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number }) =>
  local.createFifoQueueWithDlq(`q${++n}`, opts);

const send = (QueueUrl: string, body: string, group: string, dedup = body) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: dedup,
    }),
  );

const receive = async (QueueUrl: string, max = 10) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: max, MessageSystemAttributeNames: ['All'] }),
    )
  ).Messages ?? [];

describe('local SQS FIFO', () => {
  it('keeps order within a group and holds the group while a batch is in flight', async () => {
    // 30,000 s × timeScale 0.001 = 30 s: nothing becomes visible again during this test.
    const { queueUrl } = freshQueue({ visibilityTimeoutSeconds: 30_000 });
    for (const body of ['a1', 'a2', 'a3']) await send(queueUrl, body, 'A');
    await send(queueUrl, 'b1', 'B');

    const first = await receive(queueUrl, 2);
    expect(first.map((m) => m.Body)).toEqual(['a1', 'a2']);
    // Group A is in flight: only B is available now.
    const second = await receive(queueUrl);
    expect(second.map((m) => m.Body)).toEqual(['b1']);
    expect(await receive(queueUrl)).toEqual([]);

    for (const m of first)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    expect((await receive(queueUrl)).map((m) => m.Body)).toEqual(['a3']);
  });

  it('drops a duplicate MessageDeduplicationId and returns the first message id', async () => {
    const { queueUrl } = freshQueue();
    const one = await send(queueUrl, 'x', 'G', 'same');
    const two = await send(queueUrl, 'y', 'G', 'same');
    expect(two.MessageId).toBe(one.MessageId);
    expect(local.messages(queueUrl)).toHaveLength(1);
  });

  it('answers SendMessageBatch per entry and refuses more than 10 entries', async () => {
    const { queueUrl } = freshQueue();
    const Entries = Array.from({ length: 10 }, (_, i) => ({
      Id: `e${i}`,
      MessageBody: `m${i}`,
      MessageGroupId: `g${i % 3}`,
      MessageDeduplicationId: `d${i}`,
    }));
    const reply = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
    expect(reply.Successful).toHaveLength(10);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [...Entries, { ...Entries[0]!, Id: 'e10' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
    const missingGroup = await sqs
      .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'z', MessageDeduplicationId: 'z' }))
      .catch((e: Error) => e);
    expect(missingGroup).toMatchObject({ name: 'MissingParameter' });
  });

  it('redelivers after the visibility timeout with a higher receive count, then moves to the DLQ', async () => {
    const { queueUrl, dlqUrl } = freshQueue({ maxReceiveCount: 2 });
    await send(queueUrl, 'poison', 'P');
    await send(queueUrl, 'behind', 'P');
    const counts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const [m] = await receive(queueUrl, 1);
      counts.push(m!.Attributes!.ApproximateReceiveCount!);
      // Make it visible again at once (what an expired visibility timeout does).
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: m!.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(counts).toEqual(['1', '2']);
    const next = await receive(queueUrl, 1);
    expect(next.map((m) => m.Body)).toEqual(['behind']);
    expect(local.messages(dlqUrl).map((m) => m.body)).toEqual(['poison']);
  });

  it('runs consumers like the event source mapping: failures stay, successes are deleted', async () => {
    const { queueUrl, dlqUrl } = freshQueue({ maxReceiveCount: 3 });
    for (let i = 0; i < 12; i++) await send(queueUrl, i === 5 ? 'bad' : `ok${i}`, `g${i % 4}`);
    const seen: string[] = [];
    const consumers = runFifoConsumers({
      queueUrl,
      sqs,
      concurrency: 3,
      batchSize: 10,
      handler: async (event) => {
        seen.push(...event.Records.map((r) => r.body));
        return {
          batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    await consumers.drained({ timeoutMs: 10_000 });
    await consumers.stop();
    expect(seen.filter((b) => b === 'bad')).toHaveLength(3);
    expect(new Set(seen.filter((b) => b !== 'bad')).size).toBe(11);
    expect(local.messages(dlqUrl).map((m) => m.body)).toEqual(['bad']);
  });

  it('runs different message groups in parallel and one group serially', async () => {
    const { queueUrl } = freshQueue({ visibilityTimeoutSeconds: 30_000 });
    for (let i = 0; i < 24; i++) await send(queueUrl, `m${i}`, `g${i % 4}`);
    const busyGroups = new Set<string>();
    let overlapInGroup = false;
    let mostAtOnce = 0;
    const consumers = runFifoConsumers({
      queueUrl,
      sqs,
      concurrency: 4,
      batchSize: 2,
      handler: async (event) => {
        const groups = new Set(event.Records.map((r) => r.attributes.MessageGroupId!));
        for (const g of groups) {
          if (busyGroups.has(g)) overlapInGroup = true;
          busyGroups.add(g);
        }
        mostAtOnce = Math.max(mostAtOnce, busyGroups.size);
        await new Promise((r) => setTimeout(r, 20));
        for (const g of groups) busyGroups.delete(g);
        return { batchItemFailures: [] };
      },
    });
    await consumers.drained({ timeoutMs: 10_000 });
    await consumers.stop();
    expect(overlapInGroup).toBe(false);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(consumers.stats.records).toBe(24);
  });
});
