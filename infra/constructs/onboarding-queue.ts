// The FIFO queue between the onboarding router and the worker, with its FIFO dead-letter queue.
// Content-based deduplication is off: the router sets MessageDeduplicationId (event id + group), so a
// re-delivered CompanyCreated event is dropped while two different events with equal bodies are not.
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The redrive policy's maxReceiveCount and the consumer's timeout. */
export interface OnboardingQueueProps {
  maxReceiveCount: number;
  /** Timeout of the consuming function; the visibility timeout is six times it (AWS guidance). */
  consumerTimeout: Duration;
}

/** The onboarding FIFO queue and its FIFO dead-letter queue. */
export class OnboardingQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Receives before SQS redrives a message to the DLQ; the worker is told it (ONBOARDING_MAX_RECEIVE_COUNT). */
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: OnboardingQueueProps) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount;

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The maximum: an operator needs time to read, fix and redrive.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the onboarding queue.',
    });

    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
