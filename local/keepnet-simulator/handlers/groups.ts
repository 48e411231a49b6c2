// The company-group endpoints, exports aside: list, get, create, update, delete, bulk delete,
// participants, the groups search and the members search.
import type { HandlerRequest } from '../context';
import { listReply } from '../quirks';
import { inputError, notFound, type Reply, success } from '../reply';
import { paginate } from '../search';
import type { SimulatorStore } from '../store';
import { BulkDeleteBodySchema, GroupBodySchema, ParticipantsBodySchema, parseBody } from './bodies';
import { groupDto, groupSearchDto, memberDto } from './dtos';
import { GROUP_SEARCH, groupRows, MEMBER_SEARCH, runSearch } from './searches';
import { syntheticGroupCount, syntheticMemberCount } from './synthetic-export';

function groupNotFound(id: string): Reply {
  return notFound(`Company group '${id}' was not found.`);
}

function unknownCompanies(store: SimulatorStore, ids: string[]): string[] {
  return ids.filter((id) => !store.company(id));
}

function unknownCompaniesError(ids: string[]): Reply {
  return inputError([`companyResourceIdArray: unknown company resource id(s): ${ids.join(', ')}`]);
}

function nameTaken(store: SimulatorStore, name: string, exceptId?: string): boolean {
  const existing = store.groupByName(name);
  return existing !== undefined && existing.resourceId !== exceptId;
}

/**
 * `GET /api/company-groups`: every group as CompanyGroupDto, not paged. Like the vendor's, a group read
 * carries `companyCount` but never the members.
 */
export function listGroups({ core }: HandlerRequest): Reply {
  return listReply(
    core,
    core.store.groups().map((g) => groupDto(core.store, g)),
  );
}

/** `GET /api/company-groups/{resourceId}`: one CompanyGroupDto, or 404 FAILED. */
export function getGroup({ core, params }: HandlerRequest): Reply {
  const group = core.store.group(params.resourceId ?? '');
  return group ? success(groupDto(core.store, group)) : groupNotFound(params.resourceId ?? '');
}

/**
 * `POST /api/company-groups`: a new group with the given members; a taken name (case-insensitive) or an
 * unknown company id gives INPUT_ERROR. Replies `data: { resourceId }`.
 */
export function createGroup({ core, body }: HandlerRequest): Reply {
  const parsed = parseBody(GroupBodySchema, body);
  if (!parsed.ok) return inputError(parsed.messages);
  const { name, companyResourceIdArray } = parsed.value;
  if (nameTaken(core.store, name))
    return inputError([`name: a company group named '${name}' already exists`]);
  const unknown = unknownCompanies(core.store, companyResourceIdArray ?? []);
  if (unknown.length > 0) return unknownCompaniesError(unknown);
  const group = core.store.addGroup(name, companyResourceIdArray ?? []);
  return success({ resourceId: group.resourceId });
}

/**
 * `PUT /api/company-groups/{resourceId}`: renames the group and sets its members. Without
 * `companyResourceIdArray` the members are cleared or kept as `updateWithoutMembers` says (conflict 2 of the
 * contract).
 */
export function updateGroup({ core, params, body }: HandlerRequest): Reply {
  const id = params.resourceId ?? '';
  if (!core.store.group(id)) return groupNotFound(id);
  const parsed = parseBody(GroupBodySchema, body);
  if (!parsed.ok) return inputError(parsed.messages);
  const { name, companyResourceIdArray } = parsed.value;
  if (nameTaken(core.store, name, id))
    return inputError([`name: a company group named '${name}' already exists`]);
  const unknown = unknownCompanies(core.store, companyResourceIdArray ?? []);
  if (unknown.length > 0) return unknownCompaniesError(unknown);
  // One change for the kept state file, not one per step.
  core.store.batch(() => {
    core.store.renameGroup(id, name);
    if (companyResourceIdArray) core.store.setGroupMembers(id, companyResourceIdArray);
    else if (core.behaviour.updateWithoutMembers === 'clear') core.store.setGroupMembers(id, []);
  });
  return success({ resourceId: id });
}

/** `DELETE /api/company-groups/{resourceId}`: 404 FAILED when there is no such group. */
export function deleteGroup({ core, params }: HandlerRequest): Reply {
  const id = params.resourceId ?? '';
  return core.store.deleteGroup(id) ? success({ resourceId: id }) : groupNotFound(id);
}

/**
 * `DELETE /api/company-groups/bulk-delete`: deletes `items`, or with `selectAll` every group whose name
 * contains the filter text except `excludedItems`. Unknown ids are skipped; an empty selection gives
 * INPUT_ERROR.
 */
export function bulkDeleteGroups({ core, body }: HandlerRequest): Reply {
  const parsed = parseBody(BulkDeleteBodySchema, body);
  if (!parsed.ok) return inputError(parsed.messages);
  const { items, selectAll, excludedItems, filter } = parsed.value;
  const excluded = new Set(excludedItems ?? []);
  const text = filter?.searchInputTextValue?.trim().toLowerCase() ?? '';
  const targets = selectAll
    ? core.store
        .groups()
        .filter((g) => !excluded.has(g.resourceId) && g.name.toLowerCase().includes(text))
        .map((g) => g.resourceId)
    : (items ?? []);
  if (targets.length === 0) return inputError(['items: at least one company group resource id is required']);
  // One change for the kept state file, not one per group.
  core.store.batch(() => {
    for (const id of targets) core.store.deleteGroup(id);
  });
  return success({ resourceId: null });
}

/**
 * `PUT …/participants`: replaces the member list or adds to it, as `participantsMode` says (conflict 1 of the
 * contract). Unknown company ids: INPUT_ERROR, nothing changes.
 */
export function putParticipants({ core, params, body }: HandlerRequest): Reply {
  const id = params.resourceId ?? '';
  if (!core.store.group(id)) return groupNotFound(id);
  const parsed = parseBody(ParticipantsBodySchema, body);
  if (!parsed.ok) return inputError(parsed.messages);
  const ids = parsed.value.companyResourceIdArray;
  const unknown = unknownCompanies(core.store, ids);
  if (unknown.length > 0) return unknownCompaniesError(unknown);
  // The contract's open question (README conflict 1): replace the list, or add to it.
  if (core.behaviour.participantsMode === 'replace') core.store.setGroupMembers(id, ids);
  else core.store.addGroupMembers(id, ids);
  return success({ resourceId: id });
}

/**
 * `DELETE …/participants` (with a body): removes the given companies; ids that are not members are ignored.
 */
export function removeParticipants({ core, params, body }: HandlerRequest): Reply {
  const id = params.resourceId ?? '';
  if (!core.store.group(id)) return groupNotFound(id);
  const parsed = parseBody(ParticipantsBodySchema, body);
  if (!parsed.ok) return inputError(parsed.messages);
  const unknown = unknownCompanies(core.store, parsed.value.companyResourceIdArray);
  if (unknown.length > 0) return unknownCompaniesError(unknown);
  core.store.removeGroupMembers(id, parsed.value.companyResourceIdArray);
  return success({ resourceId: id });
}

/**
 * `POST /api/company-groups/search` and `…/search-with-parent` (the same search here): a page of
 * SearchCompanyGroupDto. While exports are synthetic the total is the export's row count, so search and
 * export agree.
 */
export function searchGroups({ core, body }: HandlerRequest): Reply {
  const result = runSearch(groupRows(core.store), body, GROUP_SEARCH);
  if (!result.ok) return result.reply;
  const page = paginate(result.rows, result.search.pageNumber, result.search.pageSize);
  page.totalNumberOfRecords = syntheticGroupCount(core, page.totalNumberOfRecords);
  return listReply(core, { ...page, results: page.results.map(groupSearchDto) });
}

/**
 * `POST /api/company-groups/{resourceId}/companies/search`: a page of the group's members
 * (SearchGroupCompanyDto), the only way to read membership over HTTP.
 */
export function searchGroupMembers({ core, params, body }: HandlerRequest): Reply {
  const id = params.resourceId ?? '';
  if (!core.store.group(id)) return groupNotFound(id);
  const result = runSearch(core.store.groupMembers(id), body, MEMBER_SEARCH);
  if (!result.ok) return result.reply;
  const page = paginate(result.rows, result.search.pageNumber, result.search.pageSize);
  page.totalNumberOfRecords = syntheticMemberCount(core, page.totalNumberOfRecords);
  const { quirks } = core.behaviour;
  return listReply(core, { ...page, results: page.results.map((c) => memberDto(c, quirks)) });
}
