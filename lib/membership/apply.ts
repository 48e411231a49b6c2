// One group, an ordered list of changes (add, remove, set, rename), applied with as few Keepnet calls
// as the group allows and without ever losing a member (`applyChanges`).
import { KeepnetNotFoundError, KeepnetValidationError } from '../keepnet/errors';
import type { CallOptions, KeepnetApi, ResourceId } from '../keepnet/types';
import { MembershipNotVerifiedError } from './errors';
import type { ParticipantsMode } from './mode';
import { readMembers } from './read';

/** One change to a group, as an operation or an onboarding message asks for it. */
export type MembershipChange =
  | { kind: 'add'; companyIds: readonly ResourceId[] }
  | { kind: 'remove'; companyIds: readonly ResourceId[] }
  | { kind: 'set'; companyIds: readonly ResourceId[] }
  | { kind: 'rename'; name: string };

/** A company Keepnet would not take into the group, and what it said. */
export interface RefusedCompany {
  companyResourceId: ResourceId;
  reason: string;
}

/** What one change did, relative to the membership just before it (in batch order). */
export interface ChangeOutcome {
  added: ResourceId[];
  removed: ResourceId[];
  /** Asked for and already so: no write was needed for them. */
  alreadySo: ResourceId[];
  refused: RefusedCompany[];
  renamedTo?: string;
  /** A rename Keepnet refused (e.g. the name is taken), and what it said. */
  renameRefused?: string;
}

/**
 * Durable memory of the members a batch must not lose, kept from before its first write until it is
 * verified. Implemented over S3 by lib/operations; absent, repair does not survive a redelivery.
 */
export interface RepairLog {
  load(groupId: ResourceId): Promise<ResourceId[] | undefined>;
  save(groupId: ResourceId, members: readonly ResourceId[]): Promise<void>;
  clear(groupId: ResourceId): Promise<void>;
}

/**
 * What a batch is about to write, relative to the members it read: journaled before the first write
 * (so a crash after the write cannot leave it out of the audit trail).
 */
export interface AppliedWrite {
  groupId: ResourceId;
  added: ResourceId[];
  removed: ResourceId[];
  /** Members put back from the repair log (lost to an earlier write that replaced). */
  restored: ResourceId[];
  renamedTo?: string;
}

/** How `applyChanges` writes and verifies, and the hooks that make it durable. */
export interface ApplyOptions extends CallOptions {
  /** `union` (default): PUT the whole target. `additive`: PUT only the missing ones, first round only. */
  mode?: ParticipantsMode;
  /** Write + verify rounds before giving up. Default 3. */
  maxAttempts?: number;
  repairLog?: RepairLog;
  /** `count` (default): O(1) check, full read on disagreement. `full`: always read every page back. */
  verify?: 'count' | 'full';
  /** Called before the first write with what it plans to change (the audit journal); may throw to stop. */
  beforeWrite?: (planned: AppliedWrite) => Promise<void>;
}

/** What `applyChanges` did to one group: per change, the verified membership, and its cost in calls. */
export interface ApplyResult {
  groupId: ResourceId;
  /** One per change, in order. */
  outcomes: ChangeOutcome[];
  /** The membership the group was brought to (verified). */
  members: ResourceId[];
  /** Members restored from the repair log. */
  restored: ResourceId[];
  writes: number;
  /** Keepnet read calls (member pages, counts and presence checks). */
  reads: number;
}

/** The group itself is gone (404, confirmed by reading the group). */
export class GroupMissingError extends Error {
  constructor(readonly groupId: ResourceId) {
    super(`Group ${groupId} does not exist in Keepnet`);
    this.name = 'GroupMissingError';
  }
}

/** Presence checks name each id in a filter; past this many a full read is cheaper and simpler. */
const MAX_PRESENCE_CHECK = 50;
/**
 * Up to this many members a read-back is one call (one page) of bounded size, and checks every member,
 * not just a count: it replaces the count + presence pair (two calls) for the groups most writes touch.
 */
export const FULL_READBACK_MAX_MEMBERS = 2_000;

const unique = (ids: readonly ResourceId[]) => [...new Set(ids)];
const callOptions = ({ deadline, signal }: ApplyOptions): CallOptions => ({
  ...(deadline === undefined ? {} : { deadline }),
  ...(signal === undefined ? {} : { signal }),
});

/** Folds the changes over `start`: the target membership, the final name, and each change's outcome. */
export function planChanges(
  start: readonly ResourceId[],
  changes: readonly MembershipChange[],
): { target: ResourceId[]; name: string | undefined; outcomes: ChangeOutcome[] } {
  const state = new Set(start);
  let name: string | undefined;
  const outcomes = changes.map((change): ChangeOutcome => {
    const outcome: ChangeOutcome = { added: [], removed: [], alreadySo: [], refused: [] };
    if (change.kind === 'rename') {
      name = change.name;
      outcome.renamedTo = change.name;
      return outcome;
    }
    const ids = unique(change.companyIds);
    if (change.kind === 'add') {
      for (const id of ids) (state.has(id) ? outcome.alreadySo : outcome.added).push(id);
      for (const id of ids) state.add(id);
    } else if (change.kind === 'remove') {
      for (const id of ids) (state.has(id) ? outcome.removed : outcome.alreadySo).push(id);
      for (const id of ids) state.delete(id);
    } else {
      const wanted = new Set(ids);
      for (const id of ids) (state.has(id) ? outcome.alreadySo : outcome.added).push(id);
      for (const id of state) if (!wanted.has(id)) outcome.removed.push(id);
      state.clear();
      for (const id of ids) state.add(id);
    }
    return outcome;
  });
  return { target: [...state], name, outcomes };
}

/**
 * Applies `changes` to the group in order, as one coalesced write, verified. Throws GroupMissingError
 * when the group is gone, MembershipNotVerifiedError when the group would not converge, and Keepnet's
 * own errors when a call fails (the repair log then keeps what the retry must restore).
 *
 * Why one engine for every change: `PUT …/participants` adds under one reading of Keepnet's contract
 * and replaces the whole list under another (../shared/keepnet/README.md, conflict 1), and
 * `PUT /api/company-groups/{id}` sets the membership along with the name. Any write computed from a
 * stale read can remove a member. The worker is the only writer of a group (one FIFO message group per
 * group id); within it, this function:
 *   1. reads the members once (all pages) and folds the changes over them, in order, into one target
 *      membership: a batch of ten adds is one write, and each change is told exactly what it did;
 *   2. records durably, before the first write, the members it must not lose (`RepairLog`): if a write
 *      that should have added in fact replaced, and the repair write then fails, the redelivered batch
 *      restores from that record, not from the shrunken group it reads;
 *   3. writes: the target in `union` mode (right under both readings), only the missing companies on
 *      the first `additive` round (never again once a read-back disagreed), removals with DELETE;
 *   4. verifies in O(1) calls: a group of up to FULL_READBACK_MAX_MEMBERS is read back whole (one
 *      page, one call, every member checked); a bigger one by the member count (one one-row search)
 *      and the presence of the companies it added or removed (one filtered search), falling back to a
 *      full read only when they disagree. A count cannot see an outside swap that keeps it (one company
 *      removed and another added in Keepnet's UI between our write and the check); the nightly diff
 *      and the journal show those.
 */
export async function applyChanges(
  client: KeepnetApi,
  groupId: ResourceId,
  changes: readonly MembershipChange[],
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  const call = callOptions(opts);
  const mode = opts.mode ?? 'union';
  const counter = { reads: 0, writes: 0 };
  const recorded = (await opts.repairLog?.load(groupId)) ?? [];
  const initial = await readAll(client, groupId, call, counter).catch(async (error: unknown) => {
    // The member search of a deleted group answers 404: tell "the group is gone" from other 404s.
    if (error instanceof KeepnetNotFoundError && (await groupExists(client, groupId, call)) === false)
      throw new GroupMissingError(groupId);
    throw error;
  });
  const initialPages = counter.reads;
  const present = new Set(initial);
  const restored = recorded.filter((id) => !present.has(id));
  const { target, name, outcomes } = planChanges([...initial, ...restored], changes);

  const needsWrite =
    name !== undefined || target.length !== initial.length || target.some((id) => !present.has(id));
  if (!needsWrite) {
    if (recorded.length > 0) await opts.repairLog?.clear(groupId);
    return { groupId, outcomes, members: initial, restored, ...counter };
  }

  // What the write will change, relative to the members read (restored ones apart): for the journal.
  const before = new Set(initial);
  const after = new Set(target);
  const planned: AppliedWrite = {
    groupId,
    added: target.filter((id) => !before.has(id) && !restored.includes(id)),
    removed: initial.filter((id) => !after.has(id)),
    restored,
    ...(name === undefined ? {} : { renamedTo: name }),
  };
  // Before the first write: whatever happens to it, a redelivery restores at least these, and the
  // journal already holds what it is about to change.
  await Promise.all([
    opts.repairLog?.save(groupId, unique([...initial, ...restored])),
    opts.beforeWrite?.(planned),
  ]);

  const refused = new Map<ResourceId, string>();
  let current = initial;
  let renamePending = name;
  let distrustAdditive = false;
  let renameRefusal: string | undefined;
  let forceFullRead = false;
  for (let attempt = 1; ; attempt++) {
    const goal = target.filter((id) => !refused.has(id));
    const goalSet = new Set(goal);
    const currentSet = new Set(current);
    const missing = goal.filter((id) => !currentSet.has(id));
    const extra = current.filter((id) => !goalSet.has(id));
    if (missing.length === 0 && extra.length === 0 && renamePending === undefined) break;
    if (attempt > (opts.maxAttempts ?? 3) + (name === undefined ? 0 : 1))
      throw new MembershipNotVerifiedError(groupId, missing, extra);

    if (renamePending !== undefined) {
      // The rename carries the members that stay (never a newcomer Keepnet might refuse): a PUT that
      // sets members keeps the right ones, and the participants writes of the next round do the rest.
      const staying = current.filter((id) => goalSet.has(id));
      renameRefusal = await renameOnce(client, groupId, renamePending, staying, call, counter);
      renamePending = undefined;
      // Members still to add or remove: write them first, verify once after.
      if (missing.length > 0 || extra.length > 0) continue;
    } else {
      // Removals first: they name only companies the last read showed as members (after a PUT of the
      // target under the replace reading they would already be gone, and a strict server may refuse
      // to remove a non-member).
      if (extra.length > 0) {
        counter.writes++;
        try {
          await client.removeParticipants(groupId, extra, call);
        } catch (error) {
          // "Not a member" as invalid input: the read-back decides what is still there.
          if (!(error instanceof KeepnetValidationError)) throw error;
          forceFullRead = true;
        }
      }
      if (missing.length > 0) {
        const additive = mode === 'additive' && !distrustAdditive;
        await putIsolatingRefused(
          client,
          groupId,
          additive ? missing : goal,
          missing,
          refused,
          call,
          counter,
        );
      }
    }

    const expected = target.filter((id) => !refused.has(id));
    // One page read the group, and it is small: reading it back is one call and checks everyone.
    const small =
      initialPages === 1 && Math.max(expected.length, current.length) <= FULL_READBACK_MAX_MEMBERS;
    const checked =
      !small &&
      !forceFullRead &&
      (await verifyCheaply(client, groupId, expected, missing, extra, opts, call, counter));
    if (checked) {
      current = expected;
      continue;
    }
    forceFullRead = false;
    current = await readAll(client, groupId, call, counter);
    // A read-back that disagrees after an additive write: that write is not trusted again.
    if (mode === 'additive') distrustAdditive = true;
  }

  for (const outcome of outcomes) {
    outcome.refused = outcome.added
      .filter((id) => refused.has(id))
      .map((id) => ({ companyResourceId: id, reason: refused.get(id)! }));
    outcome.added = outcome.added.filter((id) => !refused.has(id));
    if (renameRefusal !== undefined && outcome.renamedTo !== undefined) {
      outcome.renameRefused = renameRefusal;
      delete outcome.renamedTo;
    }
  }
  await opts.repairLog?.clear(groupId);
  return { groupId, outcomes, members: current, restored, ...counter };
}

async function readAll(
  client: KeepnetApi,
  groupId: ResourceId,
  call: CallOptions,
  counter: { reads: number },
): Promise<ResourceId[]> {
  const { ids, pages } = await readMembers(client, groupId, call);
  counter.reads += pages;
  return ids;
}

/**
 * The O(1) check after a write: the count is the target's, every company added is there and every
 * company removed is gone. False (never a throw for a disagreement) sends the caller to a full read.
 */
async function verifyCheaply(
  client: KeepnetApi,
  groupId: ResourceId,
  expected: readonly ResourceId[],
  added: readonly ResourceId[],
  removed: readonly ResourceId[],
  opts: ApplyOptions,
  call: CallOptions,
  counter: { reads: number },
): Promise<boolean> {
  const probe = unique([...added, ...removed]);
  if (opts.verify === 'full' || probe.length > MAX_PRESENCE_CHECK || cheapChecksRefused.has(client))
    return false;
  try {
    const count = await client.searchGroupMembers(groupId, { pageNumber: 1, pageSize: 1 }, call);
    counter.reads++;
    if (count.totalNumberOfRecords !== expected.length) return false;
    if (probe.length === 0) return true;
    const found = await client.searchGroupMembers(
      groupId,
      {
        pageNumber: 1,
        pageSize: probe.length,
        filter: {
          condition: 'AND',
          searchInputTextValue: '',
          filterGroups: [
            {
              condition: 'OR',
              filterItems: probe.map((id) => ({ fieldName: 'CompanyResourceId', operator: '=', value: id })),
            },
          ],
        },
      },
      call,
    );
    counter.reads++;
    const there = new Set(found.results.map((c) => c.companyResourceId));
    // A server that ignores the filter answers with other members: they disagree, and a full read decides.
    if (found.results.some((c) => !probe.includes(c.companyResourceId))) return false;
    return added.every((id) => there.has(id)) && removed.every((id) => !there.has(id));
  } catch (error) {
    // A stricter server may refuse a one-row page or the filter on CompanyResourceId as invalid input:
    // the full read still verifies, and this process stops asking.
    if (!(error instanceof KeepnetValidationError)) throw error;
    cheapChecksRefused.add(client);
    counter.reads++;
    return false;
  }
}

/** Clients whose server refused the count or presence search: their verification reads every page. */
const cheapChecksRefused = new WeakSet<KeepnetApi>();

/**
 * One PUT of `body`; if Keepnet refuses it as invalid (e.g. an unknown company id), finds the refused
 * companies among `newcomers` by bisection so that the others still get in. A 404 is ambiguous
 * (Keepnet documents no "unknown company" shape): the group is read once; gone → GroupMissingError,
 * there → the 404 was about a company.
 */
async function putIsolatingRefused(
  client: KeepnetApi,
  groupId: ResourceId,
  body: readonly ResourceId[],
  newcomers: readonly ResourceId[],
  refused: Map<ResourceId, string>,
  call: CallOptions,
  counter: { writes: number },
): Promise<void> {
  // Under the replace reading every PUT must carry everyone who stays, and newcomers already let in.
  const base = body.filter((id) => !newcomers.includes(id));
  const accepted: ResourceId[] = [];
  const groupState: { exists?: boolean } = {};
  const attempt = async (part: readonly ResourceId[]): Promise<void> => {
    try {
      counter.writes++;
      await client.putParticipants(groupId, [...base, ...accepted, ...part], call);
      accepted.push(...part);
    } catch (error) {
      let isRefusal = error instanceof KeepnetValidationError;
      if (error instanceof KeepnetNotFoundError) {
        groupState.exists ??= await groupExists(client, groupId, call);
        if (groupState.exists === false) throw new GroupMissingError(groupId);
        isRefusal = groupState.exists === true;
      }
      if (!isRefusal) throw error;
      if (part.length === 1) {
        refused.set(part[0]!, (error as Error).message);
        return;
      }
      const half = Math.ceil(part.length / 2);
      await attempt(part.slice(0, half));
      await attempt(part.slice(half));
    }
  };
  await attempt(newcomers);
}

/** Renames, carrying `members`; a name Keepnet refuses (taken, too long) is returned, not thrown. */
async function renameOnce(
  client: KeepnetApi,
  groupId: ResourceId,
  name: string,
  members: ResourceId[],
  call: CallOptions,
  counter: { writes: number },
): Promise<string | undefined> {
  try {
    counter.writes++;
    await client.updateGroup(groupId, { name, companyResourceIds: members }, call);
    return undefined;
  } catch (error) {
    if (error instanceof KeepnetNotFoundError) {
      if ((await groupExists(client, groupId, call)) === false) throw new GroupMissingError(groupId);
    }
    if (error instanceof KeepnetValidationError) return (error as Error).message;
    throw error;
  }
}

/** true / false when Keepnet says so; undefined when it could not tell. */
async function groupExists(client: KeepnetApi, groupId: ResourceId, call: CallOptions) {
  try {
    await client.getGroup(groupId, call);
    return true;
  } catch (error) {
    return error instanceof KeepnetNotFoundError ? false : undefined;
  }
}
