// Reading the Keepnet simulator's groups in tests of groups as code: members by group name, company
// ids, and the count of write calls ("never a write" is this count staying 0).
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';

/** Write routes of the company-group API. */
export const WRITE_ROUTES = [
  'POST /api/company-groups',
  'PUT /api/company-groups/{resourceId}',
  'DELETE /api/company-groups/{resourceId}',
  'PUT /api/company-groups/{resourceId}/participants',
  'DELETE /api/company-groups/{resourceId}/participants',
  'DELETE /api/company-groups/bulk-delete',
];

/** Helpers over one simulator, obtained lazily (the system starts in beforeAll). */
export function simulatorGroups(sim: () => KeepnetSimulator) {
  const groupId = (name: string) => sim().state.groupByName(name)?.resourceId;
  return {
    groupId,
    memberIds: (name: string) => [...sim().state.groupMemberIds(groupId(name)!)].sort(),
    companyIds: () =>
      sim()
        .state.companies()
        .map((c) => c.resourceId),
    writes: () => WRITE_ROUTES.reduce((n, route) => n + sim().count(route), 0),
  };
}
