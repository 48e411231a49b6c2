// A saved plan is applied exactly or not at all: before any write, the groups it manages are read again
// and compared with what the plan saw. Differences the plan itself makes (the same plan applied before,
// or interrupted) are progress, not moves; any other difference refuses the plan, naming what moved.

import { changesIn, type Plan, type PlannedGroup, stateFingerprint } from './plan';
import type { KeepnetSnapshot } from './snapshot';
import { groupNamed } from './snapshot';

/** The plan's groups now: still to do, already done, or moved since (with why). */
export interface PlanCheck {
  toApply: PlannedGroup[];
  alreadyApplied: PlannedGroup[];
  moved: string[];
}

function difference(from: readonly string[], to: readonly string[]): string {
  const was = new Set(from);
  const is = new Set(to);
  const added = to.filter((id) => !was.has(id));
  const removed = from.filter((id) => !is.has(id));
  const list = (ids: string[]) => ids.slice(0, 5).join(', ') + (ids.length > 5 ? ', …' : '');
  return [
    added.length > 0 ? `${added.length} member(s) added (${list(added)})` : '',
    removed.length > 0 ? `${removed.length} member(s) removed (${list(removed)})` : '',
  ]
    .filter(Boolean)
    .join(' and ');
}

/** True when the plan's fingerprint is not that of its own recorded state (the file was edited). */
export function planWasEdited(plan: Plan): boolean {
  return stateFingerprint(plan.groups) !== plan.fingerprint;
}

/**
 * Every difference from what the plan saw is one the plan itself makes (an earlier run of this plan,
 * perhaps interrupted): `done` when nothing is left to do. Any other difference is a move.
 */
function progressOf(
  group: PlannedGroup,
  members: readonly string[],
): 'untouched' | 'partly' | 'done' | 'moved' {
  const was = new Set(group.before);
  const is = new Set(members);
  const adding = new Set(group.add);
  const removing = new Set(group.remove);
  const added = members.filter((id) => !was.has(id));
  const removed = group.before.filter((id) => !is.has(id));
  if (added.length === 0 && removed.length === 0) return changesIn(group) ? 'untouched' : 'done';
  if (!added.every((id) => adding.has(id)) || !removed.every((id) => removing.has(id))) return 'moved';
  const left = group.add.some((id) => !is.has(id)) || group.remove.some((id) => is.has(id));
  return left ? 'partly' : 'done';
}

/**
 * Compares the plan with Keepnet now (the same reads a plan makes). A group this plan already changed,
 * in full or in part, is not a move: it is skipped when done, applied again (the same operations, found
 * by their Idempotency-Keys) when not.
 */
export function checkPlan(plan: Plan, now: Pick<KeepnetSnapshot, 'groups' | 'members'>): PlanCheck {
  const check: PlanCheck = { toApply: [], alreadyApplied: [], moved: [] };
  for (const group of plan.groups) {
    const existing = groupNamed(now.groups, group.name);
    if (group.groupId === null) {
      if (!existing) {
        check.toApply.push(group);
        continue;
      }
      // Created since: by an earlier run of this plan when it holds nothing the plan does not add.
      const members = now.members.get(existing.resourceId) ?? [];
      const created = { ...group, groupId: existing.resourceId };
      const progress = progressOf({ ...group, before: [] }, members);
      if (progress === 'moved') {
        check.moved.push(
          `group "${group.name}" was created since the plan (${existing.resourceId}) with other members`,
        );
      } else if (progress === 'done') check.alreadyApplied.push(created);
      else check.toApply.push(created);
      continue;
    }
    if (!existing || existing.resourceId !== group.groupId) {
      check.moved.push(`group "${group.name}" (${group.groupId}) was deleted or renamed since the plan`);
      continue;
    }
    const members = now.members.get(group.groupId) ?? [];
    const progress = progressOf(group, members);
    if (progress === 'moved') {
      check.moved.push(
        `group "${group.name}" (${group.groupId}): ${difference(group.before, members)} since the plan`,
      );
    } else if (progress === 'done') check.alreadyApplied.push(group);
    else check.toApply.push(group);
  }
  return check;
}
