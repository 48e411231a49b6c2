// A saved plan is applied exactly or not at all: before any write, the groups it manages are read again
// and compared with what the plan saw. A group already as the plan would leave it (the same plan applied
// before, or interrupted) is skipped; any other difference refuses the plan, naming what moved.

import { type Plan, type PlannedGroup, stateFingerprint } from './plan';
import type { KeepnetSnapshot } from './snapshot';
import { groupNamed } from './snapshot';

/** The plan's groups now: still to do, already done, or moved since (with why). */
export interface PlanCheck {
  toApply: PlannedGroup[];
  alreadyApplied: PlannedGroup[];
  moved: string[];
}

function same(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

function after(group: PlannedGroup): string[] {
  const removed = new Set(group.remove);
  return [...new Set([...group.before.filter((id) => !removed.has(id)), ...group.add])];
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

/** Compares the plan with Keepnet now (the same reads a plan makes). */
export function checkPlan(plan: Plan, now: Pick<KeepnetSnapshot, 'groups' | 'members'>): PlanCheck {
  const check: PlanCheck = { toApply: [], alreadyApplied: [], moved: [] };
  for (const group of plan.groups) {
    const existing = groupNamed(now.groups, group.name);
    if (group.groupId === null) {
      if (!existing) check.toApply.push(group);
      else if (same(now.members.get(existing.resourceId) ?? [], group.add)) check.alreadyApplied.push(group);
      else check.moved.push(`group "${group.name}" was created since the plan (${existing.resourceId})`);
      continue;
    }
    if (!existing || existing.resourceId !== group.groupId) {
      check.moved.push(`group "${group.name}" (${group.groupId}) was deleted or renamed since the plan`);
      continue;
    }
    const members = now.members.get(group.groupId) ?? [];
    if (same(members, group.before)) check.toApply.push(group);
    else if (same(members, after(group))) check.alreadyApplied.push(group);
    else
      check.moved.push(
        `group "${group.name}" (${group.groupId}): ${difference(group.before, members)} since the plan`,
      );
  }
  return check;
}
