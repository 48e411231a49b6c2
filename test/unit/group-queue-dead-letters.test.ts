// DeadLetterQueue's redrive (lib/group-queue/dead-letters.ts) against a scripted SQS client: what the
// copy carries, that the original is deleted only after the copy was sent, and the rounds over FIFO
// groups. The CLI's `dlq` tests cover the same against the local SQS server.
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES, DeadLetterQueue } from '../../lib/group-queue/dead-letters';

const DLQ = 'https://sqs.example/onboarding-dlq.fifo';
const MAIN = 'https://sqs.example/onboarding.fifo';

const text = (value: string) => ({ DataType: 'String', StringValue: value });

function message(id: string, group = 'group-g-1'): Message {
  return {
    MessageId: id,
    ReceiptHandle: `handle-${id}`,
    Body: `{"id":"${id}"}`,
    Attributes: { MessageGroupId: group, ApproximateReceiveCount: '1', SentTimestamp: '0' },
    MessageAttributes: {
      [DEAD_LETTER_ATTRIBUTES.reason]: text('Keepnet answered 503'),
      [DEAD_LETTER_ATTRIBUTES.errorCode]: text('RETRIES_EXHAUSTED'),
      Tenant: text('acme'),
    },
  };
}

/**
 * A queue whose receives answer `replies` in turn (an empty reply ends a listing; nothing once they run
 * out) and that records every command; `failSendFor` makes the send of that message id throw.
 */
function scriptedSqs(replies: Message[][], failSendFor?: string) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  let pending = [...replies];
  const sqs = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      if (name === 'ReceiveMessageCommand') {
        const next = pending[0] ?? [];
        pending = pending.slice(1);
        return { Messages: next };
      }
      if (name === 'SendMessageCommand' && command.input.MessageBody === `{"id":"${failSendFor}"}`) {
        throw new Error('AccessDenied');
      }
      return {};
    },
  } as unknown as SQSClient;
  return { sqs, calls };
}

describe('DeadLetterQueue.redrive', () => {
  it('sends a copy without the dead-letter attributes, with a fresh FIFO deduplication id, then deletes', async () => {
    const { sqs, calls } = scriptedSqs([[message('m-1')], []]);
    const result = await new DeadLetterQueue(sqs, DLQ).redrive(MAIN, 'all');
    expect(result).toEqual({ moved: ['m-1'], missing: [], failed: [] });
    const sent = calls.filter((c) => c.command !== 'ReceiveMessageCommand');
    expect(sent).toEqual([
      {
        command: 'SendMessageCommand',
        input: {
          QueueUrl: MAIN,
          MessageBody: '{"id":"m-1"}',
          MessageAttributes: { Tenant: text('acme') },
          MessageGroupId: 'group-g-1',
          MessageDeduplicationId: 'redrive-m-1',
        },
      },
      { command: 'DeleteMessageCommand', input: { QueueUrl: DLQ, ReceiptHandle: 'handle-m-1' } },
    ]);
  });

  it('keeps a message whose copy could not be sent, and goes on with the others', async () => {
    const { sqs, calls } = scriptedSqs([[message('m-1'), message('m-2', 'group-g-2')], []], 'm-1');
    const result = await new DeadLetterQueue(sqs, DLQ).redrive(MAIN, 'all');
    expect(result).toEqual({
      moved: ['m-2'],
      missing: [],
      failed: [{ messageId: 'm-1', error: 'AccessDenied' }],
    });
    const deleted = calls
      .filter((c) => c.command === 'DeleteMessageCommand')
      .map((c) => c.input.ReceiptHandle);
    expect(deleted).toEqual(['handle-m-2']);
  });

  it('redrives only the ids asked for, releases the others, and reports ids never seen', async () => {
    // Round 1 shows m-1 and m-2; m-3 of the same FIFO group only shows once m-1 is gone.
    const { sqs, calls } = scriptedSqs([
      [message('m-1'), message('m-2', 'group-g-2')],
      [],
      [message('m-3')],
      [],
    ]);
    const result = await new DeadLetterQueue(sqs, DLQ).redrive(MAIN, ['m-1', 'm-3', 'm-9']);
    expect(result).toEqual({ moved: ['m-1', 'm-3'], missing: ['m-9'], failed: [] });
    const released = calls
      .filter((c) => c.command === 'ChangeMessageVisibilityCommand')
      .map((c) => [c.input.ReceiptHandle, c.input.VisibilityTimeout]);
    expect(released).toEqual([['handle-m-2', 0]]);
  });
});
