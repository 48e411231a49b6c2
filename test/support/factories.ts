// Event factories for tests (after Powertools' tests/helpers/factories.ts): real AWS shapes, built in
// one place instead of by hand with casts in every test.
import type { SQSRecord } from 'aws-lambda';

let sequence = 0;

/** One record of an SQS FIFO batch as Lambda's event source mapping delivers it. */
export function sqsFifoRecord(input: {
  body: unknown;
  messageGroupId: string;
  messageId?: string;
  deduplicationId?: string;
  receiveCount?: number;
}): SQSRecord {
  sequence++;
  const body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const now = String(Date.now());
  return {
    messageId: input.messageId ?? `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    receiptHandle: `receipt-${sequence}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(input.receiveCount ?? 1),
      SentTimestamp: now,
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: now,
      SequenceNumber: String(10_000_000_000_000_000_000n + BigInt(sequence)),
      MessageGroupId: input.messageGroupId,
      MessageDeduplicationId: input.deduplicationId ?? `dedup-${sequence}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:keepnet-onboarding.fifo',
    awsRegion: 'eu-west-1',
  };
}

/** The same record delivered again (SQS redelivery after a failed or timed-out receive). */
export function redelivered(record: SQSRecord): SQSRecord {
  return {
    ...record,
    attributes: {
      ...record.attributes,
      ApproximateReceiveCount: String(Number(record.attributes.ApproximateReceiveCount) + 1),
    },
  };
}
