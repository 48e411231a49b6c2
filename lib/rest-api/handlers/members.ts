// Membership routes. Reads page through Keepnet; every write is a group operation queued in the
// group's FIFO message group, so API calls, CompanyCreated events and every other writer of one group
// are applied one after another by the worker (see operations.ts).
import type * as z from 'zod';
import type { ApiDependencies } from '../dependencies';
import { callOptions, ok, type Reply, type RequestScope } from '../reply';
import type { GroupPathSchema, MembersQuerySchema } from '../schemas';
import { submitGroupChange } from './operations';
import { collectPages } from './paging';

type GroupPath = z.output<typeof GroupPathSchema>;

/** GET /groups/{groupId}/companies: one page of members, or every page up to the bound with `all=true`. */
export async function listMembers(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  query: z.output<typeof MembersQuerySchema>,
): Promise<Reply> {
  const client = await deps.keepnet();
  const call = callOptions(scope);
  if (query.all) {
    return ok(
      await collectPages(
        (page) => client.searchGroupMembers(path.groupId, page, call),
        query.pageSize ? { pageSize: query.pageSize } : {},
        (company) => company.companyResourceId,
        `POST /api/company-groups/${path.groupId}/companies/search`,
      ),
    );
  }
  const page = await client.searchGroupMembers(
    path.groupId,
    {
      ...(query.pageNumber ? { pageNumber: query.pageNumber } : {}),
      ...(query.pageSize ? { pageSize: query.pageSize } : {}),
    },
    call,
  );
  return ok(page);
}

/**
 * The handler of one members write: the body's companies as an operation of `kind` (`add`, `remove`, or
 * `set`: make the membership exactly this list), applied by the group's worker (202, see operations.ts).
 */
function membersChange(kind: 'add' | 'remove' | 'set') {
  return (
    deps: ApiDependencies,
    scope: RequestScope,
    path: GroupPath,
    body: { companyResourceIds: string[] },
    idempotencyKey: string | undefined,
  ): Promise<Reply> =>
    submitGroupChange(
      deps,
      scope,
      path.groupId,
      { kind, companyResourceIds: body.companyResourceIds },
      idempotencyKey,
    );
}

/** POST /groups/{groupId}/companies: adds companies, an `add` operation (202). */
export const addMembers = membersChange('add');

/** DELETE /groups/{groupId}/companies: removes companies, a `remove` operation (202). */
export const removeMembers = membersChange('remove');

/** PUT /groups/{groupId}/companies: makes the membership exactly this list, a `set` operation (202). */
export const setMembers = membersChange('set');
