// Lambda's on-failure destination on an SQS queue, granting the function sqs:SendMessage and nothing
// else. (aws-lambda-destinations' SqsDestination grants GetQueueAttributes and GetQueueUrl as well,
// which the Lambda service does not use to deliver.)
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { DestinationConfig, DestinationOptions, IDestination, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * An on-failure destination for asynchronous invocations that grants the function sqs:SendMessage on the
 * queue only.
 */
export class SendOnlySqsDestination implements IDestination {
  constructor(private readonly queue: IQueue) {}

  bind(_scope: Construct, fn: IFunction, _options?: DestinationOptions): DestinationConfig {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    return { destination: this.queue.queueArn };
  }
}
