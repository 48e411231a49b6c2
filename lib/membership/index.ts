// Safe membership writes: read, write only what is missing, then read back and check.
//
// Why: `PUT …/participants` adds under one reading of Keepnet's contract and replaces the whole list
// under another (/work/shared/keepnet/README.md, conflict 1). A write computed from a stale read can
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
  let members = await readMemberIds(client, groupId, call);
  let reads = 1;
  let writes = 0;
  const before = new Set(members);
  const unchanged = requested.filter((id) => before.has(id));
  const changed = requested.filter((id) => !before.has(id));
  // Members we must never lose: those seen before our first write.
  const keep = [...before];

  for (let attempt = 1; ; attempt++) {
    const current = new Set(members);
    const missing = [...keep, ...requested].filter((id) => !current.has(id));
    if (missing.length === 0) break;
    if (attempt > (opts.maxAttempts ?? 3)) throw new MembershipNotVerifiedError(groupId, missing, []);
    // After a failed verification an additive write is no longer trusted: send the full union.
    const body = mode === 'additive' && attempt === 1 ? missing : unique([...members, ...keep, ...requested]);
    await client.putParticipants(groupId, body, call);
    writes++;
    members = await readMemberIds(client, groupId, call);
    reads++;
  }
  return { groupId, changed, unchanged, writes, reads, members };
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
  let members = await readMemberIds(client, groupId, call);
  let reads = 1;
  let writes = 0;
  const before = new Set(members);
  const changed = requested.filter((id) => before.has(id));
  const unchanged = requested.filter((id) => !before.has(id));
  const keep = [...before].filter((id) => !leaving.has(id));

  for (let attempt = 1; ; attempt++) {
    const current = new Set(members);
    const stillIn = requested.filter((id) => current.has(id));
    const lost = keep.filter((id) => !current.has(id));
    if (stillIn.length === 0 && lost.length === 0) break;
    if (attempt > (opts.maxAttempts ?? 3)) throw new MembershipNotVerifiedError(groupId, lost, stillIn);
    if (stillIn.length > 0) {
      await client.removeParticipants(groupId, stillIn, call);
      writes++;
    }
    if (lost.length > 0) {
      // Someone else's write dropped members we did not remove: put them back.
      await client.putParticipants(
        groupId,
        unique([...members.filter((id) => !leaving.has(id)), ...lost]),
        call,
      );
      writes++;
    }
    members = await readMemberIds(client, groupId, call);
    reads++;
  }
  return { groupId, changed, unchanged, writes, reads, members };
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
  let members = await readMemberIds(client, groupId, call);
  let reads = 1;
  let writes = 0;
  const before = new Set(members);
  const added = desired.filter((id) => !before.has(id));
  const removed = members.filter((id) => !wanted.has(id));
  const changed = [...added, ...removed];
  const unchanged = desired.filter((id) => before.has(id));

  for (let attempt = 1; ; attempt++) {
    const current = new Set(members);
    const missing = desired.filter((id) => !current.has(id));
    const extra = members.filter((id) => !wanted.has(id));
    if (missing.length === 0 && extra.length === 0) break;
    if (attempt > (opts.maxAttempts ?? 3)) throw new MembershipNotVerifiedError(groupId, missing, extra);
    if (missing.length > 0) {
      // Replace reading: the desired list is exactly right. Add reading: it adds the missing ones.
      await client.putParticipants(groupId, mode === 'additive' ? missing : desired, call);
      writes++;
    }
    if (extra.length > 0) {
      await client.removeParticipants(groupId, extra, call);
      writes++;
    }
    members = await readMemberIds(client, groupId, call);
    reads++;
  }
  return { groupId, changed, unchanged, writes, reads, members };
}
