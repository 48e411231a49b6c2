// How a group is named on the queue: by id, or by name until the worker resolves it.
import { sha256 } from '../hash';

/**
 * A group as an event names it: by id (groupResourceIds) or by name (groupNames, GROUP_RULES). The
 * router cannot turn a name into an id without calling Keepnet, so a name-only target is keyed by its
 * normalised name, and the same group can reach the queue under two keys. The worker makes that safe:
 * it resolves the name and forwards the company to the id's message group, so every membership write
 * for one Keepnet group is serialised in one FIFO message group (lib/onboarding/worker/).
 */
export type GroupTarget = { kind: 'id'; groupId: string } | { kind: 'name'; groupName: string };

/** Case- and blank-insensitive form of a group name: what Keepnet treats as "the same name". */
export function normaliseGroupName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Stable key of a target: `id:<groupId>` or `name:<normalised name>`. */
export function targetKey(target: GroupTarget): string {
  return target.kind === 'id' ? `id:${target.groupId}` : `name:${normaliseGroupName(target.groupName)}`;
}

/**
 * SQS MessageGroupId (≤ 128 chars of a restricted alphabet): the id as is, or a hash of the
 * normalised name (names may hold any character).
 */
export function messageGroupIdFor(target: GroupTarget): string {
  if (target.kind === 'id') return `group-${target.groupId}`;
  return `name-${sha256(normaliseGroupName(target.groupName)).slice(0, 40)}`;
}
