// Group routes: list, search, get, create, rename, delete. Thin over the Keepnet client, except rename,
// a group operation applied by the group's single writer (see operations.ts).
import type * as z from 'zod';
import type { SearchOptions } from '../../keepnet/types';
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

export async function listGroups(deps: ApiDependencies, scope: RequestScope): Promise<Reply> {
  const client = await deps.keepnet();
  return ok({ groups: await client.listGroups(callOptions(scope)) });
}

export async function searchGroups(
  deps: ApiDependencies,
  scope: RequestScope,
  body: GroupSearchBody,
): Promise<Reply> {
  const client = await deps.keepnet();
  const { all, ...search } = body;
  const options: SearchOptions = search;
  if (all) {
    return ok(
      await collectPages(
        (page) => client.searchGroups(page, callOptions(scope)),
        options,
        (group) => group.resourceId,
        'POST /api/company-groups/search',
      ),
    );
  }
  return ok(await client.searchGroups(options, callOptions(scope)));
}

export async function getGroup(deps: ApiDependencies, scope: RequestScope, path: GroupPath): Promise<Reply> {
  const client = await deps.keepnet();
  return ok(await client.getGroup(path.groupId, callOptions(scope)));
}

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
