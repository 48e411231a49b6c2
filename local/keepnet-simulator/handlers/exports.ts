// The two export endpoints: a search whose reply body is the file (or what the `exportReply` quirk
// answers instead).

import type { SyntheticExport } from '../behaviour';
import type { HandlerRequest, SimulatorCore } from '../context';
import { type ExportColumn, writeExport } from '../export-writers';
import { exportFileReply } from '../quirks';
import { notFound, type Reply } from '../reply';
import { paginate, type SearchSpec } from '../search';
import { ExportBodySchema } from './bodies';
import { GROUP_COLUMNS, MEMBER_COLUMNS } from './export-columns';
import { GROUP_SEARCH, groupRows, MEMBER_SEARCH, runSearchWith } from './searches';
import { syntheticFile, syntheticGroups, syntheticMembers } from './synthetic-export';

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '');
}

function exportReply<Row>(
  core: SimulatorCore,
  body: unknown,
  rows: Row[],
  spec: SearchSpec<Row>,
  columns: ExportColumn<Row>[],
  baseName: string,
  synthetic: { plan: SyntheticExport; rows: () => Iterable<Row> } | null,
): Reply {
  const result = runSearchWith(ExportBodySchema, rows, body, spec);
  if (!result.ok) return result.reply;
  const { search } = result;
  const selected = search.reportAllPages
    ? result.rows
    : paginate(result.rows, search.pageNumber, search.pageSize).results;
  const file = synthetic
    ? syntheticFile(search.exportType, columns, synthetic)
    : writeExport(search.exportType, columns, selected);
  const fileName = `${baseName}-${timestamp()}.${file.extension}`;
  return exportFileReply(core, {
    kind: 'file',
    status: 200,
    contentType: file.contentType,
    fileName,
    body: file.body,
    ...(synthetic?.plan.bytes !== undefined ? { expectedBytes: synthetic.plan.bytes } : {}),
  });
}

/**
 * `POST /api/company-groups/search/export`: the matching groups (one page, or all with `reportAllPages`) as a
 * CSV or xlsx file; generated rows instead while `syntheticExport` is set.
 */
export function exportGroups({ core, body }: HandlerRequest): Reply {
  const plan = core.behaviour.syntheticExport;
  return exportReply(
    core,
    body,
    groupRows(core.store),
    GROUP_SEARCH,
    GROUP_COLUMNS,
    'company-groups',
    plan ? { plan, rows: () => syntheticGroups(plan) } : null,
  );
}

/**
 * `POST /api/company-groups/{resourceId}/companies/search/export`: a group's matching members as a file; 404
 * FAILED for an unknown group.
 */
export function exportGroupMembers({ core, params, body }: HandlerRequest): Reply {
  const id = params.resourceId ?? '';
  if (!core.store.group(id)) return notFound(`Company group '${id}' was not found.`);
  const plan = core.behaviour.syntheticExport;
  return exportReply(
    core,
    body,
    core.store.groupMembers(id),
    MEMBER_SEARCH,
    MEMBER_COLUMNS,
    `company-group-${id}-companies`,
    plan ? { plan, rows: () => syntheticMembers(plan) } : null,
  );
}
