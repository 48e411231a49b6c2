// Group writes as operations: every change to a group's members or name is queued in the group's FIFO
// message group and applied by the worker (the one writer of that group), so no HTTP request can race
// a worker's write. The route answers 202 with the operation's id and a Location to poll.
import type * as z from 'zod';
import { type GroupChange, publicView } from '../../operations/operation';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { callOptions, ok, type Reply, type RequestScope } from '../reply';
import type { OperationPathSchema } from '../schemas';

/**
 * Checks the group exists (an unknown group is a 404 now, not a failed operation later), records the
 * operation as pending and queues it.
 */
export async function submitGroupChange(
  deps: ApiDependencies,
  scope: RequestScope,
  groupId: string,
  change: GroupChange,
  idempotencyKey: string | undefined,
): Promise<Reply> {
  const operations = deps.operations();
  const client = await deps.keepnet();
  await client.getGroup(groupId, callOptions(scope));
  const { record } = await operations.submit({
    groupId,
    change,
    source: 'api',
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  const location = operationLocation(scope, record.operationId);
  return {
    status: 202,
    body: {
      operationId: record.operationId,
      status: record.status,
      groupId,
      kind: change.kind,
      location,
    },
    headers: { Location: location, 'Retry-After': '1' },
  };
}

/** `GET /operations/{operationId}`: pending, succeeded or failed, with what it changed. */
export async function getOperation(
  deps: ApiDependencies,
  _scope: RequestScope,
  path: z.output<typeof OperationPathSchema>,
): Promise<Reply> {
  const record = await deps.operations().store.get(path.operationId);
  if (!record) {
    throw new ApiError(404, 'OPERATION_NOT_FOUND', `No operation ${path.operationId} (unknown, or expired).`);
  }
  return ok(publicView(record));
}

/**
 * The operation's URL path on this API: what precedes `/groups` in the request's own path (the stage
 * on an execute-api URL, a custom domain's base path, nothing locally), then `/operations/<id>`.
 */
function operationLocation(scope: RequestScope, operationId: string): string {
  const path = new URL(scope.request.url).pathname;
  const at = path.indexOf('/groups');
  const base = at > 0 ? path.slice(0, at) : '';
  return `${base}/operations/${encodeURIComponent(operationId)}`;
}
