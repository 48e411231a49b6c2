// The worker's log of failed messages, one line per failure and receive.
import type { SQSRecord } from 'aws-lambda';
import { logger } from '../../observability/powertools';
import type { Outcome } from '../outcome';

/**
 * Logs every failure, every time: a poison message logs its reason on each receive until a DLQ takes
 * it. Error level for what will not be retried (dead-lettered, or permanent), warn for retries.
 */
export function logFailures(records: readonly SQSRecord[], outcomes: Map<string, Outcome>) {
  for (const record of records) {
    const outcome = outcomes.get(record.messageId);
    if (!outcome || outcome.ok) continue;
    const context = {
      messageId: record.messageId,
      messageGroupId: record.attributes.MessageGroupId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
      reason: outcome.reason,
      code: outcome.code,
    };
    if (outcome.deadLettered && !outcome.permanent) {
      logger.error('Onboarding message still failing on its last receive; moved to the DLQ', context);
    } else if (outcome.deadLettered) {
      logger.error('Onboarding message rejected and moved to the DLQ', context);
    } else if (outcome.permanent) {
      logger.error('Onboarding message rejected (goes to the DLQ after maxReceiveCount)', context);
    } else {
      logger.warn('Onboarding message will be retried', context);
    }
  }
}
