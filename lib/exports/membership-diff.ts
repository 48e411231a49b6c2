// What changed in group membership between two snapshots: groups created, deleted or renamed, and the
// companies that joined or left each group (members of a created group joined it; members of a deleted
// group left it). Pure and deterministic: the output is sorted, so the same snapshots give the same bytes.
import { stringify } from 'csv-stringify/sync';
import { neutraliseRecord } from './csv-cells';

export interface SnapshotMember {
  companyResourceId: string;
  companyName: string | null;
}

/** One line of the JSON Lines snapshot: a group and all its members. */
export interface GroupSnapshot {
  resourceId: string;
  name: string;
  createTime: string | null;
  members: SnapshotMember[];
}

export type Membership = ReadonlyMap<string, GroupSnapshot>;

export interface GroupRef {
  groupResourceId: string;
  groupName: string;
}

export interface MemberChange extends GroupRef {
  companyResourceId: string;
  companyName: string | null;
}

export interface MembershipDiff {
  groupsCreated: GroupRef[];
  groupsDeleted: GroupRef[];
  groupsRenamed: Array<GroupRef & { previousName: string }>;
  joined: MemberChange[];
  left: MemberChange[];
}

export function diffMembership(previous: Membership, current: Membership): MembershipDiff {
  const diff: MembershipDiff = {
    groupsCreated: [],
    groupsDeleted: [],
    groupsRenamed: [],
    joined: [],
    left: [],
  };
  for (const group of current.values()) {
    const before = previous.get(group.resourceId);
    const ref = { groupResourceId: group.resourceId, groupName: group.name };
    if (before === undefined) diff.groupsCreated.push(ref);
    else if (before.name !== group.name) diff.groupsRenamed.push({ ...ref, previousName: before.name });
    diff.joined.push(...membersOnlyIn(group, before, ref));
  }
  for (const group of previous.values()) {
    const after = current.get(group.resourceId);
    // A member that left is reported under the group's current name when the group still exists.
    const ref = { groupResourceId: group.resourceId, groupName: after?.name ?? group.name };
    if (after === undefined) diff.groupsDeleted.push(ref);
    diff.left.push(...membersOnlyIn(group, after, ref));
  }
  const byGroup = (a: GroupRef, b: GroupRef): number =>
    compare(a.groupName, b.groupName) || compare(a.groupResourceId, b.groupResourceId);
  const byMember = (a: MemberChange, b: MemberChange): number =>
    byGroup(a, b) || compare(a.companyResourceId, b.companyResourceId);
  diff.groupsCreated.sort(byGroup);
  diff.groupsDeleted.sort(byGroup);
  diff.groupsRenamed.sort(byGroup);
  diff.joined.sort(byMember);
  diff.left.sort(byMember);
  return diff;
}

export function isEmptyDiff(diff: MembershipDiff): boolean {
  return (
    diff.groupsCreated.length +
      diff.groupsDeleted.length +
      diff.groupsRenamed.length +
      diff.joined.length +
      diff.left.length ===
    0
  );
}

export const DIFF_CSV_COLUMNS = [
  'change',
  'groupResourceId',
  'groupName',
  'companyResourceId',
  'companyName',
  'previousGroupName',
] as const;

/**
 * One row per change: `group-created|group-deleted|group-renamed|joined|left`, then the ids and names.
 * A further column (e.g. who made the change) is one more entry in DIFF_CSV_COLUMNS and in both row
 * builders below.
 */
export function diffToCsv(diff: MembershipDiff): string {
  const rows: Array<Record<(typeof DIFF_CSV_COLUMNS)[number], string>> = [];
  const group = (change: string, g: GroupRef, previousName = '') =>
    rows.push({
      change,
      groupResourceId: g.groupResourceId,
      groupName: g.groupName,
      companyResourceId: '',
      companyName: '',
      previousGroupName: previousName,
    });
  const member = (change: string, m: MemberChange) =>
    rows.push({
      change,
      groupResourceId: m.groupResourceId,
      groupName: m.groupName,
      companyResourceId: m.companyResourceId,
      companyName: m.companyName ?? '',
      previousGroupName: '',
    });
  for (const g of diff.groupsCreated) group('group-created', g);
  for (const g of diff.groupsDeleted) group('group-deleted', g);
  for (const g of diff.groupsRenamed) group('group-renamed', g, g.previousName);
  for (const m of diff.joined) member('joined', m);
  for (const m of diff.left) member('left', m);
  // Names come from webhook senders and API callers: no cell may start a spreadsheet formula.
  return stringify(rows.map(neutraliseRecord), {
    header: true,
    columns: [...DIFF_CSV_COLUMNS],
    record_delimiter: 'windows',
  });
}

function membersOnlyIn(
  group: GroupSnapshot,
  other: GroupSnapshot | undefined,
  ref: GroupRef,
): MemberChange[] {
  const otherIds = new Set(other?.members.map((m) => m.companyResourceId));
  return group.members
    .filter((m) => !otherIds.has(m.companyResourceId))
    .map((m) => ({ ...ref, companyResourceId: m.companyResourceId, companyName: m.companyName }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
