// Safe membership writes (see apply.ts for why and how): the engine, and three one-change shorthands.
import type { KeepnetApi, ResourceId } from '../keepnet/types';
import { type ApplyOptions, applyChanges, type MembershipChange } from './apply';

export * from './apply';
export { MembershipNotVerifiedError } from './errors';
export type { ParticipantsMode } from './mode';
export { readMemberIds } from './read';

/** The options of the one-change shorthands (the same as the engine's). */
export type MembershipOptions = ApplyOptions;

/** What a one-change shorthand did. */
export interface MembershipResult {
  groupId: ResourceId;
  /** Companies this call put in (or took out of) the group. */
  changed: ResourceId[];
  /** Requested companies already in the desired state: they cost no write. */
  unchanged: ResourceId[];
  /** Companies Keepnet refused to take in, with its reason. */
  refused: { companyResourceId: ResourceId; reason: string }[];
  /** Write calls made (PUT/DELETE participants, PUT group). */
  writes: number;
  /** Read calls made (member pages, counts, presence checks). */
  reads: number;
  /** Members after the change (verified). */
  members: ResourceId[];
}

async function one(
  client: KeepnetApi,
  groupId: ResourceId,
  change: MembershipChange,
  opts: MembershipOptions,
): Promise<MembershipResult> {
  const result = await applyChanges(client, groupId, [change], opts);
  const outcome = result.outcomes[0]!;
  return {
    groupId,
    changed: [...outcome.added, ...outcome.removed],
    unchanged: outcome.alreadySo,
    refused: outcome.refused,
    writes: result.writes,
    reads: result.reads,
    members: result.members,
  };
}

/** Puts `companyIds` in the group, keeping every current member. */
export function addMembers(
  client: KeepnetApi,
  groupId: ResourceId,
  companyIds: readonly ResourceId[],
  opts: MembershipOptions = {},
): Promise<MembershipResult> {
  return one(client, groupId, { kind: 'add', companyIds }, opts);
}

/** Takes `companyIds` out of the group, keeping every other member. */
export function removeMembers(
  client: KeepnetApi,
  groupId: ResourceId,
  companyIds: readonly ResourceId[],
  opts: MembershipOptions = {},
): Promise<MembershipResult> {
  return one(client, groupId, { kind: 'remove', companyIds }, opts);
}

/** Makes the group's members exactly `companyIds`. */
export function setMembers(
  client: KeepnetApi,
  groupId: ResourceId,
  companyIds: readonly ResourceId[],
  opts: MembershipOptions = {},
): Promise<MembershipResult> {
  return one(client, groupId, { kind: 'set', companyIds }, opts);
}
