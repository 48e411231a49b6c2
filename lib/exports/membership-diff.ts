// What changed in group membership between two snapshots: groups created, deleted or renamed, and the
// companies that joined or left each group (members of a created group joined it; members of a deleted
// group left it). Pure and deterministic: the output is sorted, so the same snapshots give the same bytes.
import { stringify } from 'csv-stringify/sync';
import { neutraliseRecord } from './csv-cells';

/** A member as the snapshot records it. */
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

/** A snapshot by group id. */
export type Membership = ReadonlyMap<string, GroupSnapshot>;

/** A group as a change names it. */
export interface GroupRef {
  groupResourceId: string;
  groupName: string;
}

/**
 * Who made a change, from the write journal (lib/operations): `system` when a journaled write of this
 * system made it (with the operations or CompanyCreated events it carried out), `outside` otherwise
 * (Keepnet's UI, another integration). Absent when no journal was read.
 */
export interface MadeBy {
  by: 'system' | 'outside';
  operationIds: string[];
}

/** A company that joined or left a group. */
export interface MemberChange extends GroupRef {
  companyResourceId: string;
  companyName: string | null;
  madeBy?: MadeBy;
}

/** What changed between two snapshots, each list sorted. */
export interface MembershipDiff {
  groupsCreated: GroupRef[];
  groupsDeleted: GroupRef[];
  groupsRenamed: Array<GroupRef & { previousName: string; madeBy?: MadeBy }>;
  joined: MemberChange[];
  left: MemberChange[];
}

/** One journaled write, as lib/operations/store.ts keeps it (the fields attribution reads). */
export interface JournaledWrite {
  groupId: string;
  added: readonly string[];
  removed: readonly string[];
  restored: readonly string[];
  renamedTo?: string | undefined;
  operationIds: readonly string[];
}

/**
 * Marks each joined, left and renamed change as made by this system (a journaled write added, restored,
 * removed or renamed exactly that) or from outside. The journal is written before each write, so a
 * write that failed can still be in it: a change it names is then attributed to the system although
 * the retry that made it is journaled too; a change it names that did not happen is no change at all.
 */
export function attributeChanges(diff: MembershipDiff, journal: readonly JournaledWrite[]): MembershipDiff {
  const joins = new Map<string, Set<string>>();
  const leaves = new Map<string, Set<string>>();
  const renames = new Map<string, Set<string>>();
  const note = (map: Map<string, Set<string>>, key: string, ids: readonly string[]) => {
    const set = map.get(key) ?? new Set<string>();
    for (const id of ids) set.add(id);
    map.set(key, set);
  };
  for (const write of journal) {
    for (const company of [...write.added, ...write.restored])
      note(joins, `${write.groupId}\n${company}`, write.operationIds);
    for (const company of write.removed) note(leaves, `${write.groupId}\n${company}`, write.operationIds);
    if (write.renamedTo !== undefined)
      note(renames, `${write.groupId}\n${write.renamedTo}`, write.operationIds);
  }
  const madeBy = (ids: Set<string> | undefined): MadeBy =>
    ids ? { by: 'system', operationIds: [...ids].sort() } : { by: 'outside', operationIds: [] };
  const member =
    (map: Map<string, Set<string>>) =>
    (change: MemberChange): MemberChange => ({
      ...change,
      madeBy: madeBy(map.get(`${change.groupResourceId}\n${change.companyResourceId}`)),
    });
  return {
    ...diff,
    groupsRenamed: diff.groupsRenamed.map((g) => ({
      ...g,
      madeBy: madeBy(renames.get(`${g.groupResourceId}\n${g.groupName}`)),
    })),
    joined: diff.joined.map(member(joins)),
    left: diff.left.map(member(leaves)),
  };
}

/** Members that left a group by someone else's hand: the OutsideRemovals metric (alarmed). */
export function outsideRemovals(diff: MembershipDiff): number {
  return diff.left.filter((change) => change.madeBy?.by === 'outside').length;
}

/**
 * What changed from `previous` to `current`: groups created, deleted and renamed, members joined and left.
 */
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

/** True when no group was created, deleted or renamed and no company joined or left a group. */
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

/** The diff CSV's header row, in order. */
export const DIFF_CSV_COLUMNS = [
  'change',
  'groupResourceId',
  'groupName',
  'companyResourceId',
  'companyName',
  'previousGroupName',
  'madeBy',
  'operationIds',
] as const;

/**
 * One row per change: `group-created|group-deleted|group-renamed|joined|left`, then the ids and names,
 * and who made it (`system` with its operation ids, `outside`, or empty when no journal was read).
 */
export function diffToCsv(diff: MembershipDiff): string {
  const rows: Array<Record<(typeof DIFF_CSV_COLUMNS)[number], string>> = [];
  const by = (madeBy: MadeBy | undefined) => ({
    madeBy: madeBy?.by ?? '',
    operationIds: madeBy?.operationIds.join(' ') ?? '',
  });
  const group = (change: string, g: GroupRef & { madeBy?: MadeBy }, previousName = '') =>
    rows.push({
      change,
      groupResourceId: g.groupResourceId,
      groupName: g.groupName,
      companyResourceId: '',
      companyName: '',
      previousGroupName: previousName,
      ...by(g.madeBy),
    });
  const member = (change: string, m: MemberChange) =>
    rows.push({
      change,
      groupResourceId: m.groupResourceId,
      groupName: m.groupName,
      companyResourceId: m.companyResourceId,
      companyName: m.companyName ?? '',
      previousGroupName: '',
      ...by(m.madeBy),
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
