// GET /health: the function runs; with ?deep=true, Keepnet also answers a one-row search with this
// service's credential (token, role and network in one probe).
import { isKeepnetError } from '../../keepnet/errors';
import type { ApiDependencies } from '../dependencies';
import { callOptions, ok, type Reply, type RequestScope } from '../reply';

/** GET /health: `ok` at once; with `deep`, a one-row Keepnet search decides `reachable` or `degraded`. */
export async function health(deps: ApiDependencies, scope: RequestScope, deep: boolean): Promise<Reply> {
  if (!deep) return ok({ status: 'ok', keepnet: 'not-checked' });
  try {
    const client = await deps.keepnet();
    await client.searchGroups({ pageNumber: 1, pageSize: 1 }, callOptions(scope));
    return ok({ status: 'ok', keepnet: 'reachable' });
  } catch (error) {
    // The kind only (e.g. "forbidden", "network"): enough to act on, nothing secret.
    const detail = isKeepnetError(error) ? error.kind : 'error';
    return ok({ status: 'degraded', keepnet: 'unreachable', detail });
  }
}
