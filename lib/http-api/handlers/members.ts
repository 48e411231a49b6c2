// Membership routes. Reads page through Keepnet; writes go through lib/membership (read, write the
// difference, read back and verify) or, for additions, through the onboarding FIFO queue so that API
// calls and CompanyCreated events for one group are serialised together.
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
import { collectPages } from './paging';

type GroupPath = z.output<typeof GroupPathSchema>;

/** SQS calls in flight at once when queueing many companies: fast, without a burst of throttling. */
const QUEUE_CONCURRENCY = 8;

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
 * Queues one onboarding message per company and answers 202. The group is read first so that an
 * unknown group is a 404 now rather than a failed message later. The event id (hence the FIFO
 * de-duplication ids) comes from the caller's Idempotency-Key when given, else from the request.
 */
export async function addMembers(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  body: z.output<typeof AddCompaniesBodySchema>,
  idempotencyKey: string | undefined,
): Promise<Reply> {
  const client = await deps.keepnet();
  await client.getGroup(path.groupId, callOptions(scope));
  const eventId = idempotencyKey ? `api-key-${idempotencyKey}` : `api-${scope.requestId}`;
  const routed = await mapConcurrently(body.companyResourceIds, QUEUE_CONCURRENCY, (companyResourceId) =>
    deps.routeCompanyCreated({ companyResourceId, groupResourceIds: [path.groupId] }, { eventId }),
  );
  const queued = routed.flatMap((result) =>
    result.queued.map((message) => ({
      companyResourceId: result.companyResourceId,
      group:
        message.target.kind === 'id' ? { id: message.target.groupId } : { name: message.target.groupName },
      messageId: message.messageId,
    })),
  );
  return { status: 202, body: { groupId: path.groupId, queued } };
}

export async function removeMembers(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  body: z.output<typeof RemoveCompaniesBodySchema>,
): Promise<Reply> {
  const client = await deps.keepnet();
  const result = await deps.membership.removeMembers(client, path.groupId, body.companyResourceIds, {
    ...callOptions(scope),
    mode: deps.participantsMode,
  });
  return ok({ groupId: path.groupId, added: [], removed: result.changed, memberIds: result.members });
}

export async function setMembers(
  deps: ApiDependencies,
  scope: RequestScope,
  path: GroupPath,
  body: z.output<typeof SetCompaniesBodySchema>,
): Promise<Reply> {
  const client = await deps.keepnet();
  const wanted = new Set(body.companyResourceIds);
  const result = await deps.membership.setMembers(client, path.groupId, body.companyResourceIds, {
    ...callOptions(scope),
    mode: deps.participantsMode,
  });
  return ok({
    groupId: path.groupId,
    added: result.changed.filter((id) => wanted.has(id)),
    removed: result.changed.filter((id) => !wanted.has(id)),
    memberIds: result.members,
  });
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
