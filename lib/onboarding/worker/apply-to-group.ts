import type { CompanyMessage } from '../../group-queue/message';
import { type ApplyResult, applyChanges, GroupMissingError, type MembershipChange } from '../../membership';
import { logger } from '../../observability/powertools';
import type { Outcome } from '../outcome';
import type { GroupMessage, Parsed, WorkerDeps } from './deps';
import { rerouteByName } from './forward-by-name';

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
export async function applyToGroup(
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
