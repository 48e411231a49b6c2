// Every message of a batch for one group id, applied as one coalesced, verified write.
import type { CompanyMessage } from '../../group-queue/message';
import { type ApplyResult, applyChanges, GroupMissingError, type MembershipChange } from '../../membership';
import { logger } from '../../observability/powertools';
import type { Outcome } from '../outcome';
import type { GroupMessage, Parsed, WorkerDeps } from './deps';
import { rerouteByName } from './forward-by-name';
import { settleAll } from './settle';

/** One change per message, in batch (FIFO) order. */
function changeOf(message: GroupMessage): MembershipChange {
  if (message.v === 1) return { kind: 'add', companyIds: [message.companyResourceId] };
  const { change } = message;
  return change.kind === 'rename'
    ? { kind: 'rename', name: change.name }
    : { kind: change.kind, companyIds: change.companyResourceIds };
}

/**
 * Applies every message of the batch for one group id as one coalesced, verified write
 * (`applyChanges`), journaled before it is made when `deps.store` is set. Settles every message:
 * company messages get `added` / `already-member` or `COMPANY_REFUSED`; operations get `applied` with
 * what they did. When Keepnet fails or the group will not converge, all of them fail retryably (the
 * repair record keeps what the retry must restore). When the group is gone, forwarded messages are
 * routed by name again (`rerouteByName`) and the others fail with `GROUP_NOT_FOUND`.
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
    const rerouted = new Set<Parsed>(reroute);
    settleAll(
      items.filter((item) => !rerouted.has(item)),
      outcomes,
      {
        ok: false,
        permanent: true,
        reason: `Keepnet refused the change to group ${groupId}: ${error.message}`,
        groupMissing: true,
        code: 'GROUP_NOT_FOUND',
      },
    );
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
