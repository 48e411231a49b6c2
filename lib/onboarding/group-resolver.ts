// Group name → group id, creating the group when it does not exist.

import { normaliseGroupName } from '../group-queue/targets';
import {
  KeepnetNetworkError,
  KeepnetServerError,
  KeepnetTimeoutError,
  KeepnetValidationError,
} from '../keepnet/errors';
import type { CallOptions, CompanyGroup, KeepnetApi } from '../keepnet/types';
import { logger } from '../observability/powertools';

/** A name resolved to a group; `created` when this call created it. */
export interface ResolvedGroup {
  groupId: string;
  name: string;
  created: boolean;
}

/** Deterministic pick among groups sharing a name: oldest addedTime, then smallest id. */
export function pickCanonicalGroup(groups: readonly CompanyGroup[]): CompanyGroup | undefined {
  return [...groups].sort((a, b) => {
    const ta = a.addedTime ? Date.parse(a.addedTime) : Number.POSITIVE_INFINITY;
    const tb = b.addedTime ? Date.parse(b.addedTime) : Number.POSITIVE_INFINITY;
    if (ta !== tb) return ta - tb;
    return a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0;
  })[0];
}

/**
 * Group name → group id, creating the group when it does not exist, exactly once.
 *
 * That rests on two things: the router puts every message naming the same group (case- and
 * blank-insensitively) in one FIFO message group, so one resolver at a time handles a name; and a
 * create is never repeated blindly: after an ambiguous failure (timeout, reset, 5xx, or a validation
 * error such as "name taken" from a concurrent creator elsewhere) it lists again and uses the group if
 * it is there. Should two groups share a name anyway, the oldest wins (`pickCanonicalGroup`), so every
 * resolver picks the same one. Names seen to exist are cached for `ttlMs` (default 60 s).
 */
export class GroupResolver {
  /** normalised name → id; only names seen to exist are cached, a miss always lists again. */
  readonly #ids = new Map<string, { groupId: string; name: string; at: number }>();
  /** Resolutions under way, so concurrent callers in one process share one lookup (and one create). */
  readonly #inflight = new Map<string, Promise<ResolvedGroup>>();

  constructor(
    private readonly client: KeepnetApi,
    private readonly ttlMs = 60_000,
  ) {}

  /** `distrust`: ids known not to exist any more; a cached mapping to one of them is looked up again. */
  resolve(name: string, opts: CallOptions = {}, distrust?: ReadonlySet<string>): Promise<ResolvedGroup> {
    const key = normaliseGroupName(name);
    const cached = this.#ids.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs && !distrust?.has(cached.groupId)) {
      return Promise.resolve({ ...cached, created: false });
    }
    const running = this.#inflight.get(key);
    if (running) return running;
    const resolution = this.#resolve(key, name, opts).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, resolution);
    return resolution;
  }

  async #resolve(key: string, name: string, opts: CallOptions): Promise<ResolvedGroup> {
    const existing = await this.#find(key, opts);
    if (existing) return { groupId: existing.resourceId, name: existing.name, created: false };

    try {
      const { resourceId } = await this.client.createGroup({ name: name.trim() }, opts);
      logger.info('Created missing company group', { groupName: name.trim(), groupId: resourceId });
      this.#remember(key, resourceId, name.trim());
      return { groupId: resourceId, name: name.trim(), created: true };
    } catch (error) {
      const ambiguous =
        error instanceof KeepnetNetworkError ||
        error instanceof KeepnetTimeoutError ||
        error instanceof KeepnetServerError ||
        error instanceof KeepnetValidationError;
      if (!ambiguous) throw error;
      // The create may have happened, or another creator won the race: look before trying again.
      const after = await this.#find(key, opts);
      if (after) {
        logger.warn('Group create failed but the group exists; using it', {
          groupName: name.trim(),
          groupId: after.resourceId,
          error: (error as Error).message,
        });
        return { groupId: after.resourceId, name: after.name, created: false };
      }
      throw error;
    }
  }

  async #find(key: string, opts: CallOptions): Promise<CompanyGroup | undefined> {
    const groups = await this.client.listGroups(opts);
    const now = Date.now();
    const byName = new Map<string, CompanyGroup[]>();
    for (const group of groups) {
      const k = normaliseGroupName(group.name);
      byName.set(k, [...(byName.get(k) ?? []), group]);
    }
    // One list call refreshes every name, so later batches naming other groups cost nothing.
    for (const [k, same] of byName) {
      const pick = pickCanonicalGroup(same)!;
      this.#ids.set(k, { groupId: pick.resourceId, name: pick.name, at: now });
      if (same.length > 1 && k === key) {
        logger.warn('Several groups share one name; using the oldest', {
          groupName: pick.name,
          groupIds: same.map((g) => g.resourceId),
          chosen: pick.resourceId,
        });
      }
    }
    const match = byName.get(key);
    return match ? pickCanonicalGroup(match) : undefined;
  }

  #remember(key: string, groupId: string, name: string) {
    this.#ids.set(key, { groupId, name, at: Date.now() });
  }
}
