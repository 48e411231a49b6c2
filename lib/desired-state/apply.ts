// Applying a plan on the one-writer path: a missing group is created through the Keepnet client (a
// group that did not exist has no other writer yet), then every membership change is a group operation
// queued for the onboarding worker, the one writer of each group. Changes are sent as `add` and `remove`
// operations, never `set`: a `set` computed from the plan's read would undo a company the worker added
// since; add and remove touch only the companies the plan names.

import type { OperationRequest, SubmitResult } from '../group-queue/submit';
import type { KeepnetApi } from '../keepnet/types';
import { type GroupChange, MAX_OPERATION_COMPANIES, type OperationRecord } from '../operations/operation';
import { changesIn, type Plan, type PlannedGroup, planIdentity } from './plan';
import { groupNamed } from './snapshot';

/**
 * How a plan is applied: Keepnet for creates, the queue for changes, waiting for operations, progress lines.
 */
export interface ApplyDependencies {
  keepnet: KeepnetApi;
  submit(request: OperationRequest): Promise<SubmitResult>;
  /** The record once settled (throws when the wait runs out). */
  wait(operationId: string): Promise<OperationRecord>;
  /** One line of progress (stderr in the CLI). */
  progress(line: string): void;
}

/** What was done for one group of the plan. */
export interface AppliedGroup {
  name: string;
  groupId: string;
  created: boolean;
  operations: OperationRecord[];
}

/** Removals were asked for without --allow-removals: nothing was written. */
export class RemovalsRefusedError extends Error {
  override readonly name = 'RemovalsRefusedError';
}

/** What the plan would remove, one line per group, for the refusal's message. */
export function describeRemovals(plan: Plan): string[] {
  return plan.groups
    .filter((g) => g.remove.length > 0)
    .map((g) => {
      const names = g.remove.map((id) => (plan.companyNames[id] ? `${id} (${plan.companyNames[id]})` : id));
      return `group "${g.name}": ${g.remove.length} to remove: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
    });
}

/** Creates the group, or finds it when the create failed because it exists (or may have happened). */
async function createGroup(keepnet: KeepnetApi, name: string): Promise<string> {
  try {
    return (await keepnet.createGroup({ name })).resourceId;
  } catch (error) {
    // A create that timed out may have happened, and the worker may have created the group meanwhile
    // (an event naming it): either way the group to use is the one that now has the name.
    const existing = groupNamed(await keepnet.listGroups(), name);
    if (existing) return existing.resourceId;
    throw error;
  }
}

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_OPERATION_COMPANIES)
    out.push(ids.slice(i, i + MAX_OPERATION_COMPANIES));
  return out;
}

/**
 * Applies `groups` (a plan's, possibly narrowed by a staleness check): creates, then queues every
 * operation, then waits for each. Operations carry an Idempotency-Key derived from the plan, so applying
 * the same plan again after a crash finds its operations instead of queueing new ones.
 */
export async function applyPlan(
  plan: Plan,
  groups: readonly PlannedGroup[],
  deps: ApplyDependencies,
  options: { allowRemovals: boolean },
): Promise<AppliedGroup[]> {
  if (!options.allowRemovals && groups.some((g) => g.remove.length > 0)) {
    throw new RemovalsRefusedError(
      `the plan removes companies; nothing was written. Add --allow-removals to apply it:\n  ${describeRemovals(plan).join('\n  ')}`,
    );
  }
  const key = planIdentity(plan).slice(0, 48);
  const queued: { group: AppliedGroup; records: OperationRecord[] }[] = [];
  for (const planned of groups.filter(changesIn)) {
    let groupId = planned.groupId;
    const created = groupId === null;
    if (groupId === null) {
      groupId = await createGroup(deps.keepnet, planned.name);
      deps.progress(`created group "${planned.name}" (${groupId})`);
    }
    const changes: GroupChange[] = [
      ...chunks(planned.add).map((ids): GroupChange => ({ kind: 'add', companyResourceIds: ids })),
      ...chunks(planned.remove).map((ids): GroupChange => ({ kind: 'remove', companyResourceIds: ids })),
    ];
    const records: OperationRecord[] = [];
    for (const [index, change] of changes.entries()) {
      const { record } = await deps.submit({
        groupId,
        change,
        source: 'cli',
        idempotencyKey: `${key}_${index}`,
      });
      records.push(record);
      deps.progress(
        `queued ${change.kind} of ${change.kind === 'rename' ? 0 : change.companyResourceIds.length} on "${planned.name}" (${record.operationId})`,
      );
    }
    queued.push({ group: { name: planned.name, groupId, created, operations: [] }, records });
  }
  // Operations of different groups run in parallel in the worker; waiting in order costs nothing.
  for (const { group, records } of queued) {
    for (const record of records) group.operations.push(await deps.wait(record.operationId));
  }
  return queued.map(({ group }) => group);
}
