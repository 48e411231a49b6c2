// Group routes: list, search, get, create, rename, delete. Thin over the Keepnet client, except rename,
// a group operation applied by the group's single writer (see operations.ts).
import type * as z from 'zod';
import type { CompanyGroup, CompanyGroupSearchItem, SearchOptions } from '../../keepnet/types';
import type { ApiDependencies } from '../dependencies';
import { callOptions, ok, type Reply, type RequestScope } from '../reply';
import type {
  CreateGroupBodySchema,
  GroupPathSchema,
  GroupSearchBody,
  RenameGroupBodySchema,
} from '../schemas';
import { submitGroupChange } from './operations';
import { collectPages } from './paging';

type GroupPath = z.output<typeof GroupPathSchema>;

/**
 * Keepnet names a group's creation time `addedTime` in list and get replies and `createTime` in search
 * replies. Both are passed through as sent; `createdAt` carries the same value under one name in all three.
 */
export function withCreatedAt<G extends CompanyGroup | CompanyGroupSearchItem>(
  group: G,
): G & { createdAt: string | null } {
  const time = 'createTime' in group ? group.createTime : group.addedTime;
  return { ...group, createdAt: time ?? null };
}

/** GET /groups: every group, with `createdAt`. */
export async function listGroups(deps: ApiDependencies, scope: RequestScope): Promise<Reply> {
  const client = await deps.keepnet();
  return ok({ groups: (await client.listGroups(callOptions(scope))).map(withCreatedAt) });
}

/** POST /groups/search: one page, or every page up to the bound with `all`. */
export async function searchGroups(
  deps: ApiDependencies,
  scope: RequestScope,
  body: GroupSearchBody,
): Promise<Reply> {
  const client = await deps.keepnet();
  const { all, ...search } = body;
  const options: SearchOptions = search;
  const page = all
    ? await collectPages(
        (request) => client.searchGroups(request, callOptions(scope)),
        options,
        (group) => group.resourceId,
        'POST /api/company-groups/search',
      )
    : await client.searchGroups(options, callOptions(scope));
  return ok({ ...page, results: page.results.map(withCreatedAt) });
}

/** GET /groups/{groupId}: the group as Keepnet has it, with `createdAt`; Keepnet's 404 becomes the API's 404. */
export async function getGroup(deps: ApiDependencies, scope: RequestScope, path: GroupPath): Promise<Reply> {
  const client = await deps.keepnet();
  return ok(withCreatedAt(await client.getGroup(path.groupId, callOptions(scope))));
}

/** POST /groups: creates the group in Keepnet (with its first companies, if any); 201 with its id and Location. */
export async function createGroup(
  deps: ApiDependencies,
  scope: RequestScope,
  body: z.output<typeof CreateGroupBodySchema>,
): Promise<Reply> {
  const client = await deps.keepnet();
  const created = await client.createGroup(
    { name: body.name, ...(body.companyResourceIds ? { companyResourceIds: body.companyResourceIds } : {}) },
    callOptions(scope),
  );
  return {
    status: 201,
    body: { resourceId: created.resourceId },
    headers: { Location: locationOf(scope, created.resourceId) },
  };
}

/**
 * A rename is a `rename` operation (202): the worker sends the name with the members it reads, in the
 * group's message group, so no membership write can slip between that read and the rename.
 */
export function renameGroup(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  body: z.output<typeof RenameGroupBodySchema>,
  idempotencyKey: string | undefined,
): Promise<Reply> {
  return submitGroupChange(deps, scope, path.groupId, { kind: 'rename', name: body.name }, idempotencyKey);
}

/** DELETE /groups/{groupId}: 204. */
export async function deleteGroup(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
): Promise<Reply> {
  const client = await deps.keepnet();
  await client.deleteGroup(path.groupId, callOptions(scope));
  return { status: 204 };
}

/**
 * A reference relative to the request's own URL, so that it resolves right whatever precedes our path
 * (the stage on an execute-api URL, a custom domain's base path, nothing locally): `groups/<id>`
 * against `…/groups`, `<id>` against `…/groups/`.
 */
function locationOf(scope: RequestScope, resourceId: string): string {
  const id = encodeURIComponent(resourceId);
  return new URL(scope.request.url).pathname.endsWith('/') ? id : `groups/${id}`;
}
