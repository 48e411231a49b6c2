// The worker's own dead-lettering (lib/onboarding/dead-letter.ts), against the local SQS FIFO server:
// which outcomes are moved, what is sent with them, and that a refused send leaves the record failing.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_ATTRIBUTES } from '../../lib/group-queue/dead-letters';
import {
  deadLetterCodeFor,
  deadLetterFailures,
  RETRIES_EXHAUSTED_CODE,
} from '../../lib/onboarding/dead-letter';
import type { Outcome } from '../../lib/onboarding/worker';
import { type LocalSqs, startSqs } from '../../local/sqs-fifo';
import { sqsFifoRecord } from '../support/factories';

const record = (messageId: string, attributes: Partial<SQSRecord['attributes']> = {}): SQSRecord =>
  sqsFifoRecord({
    messageId,
    body: { v: 1, companyResourceId: messageId },
    messageGroupId: 'group-g1',
    attributes,
  });

describe('deadLetterFailures', () => {
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

    await deadLetterFailures(records, outcomes, sqs, { dlqUrl });

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
      await deadLetterFailures([record('poison-2')], new Map([['poison-2', failure]]), sqs, { dlqUrl });
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
    await deadLetterFailures([record('poison-3')], outcomes, sqs, { dlqUrl });
    expect(outcomes.get('poison-3')).toMatchObject({ ok: false, permanent: true });
    expect(outcomes.get('poison-3')).not.toHaveProperty('deadLettered');
    expect(local.messages(dlqUrl)).toHaveLength(before);
  });

  it('with maxReceiveCount, moves a transient failure on its last receive, with the last error as reason', async () => {
    const records = [
      record('transient-early', { ApproximateReceiveCount: '2' }),
      record('transient-last', { ApproximateReceiveCount: '3' }),
      record('ok-last', { ApproximateReceiveCount: '3' }),
    ];
    const outcomes = new Map<string, Outcome>([
      ['transient-early', { ok: false, permanent: false, reason: 'Keepnet answered 502' }],
      ['transient-last', { ok: false, permanent: false, reason: 'Keepnet answered 503' }],
      ['ok-last', { ok: true, action: 'added', groupId: 'g1' }],
    ]);
    const before = local.messages(dlqUrl).length;

    await deadLetterFailures(records, outcomes, sqs, { dlqUrl, maxReceiveCount: 3 });

    expect(outcomes.get('transient-early')).not.toHaveProperty('deadLettered');
    expect(outcomes.get('transient-last')).toMatchObject({ ok: false, permanent: false, deadLettered: true });
    const dead = local.messages(dlqUrl).slice(before);
    expect(dead).toHaveLength(1);
    const attributes = dead[0]!.messageAttributes;
    expect(attributes[DEAD_LETTER_ATTRIBUTES.errorCode]?.StringValue).toBe(RETRIES_EXHAUSTED_CODE);
    expect(attributes[DEAD_LETTER_ATTRIBUTES.reason]?.StringValue).toBe('Keepnet answered 503');
    expect(attributes[DEAD_LETTER_ATTRIBUTES.originalMessageId]?.StringValue).toBe('transient-last');
    expect(attributes[DEAD_LETTER_ATTRIBUTES.receiveCount]?.StringValue).toBe('3');
  });
});

describe('deadLetterCodeFor: which outcomes the worker moves', () => {
  const transient: Outcome = { ok: false, permanent: false, reason: 'Keepnet answered 500' };
  const refused: Outcome = { ok: false, permanent: true, reason: 'unknown company', code: 'COMPANY_REFUSED' };
  const uncoded: Outcome = { ok: false, permanent: true, reason: 'unreadable' };
  const added: Outcome = { ok: true, action: 'added', groupId: 'g1' };
  const at = (receiveCount: string) => record('m', { ApproximateReceiveCount: receiveCount });

  it.each<[string, Outcome | undefined, string, number | undefined, string | undefined]>([
    ['a success, last receive', added, '5', 5, undefined],
    ['no outcome', undefined, '5', 5, undefined],
    ['already moved', { ...transient, deadLettered: true }, '5', 5, undefined],
    ['a permanent failure, first receive', refused, '1', 5, 'COMPANY_REFUSED'],
    ['a permanent failure without a code', uncoded, '1', undefined, 'PERMANENT_FAILURE'],
    ['a transient failure before the last receive', transient, '4', 5, undefined],
    ['a transient failure on the last receive', transient, '5', 5, RETRIES_EXHAUSTED_CODE],
    ['a transient failure past the last receive (max lowered)', transient, '7', 5, RETRIES_EXHAUSTED_CODE],
    ['a transient failure when maxReceiveCount is unknown', transient, '99', undefined, undefined],
    ['a transient failure with no receive count', transient, '', 1, undefined],
  ])('%s', (_label, outcome, receiveCount, max, expected) => {
    expect(deadLetterCodeFor(at(receiveCount), outcome, max)).toBe(expected);
  });
});
