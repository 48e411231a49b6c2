// The local SQS FIFO server, through the real @aws-sdk/client-sqs: FIFO order, one in-flight batch
// per group, de-duplication, visibility timeout, receive counts, redrive to the DLQ, and message
// attributes (kept, filtered on receive, digested as SQS does, carried into the DLQ).
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type MessageAttributeValue,
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
    // 200 ms of (scaled) visibility: with 30 ms a loaded machine can let a message reappear before its
    // batch is deleted, and a long poll takes it again at once.
    const { queueUrl, dlqUrl } = freshQueue({ maxReceiveCount: 3, visibilityTimeoutSeconds: 200 });
    for (let i = 0; i < 12; i++) await send(queueUrl, i === 5 ? 'bad' : `ok${i}`, `g${i % 4}`);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'ok-with-attributes',
        MessageGroupId: 'g9',
        MessageDeduplicationId: 'ok-with-attributes',
        MessageAttributes: { Kind: { DataType: 'String', StringValue: 'k' } },
      }),
    );
    const recordAttributes: unknown[] = [];
    const seen: string[] = [];
    const consumers = runFifoConsumers({
      queueUrl,
      sqs,
      concurrency: 3,
      batchSize: 10,
      handler: async (event) => {
        seen.push(...event.Records.map((r) => r.body));
        for (const r of event.Records)
          if (r.body === 'ok-with-attributes') recordAttributes.push(r.messageAttributes);
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
    expect(new Set(seen.filter((b) => b !== 'bad')).size).toBe(12);
    // As Lambda delivers them: camelCase, with the (empty) list fields.
    expect(recordAttributes).toEqual([
      { Kind: { dataType: 'String', stringValue: 'k', stringListValues: [], binaryListValues: [] } },
    ]);
    expect(local.messages(dlqUrl).map((m) => m.body)).toEqual(['bad']);
  });

  it('long-polls like the event source mapping: an idle queue costs about one receive per consumer and second; a send wakes it', async () => {
    const { queueUrl } = freshQueue();
    const bodies: string[] = [];
    const receives = () => local.counts().ReceiveMessage ?? 0;
    const before = receives();
    const consumers = runFifoConsumers({
      queueUrl,
      sqs,
      concurrency: 2,
      handler: async (event) => {
        bodies.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
    });
    try {
      // Idle for 1.5 s: 1 s long polls make 2 or 3 requests per consumer (the old 15 ms polling ~100).
      await new Promise((r) => setTimeout(r, 1_500));
      expect(receives() - before).toBeLessThanOrEqual(6);
      await send(queueUrl, 'wake-up', 'g1');
      for (let i = 0; i < 100 && bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(bodies).toEqual(['wake-up']);
      // A waiting poll answered the send (within its second, not at its end: a few requests at most).
      expect(receives() - before).toBeLessThanOrEqual(9);
    } finally {
      await consumers.stop();
    }
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

  describe('message attributes', () => {
    const attributes: Record<string, MessageAttributeValue> = {
      DeadLetterReason: { DataType: 'String', StringValue: 'unknown company résumé ✓' },
      ReceiveCount: { DataType: 'Number', StringValue: '2' },
      Blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
      'Trace.Id': { DataType: 'String.custom', StringValue: 'abc' },
    };

    /** The digest as SQS documents it, written out independently of the server's code. */
    const expectedMd5 = (values: Record<string, MessageAttributeValue>) => {
      const parts: Buffer[] = [];
      const prefixed = (bytes: Buffer) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        parts.push(length, bytes);
      };
      for (const name of Object.keys(values).sort()) {
        const v = values[name]!;
        prefixed(Buffer.from(name));
        prefixed(Buffer.from(v.DataType!));
        if (v.BinaryValue) {
          parts.push(Buffer.from([2]));
          prefixed(Buffer.from(v.BinaryValue));
        } else {
          parts.push(Buffer.from([1]));
          prefixed(Buffer.from(v.StringValue!));
        }
      }
      return createHash('md5').update(Buffer.concat(parts)).digest('hex');
    };

    const receiveWith = async (QueueUrl: string, MessageAttributeNames?: string[]) => {
      const [m] =
        (
          await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, MessageAttributeNames }),
          )
        ).Messages ?? [];
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: m!.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      return m!;
    };

    it('keeps them with the message and returns only those asked for, with their digest', async () => {
      const { queueUrl } = freshQueue({ visibilityTimeoutSeconds: 30_000 });
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: 'with attributes',
          MessageGroupId: 'A',
          MessageDeduplicationId: 'attr-1',
          MessageAttributes: attributes,
        }),
      );
      expect(sent.MD5OfMessageAttributes).toBe(expectedMd5(attributes));

      const none = await receiveWith(queueUrl);
      expect(none.MessageAttributes).toBeUndefined();
      expect(none.MD5OfMessageAttributes).toBeUndefined();

      for (const all of ['All', '.*']) {
        const m = await receiveWith(queueUrl, [all]);
        expect(m.MessageAttributes).toEqual(attributes);
        expect(m.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
      }

      const some = await receiveWith(queueUrl, ['ReceiveCount', 'Trace.*', 'Missing']);
      expect(Object.keys(some.MessageAttributes ?? {}).sort()).toEqual(['ReceiveCount', 'Trace.Id']);
      expect(some.MD5OfMessageAttributes).toBe(
        expectedMd5({ ReceiveCount: attributes.ReceiveCount!, 'Trace.Id': attributes['Trace.Id']! }),
      );
    });

    it('digests them like SQS: known values other SQS implementations check against', async () => {
      const { queueUrl } = freshQueue();
      const digest = async (MessageAttributes: Record<string, MessageAttributeValue>) =>
        (
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: queueUrl,
              MessageBody: 'm',
              MessageGroupId: 'V',
              MessageDeduplicationId: `v-${Math.random()}`,
              MessageAttributes,
            }),
          )
        ).MD5OfMessageAttributes;
      expect(await digest({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } })).toBe(
        '235c5c510d26fb653d073faed50ae77c',
      );
      expect(
        await digest({
          ordinal: { DataType: 'Number', StringValue: '1' },
          category: { DataType: 'String', StringValue: 'test' },
        }),
      ).toBe('d21ae90c49061e927f57df5f5d72be1f');
    });

    it('takes them per entry in SendMessageBatch and refuses an invalid one, naming it', async () => {
      const { queueUrl } = freshQueue();
      const reply = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            {
              Id: 'good',
              MessageBody: 'b1',
              MessageGroupId: 'G',
              MessageDeduplicationId: 'b1',
              MessageAttributes: { Kind: { DataType: 'String', StringValue: 'k' } },
            },
            {
              Id: 'nan',
              MessageBody: 'b2',
              MessageGroupId: 'G',
              MessageDeduplicationId: 'b2',
              MessageAttributes: { Count: { DataType: 'Number', StringValue: 'many' } },
            },
            {
              Id: 'reserved',
              MessageBody: 'b3',
              MessageGroupId: 'G',
              MessageDeduplicationId: 'b3',
              MessageAttributes: { 'AWS.Thing': { DataType: 'String', StringValue: 'x' } },
            },
          ],
        }),
      );
      expect(reply.Successful?.map((e) => [e.Id, e.MD5OfMessageAttributes])).toEqual([
        ['good', expectedMd5({ Kind: { DataType: 'String', StringValue: 'k' } })],
      ]);
      expect(reply.Failed?.map((e) => [e.Id, e.Code, e.SenderFault])).toEqual([
        ['nan', 'InvalidParameterValue', true],
        ['reserved', 'InvalidParameterValue', true],
      ]);
      expect(reply.Failed?.[0]?.Message).toContain("'Count'");
      expect(reply.Failed?.[1]?.Message).toContain("'AWS.Thing'");
      expect(local.messages(queueUrl).map((m) => m.messageAttributes)).toEqual([
        { Kind: { DataType: 'String', StringValue: 'k' } },
      ]);
    });

    it('carries them into the DLQ on redrive', async () => {
      const { queueUrl, dlqUrl } = freshQueue({ maxReceiveCount: 1 });
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: 'doomed',
          MessageGroupId: 'D',
          MessageDeduplicationId: 'doomed',
          MessageAttributes: attributes,
        }),
      );
      await receiveWith(queueUrl); // the one receive allowed; visible again at once
      expect(await receive(queueUrl)).toEqual([]); // redriven instead of delivered
      const dead = await receiveWith(dlqUrl, ['All']);
      expect(dead.Body).toBe('doomed');
      expect(dead.MessageAttributes).toEqual(attributes);
    });
  });
});
