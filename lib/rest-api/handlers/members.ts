// Membership routes. Reads page through Keepnet; every write is a group operation queued in the
// group's FIFO message group, so API calls, CompanyCreated events and every other writer of one group
// are applied one after another by the worker (see operations.ts).
import type * as z from 'zod';
import type { ApiDependencies } from '../dependencies';
import { callOptions, ok, type Reply, type RequestScope } from '../reply';
import type {
  AddCompaniesBodySchema,
  GroupPathSchema,
  MembersQuerySchema,
  RemoveCompaniesBodySchema,
  SetCompaniesBodySchema,
} from '../schemas';
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

/** Adds companies: an `add` operation, applied by the group's worker (202, see operations.ts). */
export function addMembers(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  body: z.output<typeof AddCompaniesBodySchema>,
  idempotencyKey: string | undefined,
): Promise<Reply> {
  const change = { kind: 'add', companyResourceIds: body.companyResourceIds } as const;
  return submitGroupChange(deps, scope, path.groupId, change, idempotencyKey);
}

/** Removes companies: a `remove` operation (202). */
export function removeMembers(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  body: z.output<typeof RemoveCompaniesBodySchema>,
  idempotencyKey: string | undefined,
): Promise<Reply> {
  const change = { kind: 'remove', companyResourceIds: body.companyResourceIds } as const;
  return submitGroupChange(deps, scope, path.groupId, change, idempotencyKey);
}

/** Makes the membership exactly this list: a `set` operation (202). */
export function setMembers(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  body: z.output<typeof SetCompaniesBodySchema>,
  idempotencyKey: string | undefined,
): Promise<Reply> {
  const change = { kind: 'set', companyResourceIds: body.companyResourceIds } as const;
  return submitGroupChange(deps, scope, path.groupId, change, idempotencyKey);
}
