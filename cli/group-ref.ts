// Operators name groups the way they see them: by resource id or by name. One resolver for both.
import { isKeepnetError } from '../lib/keepnet/errors';
import type { CompanyGroup, KeepnetApi } from '../lib/keepnet/types';
import { NotFoundError } from './exit-codes';

const RESOURCE_ID = /^[A-Za-z0-9]{12}$/;

/**
 * An id-shaped reference is tried as an id first; anything else (or an id-shaped name that is not an
 * id) is matched by name, case-insensitively, as Keepnet enforces name uniqueness that way.
 */
export async function resolveGroup(client: KeepnetApi, ref: string): Promise<CompanyGroup> {
  if (RESOURCE_ID.test(ref)) {
    try {
      return await client.getGroup(ref);
    } catch (error) {
      if (!(isKeepnetError(error) && error.kind === 'not-found')) throw error;
    }
  }
  const wanted = ref.trim().toLowerCase();
  for await (const group of client.iterateGroups({
    filter: { condition: 'AND', searchInputTextValue: ref },
  })) {
    if (group.name.toLowerCase() === wanted) {
      // Search calls the creation time `createTime`; the group's own reply calls it `addedTime`.
      return {
        resourceId: group.resourceId,
        name: group.name,
        companyCount: group.companyCount,
        addedTime: group.createTime,
      };
    }
  }
  throw new NotFoundError(`no group with id or name "${ref}"`);
}
