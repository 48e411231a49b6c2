// Event factories for tests (after Powertools' tests/helpers/factories.ts): real AWS shapes, built in
// one place instead of by hand with casts in every test.
import { createHash } from 'node:crypto';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { CompanyCreatedDetail } from '../../lib/onboarding/company-created';
import { type EventBridgeEvent, eventBridgeEnvelope } from '../../local/eventbridge';

let sequence = 0;

/**
 * One record of an SQS FIFO batch as Lambda's event source mapping delivers it. Ids, receipt handle and
 * sequence number are unique per call; `attributes` adds to or replaces the system attributes (e.g.
 * AWSTraceHeader, DeadLetterQueueSourceArn).
 */
export function sqsFifoRecord(input: {
  /** A string is sent as is; anything else as JSON. */
  body: unknown;
  messageGroupId: string;
  messageId?: string;
  deduplicationId?: string;
  /** ApproximateReceiveCount; default 1 (the first delivery). */
  receiveCount?: number;
  attributes?: Partial<SQSRecord['attributes']>;
  messageAttributes?: SQSMessageAttributes;
  /** The queue's ARN; default a `keepnet-onboarding.fifo` queue in eu-west-1. */
  eventSourceARN?: string;
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
      ...input.attributes,
    },
    messageAttributes: input.messageAttributes ?? {},
    md5OfBody: createHash('md5').update(body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: input.eventSourceARN ?? 'arn:aws:sqs:eu-west-1:123456789012:keepnet-onboarding.fifo',
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

/**
 * A CompanyCreated event in the EventBridge envelope the router receives (source `keepnet.test`, a fresh
 * id). `detail` is Partial so a test can send one the router must reject; `envelope` overrides envelope
 * fields (id, account, region, resources, time, source).
 */
export function companyCreatedEvent(
  detail: Partial<CompanyCreatedDetail>,
  envelope: {
    source?: string;
    id?: string;
    account?: string;
    region?: string;
    resources?: string[];
    time?: string;
  } = {},
): EventBridgeEvent {
  const { source = 'keepnet.test', resources, time, ...options } = envelope;
  return eventBridgeEnvelope(
    {
      source,
      detailType: 'CompanyCreated',
      detail,
      ...(resources ? { resources } : {}),
      ...(time ? { time } : {}),
    },
    options,
  );
}
