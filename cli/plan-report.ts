// How `plan` (and `apply`, before it writes) shows a plan to a person: one block per group that would
// change, its companies with names, the groups left alone, and one summary line. `--json` prints the
// plan object itself (the same as a `plan -o` file).
import { changesIn, type Plan } from '../lib/desired-state/plan';
import type { CliIo } from './output';

/** At most this many companies listed per group and direction; the rest are counted. */
const LISTED = 20;

function companies(io: CliIo, plan: Plan, sign: string, ids: readonly string[]): void {
  for (const id of ids.slice(0, LISTED)) {
    const name = plan.companyNames[id];
    io.stdout.write(`      ${sign} ${id}${name ? `  ${name}` : ''}\n`);
  }
  if (ids.length > LISTED) io.stdout.write(`      ${sign} … and ${ids.length - LISTED} more\n`);
}

/** "Plan: 1 group to create, 3 members to add and 1 to remove in 2 groups; 1 unchanged; 2 unmanaged." */
export function planSummaryLine(plan: Plan): string {
  const s = plan.summary;
  const changed = s.groupsToCreate + s.groupsToChange;
  if (changed === 0) {
    return `No changes: Keepnet matches ${plan.source} (${s.groupsUnchanged} group(s); ${s.unmanaged} unmanaged).`;
  }
  return (
    `Plan: ${s.groupsToCreate} group(s) to create, ${s.membersToAdd} member(s) to add and ` +
    `${s.membersToRemove} to remove in ${changed} group(s); ${s.groupsUnchanged} unchanged; ${s.unmanaged} unmanaged.`
  );
}

/** Prints the plan as text on stdout. */
export function printPlan(io: CliIo, plan: Plan): void {
  for (const group of plan.groups) {
    if (group.groupId === null) {
      io.stdout.write(`  + create group "${group.name}" with ${group.add.length} member(s)\n`);
      companies(io, plan, '+', group.add);
    } else if (changesIn(group)) {
      const after = group.before.length + group.add.length - group.remove.length;
      io.stdout.write(
        `  ~ group "${group.name}" (${group.groupId}): ${group.add.length} to add, ${group.remove.length} to remove ` +
          `(${group.before.length} → ${after} members)\n`,
      );
      companies(io, plan, '+', group.add);
      companies(io, plan, '-', group.remove);
    } else {
      io.stdout.write(
        `  = group "${group.name}" (${group.groupId}): no change (${group.before.length} members)\n`,
      );
    }
  }
  if (plan.unmanaged.length > 0) {
    io.stdout.write(`Unmanaged (not in ${plan.source}; never changed):\n`);
    for (const group of plan.unmanaged) {
      io.stdout.write(`    "${group.name}" (${group.groupId}, ${group.companyCount} members)\n`);
    }
  }
  io.stdout.write(`${planSummaryLine(plan)}\n`);
}
