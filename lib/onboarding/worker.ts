// One batch of onboarding messages → Keepnet memberships, with one outcome per message.
//
// Two kinds of message reach the worker:
//   - keyed by group id: all companies of the batch for that group are added with ONE safe write
//     (lib/membership: read, PUT only if something is missing, read back and verify);
//   - keyed by group name (groupNames, GROUP_RULES): the name is resolved (and the group created when
//     missing, exactly once) and each company is forwarded to the id's message group. So every write
//     to one Keepnet group goes through one FIFO message group, one batch at a time, even when events
//     name the same group by id and by name; the union write + verify then has no concurrent writer
//     from this system to lose members to. A forwarded message keeps the name (`viaName`): should
//     Keepnet report the id gone, its companies are routed by name again (rerouteByName).
//
// Failures are per message and say whether retrying can help. Permanent ones (unreadable body,
// unknown company or group) carry a code; with a DLQ configured (ONBOARDING_DLQ_URL) they are moved
// there on their first receive and reported processed, so the messages behind them in their group go
// on (lib/onboarding/dead-letter.ts). Without one, or if that send fails, they fail every time and
// reach the DLQ after the queue's maxReceiveCount. Transient failures are retried by SQS; on the last
// receive (ONBOARDING_MAX_RECEIVE_COUNT) the worker moves them to the DLQ itself, code
// RETRIES_EXHAUSTED, so they too arrive with their reason. The reason is logged either way.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mapConcurrently } from '../concurrency';
import {
  type CompanyMessage,
  type OnboardingMessage,
  type OperationMessage,
  parseOnboardingMessage,
} from '../group-queue/message';
import { sendMessages } from '../group-queue/send-messages';
import { messageGroupIdFor, normaliseGroupName } from '../group-queue/targets';
import { sha256 } from '../hash';
import { KeepnetValidationError } from '../keepnet/errors';
import type { KeepnetApi } from '../keepnet/types';
import {
  type ApplyResult,
  applyChanges,
  GroupMissingError,
  type MembershipChange,
  type ParticipantsMode,
} from '../membership';
import { logger } from '../observability/powertools';
import type { OperationStore } from '../operations/store';
import { deadLetterFailures } from './dead-letter';
import type { GroupResolver } from './group-resolver';
import { recordOperationOutcomes } from './operation-records';
import type { Outcome, PermanentFailureCode } from './outcome';

export type { Outcome, PermanentFailureCode } from './outcome';

export interface WorkerDeps {
  client: KeepnetApi;
  resolver: GroupResolver;
  sqs: SQSClient;
  queueUrl: string;
  mode: ParticipantsMode;
  /** When set, permanent failures are sent here at once instead of failing until maxReceiveCount. */
  dlqUrl?: string;
  /**
   * The queue's redrive maxReceiveCount. With `dlqUrl`, a transient failure on this receive is sent
   * to the DLQ by the worker (RETRIES_EXHAUSTED, with its reason) rather than by SQS without one.
   */
  maxReceiveCount?: number;
  /** Epoch ms by which Keepnet calls must finish (the Lambda's remaining time, less a margin). */
  deadline?: number;
  /** Groups handled at once within a batch. Default 4. */
  groupConcurrency?: number;
  /**
   * Operation records, the repair record and the write journal (lib/operations). Without it a repair
   * does not survive a redelivery and operations are not reported: the stack always sets it.
   */
  store?: OperationStore;
  /** Counters for the handler's metrics. */
  stats?: WorkerStats;
}

/** What the handler turns into metrics, besides the outcomes. */
export interface WorkerStats {
  /** Members found lost (a write that replaced) and put back from a repair record. */
  restoredMembers: number;
}

/** A message addressed to a group id: a company (v1, whose group is an id) or an operation (v2). */
type GroupMessage = CompanyMessage | OperationMessage;

interface Parsed<M extends OnboardingMessage = OnboardingMessage> {
  record: SQSRecord;
  message: M;
}

export async function onboardBatch(
  records: readonly SQSRecord[],
  deps: WorkerDeps,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const byGroupId = new Map<string, Parsed<GroupMessage>[]>();
  const byName = new Map<string, Parsed<CompanyMessage>[]>();
  const push = <M extends OnboardingMessage>(map: Map<string, Parsed<M>[]>, key: string, item: Parsed<M>) => {
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  };

  for (const record of records) {
    try {
      const message = parseOnboardingMessage(record.body);
      if (message.v === 2) push(byGroupId, message.groupId, { record, message });
      else if ('id' in message.group) push(byGroupId, message.group.id, { record, message });
      else push(byName, normaliseGroupName(message.group.name), { record, message });
    } catch (error) {
      outcomes.set(record.messageId, {
        ok: false,
        permanent: true,
        reason: (error as Error).message,
        code: 'INVALID_MESSAGE',
      });
    }
  }

  const tasks: (() => Promise<void>)[] = [];
  for (const [groupId, items] of byGroupId)
    tasks.push(isolated(items, outcomes, () => applyToGroup(groupId, items, deps, outcomes)));
  for (const items of byName.values())
    tasks.push(isolated(items, outcomes, () => forwardNamed(items, deps, outcomes)));
  await mapConcurrently(tasks, deps.groupConcurrency ?? 4, (task) => task());

  if (deps.dlqUrl) {
    const target = {
      dlqUrl: deps.dlqUrl,
      ...(deps.maxReceiveCount ? { maxReceiveCount: deps.maxReceiveCount } : {}),
    };
    await deadLetterFailures(records, outcomes, deps.sqs, target);
  }
  if (deps.store) {
    const operations = [...byGroupId.values()]
      .flat()
      .filter((i): i is Parsed<OperationMessage> => i.message.v === 2);
    await recordOperationOutcomes(deps.store, operations, outcomes);
  }
  logFailures(records, outcomes);
  return outcomes;
}

/** Every failure, every time: a poison message logs its reason on each receive until a DLQ takes it. */
function logFailures(records: readonly SQSRecord[], outcomes: Map<string, Outcome>) {
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

/** One change per message, in batch (FIFO) order. */
function changeOf(message: GroupMessage): MembershipChange {
  if (message.v === 1) return { kind: 'add', companyIds: [message.companyResourceId] };
  const { change } = message;
  return change.kind === 'rename'
    ? { kind: 'rename', name: change.name }
    : { kind: change.kind, companyIds: change.companyResourceIds };
}

/**
 * Every message of the batch for one group id, applied as one coalesced, verified write
 * (lib/membership/apply). Company messages get `added` / `already-member` or a permanent refusal;
 * operations get their record updated with what they did.
 */
async function applyToGroup(
  groupId: string,
  items: Parsed<GroupMessage>[],
  deps: WorkerDeps,
  outcomes: Map<string, Outcome>,
) {
  const operationIds = items.map(({ message }) =>
    message.v === 2 ? message.operationId : `event:${message.eventId}`,
  );
  let result: ApplyResult;
  try {
    result = await applyChanges(
      deps.client,
      groupId,
      items.map(({ message }) => changeOf(message)),
      {
        mode: deps.mode,
        ...(deps.deadline ? { deadline: deps.deadline } : {}),
        ...(deps.store
          ? {
              repairLog: deps.store.repairLog,
              beforeWrite: async (planned) => {
                await deps.store!.journal(planned, operationIds);
              },
            }
          : {}),
      },
    );
  } catch (error) {
    if (!(error instanceof GroupMissingError)) {
      // Keepnet failed or would not converge: every message of the group is retried (the repair record
      // keeps what the retry must restore).
      for (const { record, message } of items) {
        const what =
          message.v === 1
            ? `add ${message.companyResourceId} to`
            : `apply ${message.change.kind} ${message.operationId} to`;
        outcomes.set(record.messageId, {
          ok: false,
          permanent: false,
          reason: `Could not ${what} group ${groupId}: ${(error as Error).message}`,
        });
      }
      return;
    }
    const reroute = items.filter(
      (item): item is Parsed<CompanyMessage> =>
        item.message.v === 1 && 'viaName' in item.message.group && item.message.group.viaName !== undefined,
    );
    for (const { record } of items) {
      if (reroute.some((r) => r.record === record)) continue;
      outcomes.set(record.messageId, {
        ok: false,
        permanent: true,
        reason: `Keepnet refused the change to group ${groupId}: ${error.message}`,
        groupMissing: true,
        code: 'GROUP_NOT_FOUND',
      });
    }
    if (reroute.length > 0) await rerouteByName(groupId, reroute, deps, outcomes);
    return;
  }
  if (result.restored.length > 0) {
    logger.warn('Members lost to an earlier write restored from the repair record', {
      groupId,
      restored: result.restored.length,
    });
  }
  if (deps.stats) deps.stats.restoredMembers += result.restored.length;
  items.forEach(({ record, message }, index) => {
    const outcome = result.outcomes[index]!;
    if (message.v === 2) {
      outcomes.set(record.messageId, { ok: true, action: 'applied', groupId, operation: outcome });
      return;
    }
    const refused = outcome.refused[0];
    if (refused) {
      outcomes.set(record.messageId, {
        ok: false,
        permanent: true,
        reason: `Keepnet refused ${refused.companyResourceId} in group ${groupId}: ${refused.reason}`,
        code: 'COMPANY_REFUSED',
      });
      return;
    }
    const action = outcome.added.length > 0 ? 'added' : 'already-member';
    outcomes.set(record.messageId, { ok: true, action, groupId });
  });
}

/**
 * The id a name led to is gone (the group was deleted, perhaps re-created under the same name while a
 * worker still had the old id cached). Route the companies by name again, telling the resolver not to
 * trust that id: they are not lost to the DLQ for an id nobody can fix.
 */
async function rerouteByName(
  staleId: string,
  items: Parsed<CompanyMessage>[],
  deps: WorkerDeps,
  outcomes: Map<string, Outcome>,
) {
  const entries = items.map(({ record, message }, index) => {
    const name = (message.group as { viaName: string }).viaName;
    return {
      Id: String(index),
      MessageBody: JSON.stringify({ ...message, group: { name, staleId } } satisfies CompanyMessage),
      MessageGroupId: messageGroupIdFor({ kind: 'name', groupName: name }),
      MessageDeduplicationId: sha256(`reroute\n${dedupKey(record)}\n${staleId}`),
    };
  });
  try {
    await sendMessages(deps.sqs, deps.queueUrl, entries);
    logger.warn('Group id gone; companies routed by name again', { staleId, messages: items.length });
    for (const { record } of items) {
      outcomes.set(record.messageId, { ok: true, action: 'rerouted', groupId: staleId });
    }
  } catch (error) {
    const reason = `Group ${staleId} is gone and re-routing by name failed: ${(error as Error).message}`;
    for (const { record } of items) outcomes.set(record.messageId, { ok: false, permanent: false, reason });
  }
}

const dedupKey = (record: SQSRecord) => record.attributes.MessageDeduplicationId ?? record.messageId;

async function forwardNamed(
  items: Parsed<CompanyMessage>[],
  deps: WorkerDeps,
  outcomes: Map<string, Outcome>,
) {
  const first = items[0]!.message.group as { name: string };
  const distrust = new Set(
    items.flatMap(({ message }) =>
      'staleId' in message.group && message.group.staleId ? [message.group.staleId] : [],
    ),
  );
  const fail = (reason: string, code?: PermanentFailureCode) => {
    for (const { record } of items)
      outcomes.set(record.messageId, {
        ok: false,
        permanent: code !== undefined,
        reason,
        ...(code ? { code } : {}),
      });
  };
  let groupId: string;
  try {
    const opts = deps.deadline ? { deadline: deps.deadline } : {};
    groupId = (await deps.resolver.resolve(first.name, opts, distrust)).groupId;
  } catch (error) {
    // A name Keepnet refuses to create is a permanent problem; anything else may pass on retry.
    const reason = `Could not resolve group "${first.name}": ${(error as Error).message}`;
    return fail(reason, error instanceof KeepnetValidationError ? 'GROUP_NAME_REFUSED' : undefined);
  }
  if (distrust.has(groupId)) {
    // Listed under this name, yet not found when written to: forwarding again would only loop.
    return fail(
      `Group "${first.name}" resolves to ${groupId}, which Keepnet reports as not found`,
      'GROUP_NOT_FOUND',
    );
  }
  const entries = items.map(({ record, message }, index) => ({
    Id: String(index),
    MessageBody: JSON.stringify({
      ...message,
      group: { id: groupId, viaName: (message.group as { name: string }).name },
    } satisfies CompanyMessage),
    MessageGroupId: messageGroupIdFor({ kind: 'id', groupId }),
    // Derived from the original message: re-forwarding after a partial failure queues nothing twice.
    MessageDeduplicationId: sha256(`forward\n${dedupKey(record)}\n${groupId}`),
  }));
  try {
    await sendMessages(deps.sqs, deps.queueUrl, entries);
  } catch (error) {
    return fail(`Could not forward to group ${groupId}: ${(error as Error).message}`);
  }
  for (const { record } of items) outcomes.set(record.messageId, { ok: true, action: 'forwarded', groupId });
}

/**
 * One group's work, fenced: whatever it throws unexpectedly fails that group's messages (retryable)
 * and nothing else, so one group's bug or outage never fails or re-runs the other groups of the batch.
 */
function isolated(items: Parsed[], outcomes: Map<string, Outcome>, work: () => Promise<void>) {
  return async () => {
    try {
      await work();
    } catch (error) {
      const reason = `Unexpected failure: ${(error as Error).message}`;
      for (const { record } of items) outcomes.set(record.messageId, { ok: false, permanent: false, reason });
    }
    // A message the work forgot to settle must not pass as done.
    for (const { record } of items) {
      if (!outcomes.has(record.messageId))
        outcomes.set(record.messageId, { ok: false, permanent: false, reason: 'No outcome recorded' });
    }
  };
}
