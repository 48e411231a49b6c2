// The worker's own dead-lettering (lib/onboarding/dead-letter.ts), against the local SQS FIFO server:
// which outcomes are moved, what is sent with them, and that a refused send leaves the record failing.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_ATTRIBUTES, deadLetterPermanentFailures } from '../../lib/onboarding/dead-letter';
import type { Outcome } from '../../lib/onboarding/worker';
import { type LocalSqs, startSqs } from '../../local/sqs-fifo';

const record = (messageId: string, attributes: Partial<SQSRecord['attributes']> = {}): SQSRecord =>
  ({
    messageId,
    body: JSON.stringify({ v: 1, companyResourceId: messageId }),
    attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'group-g1', ...attributes },
  }) as SQSRecord;

describe('deadLetterPermanentFailures', () => {
  let local: LocalSqs;
  let dlqUrl: string;
  let sqs: SQSClient;
  /** SendMessage requests the server has answered so far (retries included; maxAttempts is 1). */
  const sends = () => local.counts().SendMessage ?? 0;

  beforeAll(async () => {
    local = await startSqs();
    dlqUrl = local.createFifoQueueWithDlq('dead-letter-unit').dlqUrl;
    sqs = new SQSClient({ endpoint: local.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    sqs.destroy();
    await local.close();
  });

  it('moves permanent failures only, body and group unchanged, with why and which delivery', async () => {
    const records = [
      record('ok-1'),
      record('poison-1', { ApproximateReceiveCount: '2' }),
      record('transient-1'),
      record('not-fifo', { MessageGroupId: undefined as unknown as string }),
    ];
    const outcomes = new Map<string, Outcome>([
      ['ok-1', { ok: true, action: 'added', groupId: 'g1' }],
      ['poison-1', { ok: false, permanent: true, reason: 'x'.repeat(5_000), code: 'COMPANY_REFUSED' }],
      ['transient-1', { ok: false, permanent: false, reason: 'Keepnet answered 503' }],
      ['not-fifo', { ok: false, permanent: true, reason: 'unreadable', code: 'INVALID_MESSAGE' }],
    ]);

    await deadLetterPermanentFailures(records, outcomes, sqs, dlqUrl);

    expect([...outcomes].filter(([, o]) => !o.ok && o.deadLettered).map(([id]) => id)).toEqual(['poison-1']);
    const dead = local.messages(dlqUrl);
    expect(dead).toEqual([expect.objectContaining({ body: records[1]!.body, groupId: 'group-g1' })]);
    // Read back from the DLQ: what SQS kept, not merely what was sent.
    const attributes = dead[0]!.messageAttributes;
    expect(attributes[DEAD_LETTER_ATTRIBUTES.errorCode]?.StringValue).toBe('COMPANY_REFUSED');
    expect(attributes[DEAD_LETTER_ATTRIBUTES.originalMessageId]?.StringValue).toBe('poison-1');
    expect(attributes[DEAD_LETTER_ATTRIBUTES.receiveCount]).toEqual({ DataType: 'Number', StringValue: '2' });
    // A reason is kept to a sentence's length: attributes count towards the message size limit.
    expect(attributes[DEAD_LETTER_ATTRIBUTES.reason]?.StringValue).toHaveLength(1_000);
  });

  it('sends a message once: a second attempt for the same original message id is de-duplicated', async () => {
    const failure: Outcome = {
      ok: false,
      permanent: true,
      reason: 'unknown company',
      code: 'COMPANY_REFUSED',
    };
    const before = local.messages(dlqUrl).length;
    const sendsBefore = sends();
    for (let i = 0; i < 2; i++) {
      await deadLetterPermanentFailures([record('poison-2')], new Map([['poison-2', failure]]), sqs, dlqUrl);
    }
    // Two sends reached SQS; the second was dropped as a duplicate of the first.
    expect(sends() - sendsBefore).toBe(2);
    expect(local.messages(dlqUrl)).toHaveLength(before + 1);
  });

  it('leaves the record failing when SQS refuses the send, so nothing is lost', async () => {
    const outcomes = new Map<string, Outcome>([
      ['poison-3', { ok: false, permanent: true, reason: 'unknown company', code: 'COMPANY_REFUSED' }],
    ]);
    const before = local.messages(dlqUrl).length;
    local.failNextSends(1);
    await deadLetterPermanentFailures([record('poison-3')], outcomes, sqs, dlqUrl);
    expect(outcomes.get('poison-3')).toMatchObject({ ok: false, permanent: true });
    expect(outcomes.get('poison-3')).not.toHaveProperty('deadLettered');
    expect(local.messages(dlqUrl)).toHaveLength(before);
  });
});
