// Safe membership writes: read, write only what is missing, then read back and check.
//
// Why: `PUT …/participants` adds under one reading of Keepnet's contract and replaces the whole list
// under another (../shared/keepnet/README.md, conflict 1). A write computed from a stale read can
// therefore remove a member. Every function here:
//   - reads the current members first and skips the write when nothing would change;
//   - in `union` mode sends current ∪ new (correct under both readings);
//   - reads back and checks BOTH that the requested companies are in AND that every member seen before
//     the write is still there; if not (a concurrent writer, or an "additive" API that in fact
//     replaces) it writes the union again, up to `maxAttempts`, then throws MembershipNotVerifiedError.
// Verification cannot see a concurrent writer that overwrites us after our read-back; the onboarding
// queue prevents that by serialising all writes to one group (one FIFO message group per group id).
import { KeepnetValidationError } from '../keepnet/errors';
import type { CallOptions, KeepnetApi, ResourceId } from '../keepnet/types';
import type { ParticipantsMode } from '../onboarding/config';

export type { ParticipantsMode };

export interface MembershipOptions extends CallOptions {
  /** `union` (default): PUT current ∪ new. `additive`: PUT only the new companies. */
  mode?: ParticipantsMode;
  /** Write + verify rounds before giving up. Default 3. */
  maxAttempts?: number;
}

export interface MembershipResult {
  groupId: ResourceId;
  /** Companies this call put in (or took out of) the group. */
  changed: ResourceId[];
  /** Requested companies already in the desired state: they cost no write. */
  unchanged: ResourceId[];
  /** Write calls made (PUT/DELETE participants). */
  writes: number;
  /** Member reads made (each may span several pages). */
  reads: number;
  /** Members after the last read-back (or the first read when nothing was written). */
  members: ResourceId[];
}

export class MembershipNotVerifiedError extends Error {
  constructor(
    readonly groupId: ResourceId,
    readonly missing: ResourceId[],
    readonly unexpected: ResourceId[],
  ) {
    super(
      `Membership of group ${groupId} not verified after writing: ` +
        `${missing.length} expected member(s) missing, ${unexpected.length} unexpected member(s) present`,
    );
    this.name = 'MembershipNotVerifiedError';
  }
}

/** Big pages keep a group's read to one call; no maximum is documented (the vendor's UI asks 10 000). */
const MEMBER_PAGE_SIZE = 1000;
/** The page size a server refusing big pages is asked for instead (the client's default). */
const FALLBACK_PAGE_SIZE = 100;

/** Every member's company id, all pages. */
export async function readMemberIds(
  client: KeepnetApi,
  groupId: ResourceId,
  opts: CallOptions = {},
): Promise<ResourceId[]> {
  try {
    return await readAllPages(client, groupId, MEMBER_PAGE_SIZE, opts);
  } catch (error) {
    // A stricter server may refuse a page size it does not allow as invalid input. Every membership
    // write starts with this read, so that refusal would fail all onboarding: ask for smaller pages.
    if (!(error instanceof KeepnetValidationError)) throw error;
    return readAllPages(client, groupId, FALLBACK_PAGE_SIZE, opts);
  }
}

async function readAllPages(
  client: KeepnetApi,
  groupId: ResourceId,
  pageSize: number,
  opts: CallOptions,
): Promise<ResourceId[]> {
  const ids: ResourceId[] = [];
  for await (const member of client.iterateGroupMembers(groupId, { pageSize }, opts)) {
    ids.push(member.companyResourceId);
  }
  return ids;
}

const unique = (ids: readonly ResourceId[]) => [...new Set(ids)];
const callOptions = ({ deadline, signal }: MembershipOptions): CallOptions => ({
  ...(deadline === undefined ? {} : { deadline }),
  ...(signal === undefined ? {} : { signal }),
});

/** What a read-back still shows wrong, and the writes that would put it right. */
interface Correction {
  /** Companies that should be members and are not. */
  missing: ResourceId[];
  /** Companies that are members and should not be. */
  unexpected: ResourceId[];
  /** Run in order, each one write call. */
  writes: Array<() => Promise<void>>;
}

/**
 * The write-and-verify loop every membership change shares: starting from the members just read, asks
 * `correct` what is still wrong, stops when nothing is, otherwise makes its writes and reads back, up
 * to `maxAttempts` rounds, then throws MembershipNotVerifiedError naming what is still wrong.
 */
async function converge(
  client: KeepnetApi,
  groupId: ResourceId,
  opts: MembershipOptions,
  firstRead: ResourceId[],
  correct: (members: ResourceId[], attempt: number) => Correction,
): Promise<Pick<MembershipResult, 'writes' | 'reads' | 'members'>> {
  const call = callOptions(opts);
  let members = firstRead;
  let reads = 1;
  let writes = 0;
  for (let attempt = 1; ; attempt++) {
    const { missing, unexpected, writes: pending } = correct(members, attempt);
    if (missing.length === 0 && unexpected.length === 0) break;
    if (attempt > (opts.maxAttempts ?? 3)) throw new MembershipNotVerifiedError(groupId, missing, unexpected);
    for (const write of pending) {
      await write();
      writes++;
    }
    members = await readMemberIds(client, groupId, call);
    reads++;
  }
  return { writes, reads, members };
}

/** Puts `companyIds` in the group, keeping every current member. */
export async function addMembers(
  client: KeepnetApi,
  groupId: ResourceId,
  companyIds: readonly ResourceId[],
  opts: MembershipOptions = {},
): Promise<MembershipResult> {
  const mode = opts.mode ?? 'union';
  const call = callOptions(opts);
  const requested = unique(companyIds);
  const members = await readMemberIds(client, groupId, call);
  const before = new Set(members);
  const unchanged = requested.filter((id) => before.has(id));
  const changed = requested.filter((id) => !before.has(id));
  // Members we must never lose: those seen before our first write.
  const keep = [...before];

  const outcome = await converge(client, groupId, opts, members, (current, attempt) => {
    const present = new Set(current);
    const missing = [...keep, ...requested].filter((id) => !present.has(id));
    // After a failed verification an additive write is no longer trusted: send the full union.
    const body = mode === 'additive' && attempt === 1 ? missing : unique([...current, ...keep, ...requested]);
    return { missing, unexpected: [], writes: [() => client.putParticipants(groupId, body, call)] };
  });
  return { groupId, changed, unchanged, ...outcome };
}

/** Takes `companyIds` out of the group, keeping every other member. */
export async function removeMembers(
  client: KeepnetApi,
  groupId: ResourceId,
  companyIds: readonly ResourceId[],
  opts: MembershipOptions = {},
): Promise<MembershipResult> {
  const call = callOptions(opts);
  const requested = unique(companyIds);
  const leaving = new Set(requested);
  const members = await readMemberIds(client, groupId, call);
  const before = new Set(members);
  const changed = requested.filter((id) => before.has(id));
  const unchanged = requested.filter((id) => !before.has(id));
  const keep = [...before].filter((id) => !leaving.has(id));

  const outcome = await converge(client, groupId, opts, members, (current) => {
    const present = new Set(current);
    const stillIn = requested.filter((id) => present.has(id));
    const lost = keep.filter((id) => !present.has(id));
    const writes: Correction['writes'] = [];
    if (stillIn.length > 0) writes.push(() => client.removeParticipants(groupId, stillIn, call));
    if (lost.length > 0) {
      // Someone else's write dropped members we did not remove: put them back.
      const restored = unique([...current.filter((id) => !leaving.has(id)), ...lost]);
      writes.push(() => client.putParticipants(groupId, restored, call));
    }
    return { missing: lost, unexpected: stillIn, writes };
  });
  return { groupId, changed, unchanged, ...outcome };
}

/** Makes the group's members exactly `companyIds`. */
export async function setMembers(
  client: KeepnetApi,
  groupId: ResourceId,
  companyIds: readonly ResourceId[],
  opts: MembershipOptions = {},
): Promise<MembershipResult> {
  const mode = opts.mode ?? 'union';
  const call = callOptions(opts);
  const desired = unique(companyIds);
  const wanted = new Set(desired);
  const members = await readMemberIds(client, groupId, call);
  const before = new Set(members);
  const added = desired.filter((id) => !before.has(id));
  const removed = members.filter((id) => !wanted.has(id));
  const changed = [...added, ...removed];
  const unchanged = desired.filter((id) => before.has(id));

  const outcome = await converge(client, groupId, opts, members, (current) => {
    const present = new Set(current);
    const missing = desired.filter((id) => !present.has(id));
    const extra = current.filter((id) => !wanted.has(id));
    const writes: Correction['writes'] = [];
    // Replace reading: the desired list is exactly right. Add reading: it adds the missing ones.
    if (missing.length > 0)
      writes.push(() => client.putParticipants(groupId, mode === 'additive' ? missing : desired, call));
    if (extra.length > 0) writes.push(() => client.removeParticipants(groupId, extra, call));
    return { missing, unexpected: extra, writes };
  });
  return { groupId, changed, unchanged, ...outcome };
}
