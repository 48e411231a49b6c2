// CompanyCreated → one FIFO message per target group. Shared by the onboarding-router function and the
// HTTP API's webhook.
import type { SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { queueEntry } from '../group-queue/entry';
import type { OnboardingMessage } from '../group-queue/message';
import { sendMessages } from '../group-queue/send-messages';
import type { GroupTarget } from '../group-queue/targets';
import type { GroupRules } from '../rules/group-rules';
import type { CompanyCreatedDetail } from './company-created';
import { targetsFor } from './targets';

/** One message queued for a company: its target group, FIFO message group, deduplication id and SQS id. */
export interface QueuedOnboarding {
  target: GroupTarget;
  messageGroupId: string;
  deduplicationId: string;
  messageId: string;
}

/** What `routeCompanyCreated` queued for one company (one entry per target group). */
export interface RouteResult {
  companyResourceId: string;
  queued: QueuedOnboarding[];
}

/** The event id, and the queue, rules and SQS client the caller read at its cold start (all required). */
export interface RouteOptions {
  /** Id of the triggering event (EventBridge `id`, webhook delivery id): the de-duplication key. */
  eventId: string;
  /** The onboarding queue and the rules, as the caller read them at cold start (loadRouterConfig). */
  queueUrl: string;
  rules: GroupRules;
  sqs: SQSClient;
}

/** One target group of a company: the message and the batch entry that queues it. */
export interface OnboardingEntry {
  target: GroupTarget;
  message: OnboardingMessage;
  entry: SendMessageBatchRequestEntry;
}

/** The queue entries for one company (pure: no I/O). */
export function onboardingEntries(
  detail: CompanyCreatedDetail,
  eventId: string,
  rules: GroupRules,
): OnboardingEntry[] {
  return targetsFor(detail, rules).map((target, index) => {
    const message: OnboardingMessage = {
      v: 1,
      companyResourceId: detail.companyResourceId,
      ...(detail.companyName === undefined ? {} : { companyName: detail.companyName }),
      group: target.kind === 'id' ? { id: target.groupId } : { name: target.groupName },
      eventId,
    };
    return {
      target,
      message,
      entry: queueEntry(index, message, target, {
        purpose: 'route',
        eventId,
        target,
        companyResourceId: detail.companyResourceId,
      }),
    };
  });
}

/**
 * Queues one onboarding message per target group of a new company (`targetsFor`): the
 * onboarding-router function and the HTTP API's webhook (group operations go through `submitOperation`).
 *
 * The MessageGroupId comes from the group, so one group's writes are serialised while different
 * groups proceed in parallel. The MessageDeduplicationId comes from the event id, the group and the
 * company, so a redelivered event (EventBridge retries, a replay within SQS's 5-minute window) queues
 * nothing new. Throws `RangeError` for an event id outside 1..256 characters (the worker would refuse
 * its messages) and `QueueSendError` when SQS refuses a message.
 */
export async function routeCompanyCreated(
  detail: CompanyCreatedDetail,
  options: RouteOptions,
): Promise<RouteResult> {
  const { queueUrl, rules, sqs } = options;

  // The worker refuses messages whose eventId breaks this rule: refuse it here, before queueing.
  if (options.eventId.length < 1 || options.eventId.length > 256) {
    throw new RangeError('routeCompanyCreated: eventId must be 1..256 characters');
  }
  const entries = onboardingEntries(detail, options.eventId, rules);
  const sent = await sendMessages(
    sqs,
    queueUrl,
    entries.map((e) => e.entry),
  );
  const messageIds = new Map(sent.map((s) => [s.entryId, s.messageId]));
  return {
    companyResourceId: detail.companyResourceId,
    queued: entries.map(({ target, entry }) => ({
      target,
      messageGroupId: entry.MessageGroupId!,
      deduplicationId: entry.MessageDeduplicationId!,
      messageId: messageIds.get(entry.Id!)!,
    })),
  };
}
