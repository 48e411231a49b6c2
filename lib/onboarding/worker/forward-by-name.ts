// Messages that name their group: forwarded to the id's message group, or routed by name again when
// that id turns out to be gone.
import type { SQSRecord } from 'aws-lambda';
import { queueEntry } from '../../group-queue/entry';
import type { CompanyMessage } from '../../group-queue/message';
import { sendMessages } from '../../group-queue/send-messages';
import { KeepnetValidationError } from '../../keepnet/errors';
import { logger } from '../../observability/powertools';
import type { Outcome, PermanentFailureCode } from '../outcome';
import type { Parsed, WorkerDeps } from './deps';
import { settleAll } from './settle';

/**
 * Routes forwarded messages whose group id Keepnet reports gone by name again (their `viaName`), with
 * `staleId` telling the resolver not to trust that id. The group was deleted, perhaps re-created under
 * the same name while a worker still had the old id cached: the companies are not lost to the DLQ for
 * an id nobody can fix. Settles every message: `rerouted`, or a retryable failure if the send fails.
 */
export async function rerouteByName(
  staleId: string,
  items: Parsed<CompanyMessage>[],
  deps: WorkerDeps,
  outcomes: Map<string, Outcome>,
) {
  const entries = items.map(({ record, message }, index) => {
    const name = (message.group as { viaName: string }).viaName;
    return queueEntry(
      index,
      { ...message, group: { name, staleId } },
      { kind: 'name', groupName: name },
      { purpose: 'reroute', original: dedupKey(record), staleId },
    );
  });
  try {
    await sendMessages(deps.sqs, deps.queueUrl, entries);
    logger.warn('Group id gone; companies routed by name again', { staleId, messages: items.length });
    settleAll(items, outcomes, { ok: true, action: 'rerouted', groupId: staleId });
  } catch (error) {
    const reason = `Group ${staleId} is gone and re-routing by name failed: ${(error as Error).message}`;
    settleAll(items, outcomes, { ok: false, permanent: false, reason });
  }
}

/** What identifies the original send: its deduplication id (FIFO records have one), else its message id. */
const dedupKey = (record: SQSRecord) => record.attributes.MessageDeduplicationId ?? record.messageId;

/**
 * Resolves the one group name `items` share (creating the group when missing, exactly once: see
 * `GroupResolver`) and forwards each message to the id's message group, keeping the name as `viaName`
 * so a gone id can be routed by name again. Writing here instead would give the group a second writer
 * beside its id's message group. Settles every message: `forwarded`; `GROUP_NAME_REFUSED` when Keepnet
 * refuses to create the name; `GROUP_NOT_FOUND` when the name still leads to an id known to be gone;
 * otherwise a retryable failure.
 */
export async function forwardNamed(
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
  const fail = (reason: string, code?: PermanentFailureCode) =>
    settleAll(items, outcomes, {
      ok: false,
      permanent: code !== undefined,
      reason,
      ...(code ? { code } : {}),
    });
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
  const entries = items.map(({ record, message }, index) =>
    queueEntry(
      index,
      { ...message, group: { id: groupId, viaName: (message.group as { name: string }).name } },
      { kind: 'id', groupId },
      // Derived from the original message: re-forwarding after a partial failure queues nothing twice.
      { purpose: 'forward', original: dedupKey(record), groupId },
    ),
  );
  try {
    await sendMessages(deps.sqs, deps.queueUrl, entries);
  } catch (error) {
    return fail(`Could not forward to group ${groupId}: ${(error as Error).message}`);
  }
  settleAll(items, outcomes, { ok: true, action: 'forwarded', groupId });
}
