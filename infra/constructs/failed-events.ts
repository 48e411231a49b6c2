// The queue where events end that could not be delivered or whose asynchronous invocation failed for good.
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The EventBridge rule's and Scheduler targets' DLQ and the on-failure destination of the asynchronously
 * invoked functions (id `FailedEvents` in `scope`). A standard queue: neither EventBridge nor Lambda
 * destinations accept FIFO here.
 */
export function failedEventsQueue(scope: Construct): Queue {
  const failedEvents = new Queue(scope, 'FailedEvents', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(failedEvents).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SQS3',
    reason:
      'This queue is itself a dead-letter queue (EventBridge rule and Scheduler target DLQ, Lambda on-failure ' +
      "destination); cdk-nag only recognises DLQs named in another queue's redrive policy.",
  });
  return failedEvents;
}
