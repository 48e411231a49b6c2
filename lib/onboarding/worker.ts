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
import { KeepnetNotFoundError, KeepnetValidationError } from '../keepnet/errors';
import type { KeepnetApi } from '../keepnet/types';
import { addMembers, type MembershipOptions } from '../membership';
import { logger } from '../observability/powertools';
import type { ParticipantsMode } from './config';
import { deadLetterFailures } from './dead-letter';
import type { GroupResolver } from './group-resolver';
import { type OnboardingMessage, parseOnboardingMessage } from './message';
import { sendMessages } from './send-messages';
import { messageGroupIdFor, normaliseGroupName, sha256 } from './targets';

/** Why a message can never succeed as it is (the DLQ message's DeadLetterErrorCode). */
export type PermanentFailureCode =
  | 'INVALID_MESSAGE'
  | 'COMPANY_REFUSED'
  | 'GROUP_NOT_FOUND'
  | 'GROUP_NAME_REFUSED';

export type Outcome =
  | { ok: true; action: 'added' | 'already-member' | 'forwarded' | 'rerouted'; groupId: string }
  | {
      ok: false;
      permanent: boolean;
      reason: string;
      groupMissing?: boolean;
      /** Set on permanent failures. */
      code?: PermanentFailureCode;
      /** Moved to the DLQ by the worker: to be reported processed, not failed. */
      deadLettered?: boolean;
    };

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
}

interface Parsed {
  record: SQSRecord;
  message: OnboardingMessage;
}

export async function onboardBatch(
  records: readonly SQSRecord[],
  deps: WorkerDeps,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const byGroupId = new Map<string, Parsed[]>();
  const byName = new Map<string, Parsed[]>();

  for (const record of records) {
    try {
      const message = parseOnboardingMessage(record.body);
      const [map, key] =
        'id' in message.group
          ? [byGroupId, message.group.id]
          : [byName, normaliseGroupName(message.group.name)];
      map.set(key, [...(map.get(key) ?? []), { record, message }]);
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
    tasks.push(isolated(items, outcomes, () => addToGroup(groupId, items, deps, outcomes)));
  for (const items of byName.values())
    tasks.push(isolated(items, outcomes, () => forwardNamed(items, deps, outcomes)));
  await runPool(tasks, deps.groupConcurrency ?? 4);

  if (deps.dlqUrl) {
    const target = {
      dlqUrl: deps.dlqUrl,
      ...(deps.maxReceiveCount ? { maxReceiveCount: deps.maxReceiveCount } : {}),
    };
    await deadLetterFailures(records, outcomes, deps.sqs, target);
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

async function addToGroup(
  groupId: string,
  items: Parsed[],
  deps: WorkerDeps,
  outcomes: Map<string, Outcome>,
) {
  const companyIds = [...new Set(items.map((i) => i.message.companyResourceId))];
  const opts: MembershipOptions = { mode: deps.mode, ...(deps.deadline ? { deadline: deps.deadline } : {}) };
  const perCompany = await addIsolatingInvalid(deps.client, groupId, companyIds, opts);
  const reroute: Parsed[] = [];
  for (const item of items) {
    const outcome = perCompany.get(item.message.companyResourceId)!;
    const viaName = 'viaName' in item.message.group ? item.message.group.viaName : undefined;
    if (!outcome.ok && outcome.groupMissing && viaName) reroute.push(item);
    else outcomes.set(item.record.messageId, outcome);
  }
  if (reroute.length > 0) await rerouteByName(groupId, reroute, deps, outcomes);
}

/**
 * The id a name led to is gone (the group was deleted, perhaps re-created under the same name while a
 * worker still had the old id cached). Route the companies by name again, telling the resolver not to
 * trust that id: they are not lost to the DLQ for an id nobody can fix.
 */
async function rerouteByName(
  staleId: string,
  items: Parsed[],
  deps: WorkerDeps,
  outcomes: Map<string, Outcome>,
) {
  const entries = items.map(({ record, message }, index) => {
    const name = (message.group as { viaName: string }).viaName;
    return {
      Id: String(index),
      MessageBody: JSON.stringify({ ...message, group: { name, staleId } } satisfies OnboardingMessage),
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

/**
 * Adds all companies with one write; if Keepnet refuses the write as invalid (e.g. an unknown company
 * id), bisects so the valid companies still get in and only the invalid ones fail.
 *
 * A 404 is ambiguous: Keepnet documents no shape for "unknown company", so a server may answer 404 for
 * a company in the body as well as for a missing group. Failing the whole batch on it would send the
 * valid companies to the DLQ with the bad one. So a 404 costs one GET of the group (once per batch):
 * group there → the 404 was about a company, bisect like a 400; group gone → every company fails
 * with `groupMissing` (re-routed by name when it came by name).
 */
async function addIsolatingInvalid(
  client: KeepnetApi,
  groupId: string,
  companyIds: string[],
  opts: MembershipOptions,
  groupState: { exists?: boolean } = {},
): Promise<Map<string, Outcome>> {
  const result = new Map<string, Outcome>();
  try {
    const done = await addMembers(client, groupId, companyIds, opts);
    for (const id of done.changed) result.set(id, { ok: true, action: 'added', groupId });
    for (const id of done.unchanged) result.set(id, { ok: true, action: 'already-member', groupId });
    return result;
  } catch (error) {
    let refused = error instanceof KeepnetValidationError;
    let groupMissing = false;
    if (error instanceof KeepnetNotFoundError) {
      groupState.exists ??= await groupExists(client, groupId, opts);
      groupMissing = groupState.exists === false;
      refused = groupState.exists === true;
    }
    if (refused && companyIds.length > 1) {
      const half = Math.ceil(companyIds.length / 2);
      for (const part of [companyIds.slice(0, half), companyIds.slice(half)]) {
        for (const [id, outcome] of await addIsolatingInvalid(client, groupId, part, opts, groupState))
          result.set(id, outcome);
      }
      return result;
    }
    const permanent = refused || groupMissing;
    const reason = `${permanent ? 'Keepnet refused' : 'Could not add'} ${companyIds.join(',')} to group ${groupId}: ${(error as Error).message}`;
    const code: PermanentFailureCode | undefined = groupMissing
      ? 'GROUP_NOT_FOUND'
      : refused
        ? 'COMPANY_REFUSED'
        : undefined;
    for (const id of companyIds)
      result.set(id, { ok: false, permanent, reason, groupMissing, ...(code ? { code } : {}) });
    return result;
  }
}

/** true / false when Keepnet says so; undefined when it could not tell (the failure is then retried). */
async function groupExists(
  client: KeepnetApi,
  groupId: string,
  opts: MembershipOptions,
): Promise<boolean | undefined> {
  try {
    await client.getGroup(groupId, {
      ...(opts.deadline === undefined ? {} : { deadline: opts.deadline }),
    });
    return true;
  } catch (error) {
    return error instanceof KeepnetNotFoundError ? false : undefined;
  }
}

async function forwardNamed(items: Parsed[], deps: WorkerDeps, outcomes: Map<string, Outcome>) {
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
    } satisfies OnboardingMessage),
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

async function runPool(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  });
  await Promise.all(lanes);
}
