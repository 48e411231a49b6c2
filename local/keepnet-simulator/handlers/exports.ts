// Export endpoints: the search body plus exportType/reportAllPages; the reply body is the file.
// With `syntheticExport` set, rows are generated on the fly instead (sized exports for the bench).
import type { HandlerRequest, SimulatorCore } from '../context';
import { type ExportColumn, repeatedCsvRowCount, writeExport, writeRepeatedCsv } from '../export-writers';
import { exportFileReply } from '../quirks';
import { inputError, notFound, type Reply } from '../reply';
import { filterAndSort, SearchError, type SearchSpec } from '../search';
import type { SimCompany, SyntheticExport } from '../types';
import { ExportBodySchema, parseBody } from './bodies';
import { GROUP_SEARCH, type GroupRow, groupRows, MEMBER_SEARCH } from './groups';

const GROUP_COLUMNS: ExportColumn<GroupRow>[] = [
  { header: 'Name', value: (r) => r.group.name },
  { header: 'Company Count', value: (r) => r.companyCount },
  { header: 'Create Time', value: (r) => r.group.createTime },
  { header: 'Resource Id', value: (r) => r.group.resourceId },
];

const MEMBER_COLUMNS: ExportColumn<SimCompany>[] = [
  { header: 'Company Name', value: (c) => c.name },
  { header: 'Industry', value: (c) => c.industryName },
  { header: 'License Type', value: (c) => c.licenseTypeName },
  { header: 'License End Date', value: (c) => c.licenseEndDate },
  { header: 'Number Of Users', value: (c) => c.numberOfUsers },
  { header: 'Create Time', value: (c) => c.createTime },
  { header: 'Company Resource Id', value: (c) => c.resourceId },
];

function* syntheticMembers(plan: SyntheticExport): Generator<SimCompany> {
  const limit = plan.bytes !== undefined ? Number.POSITIVE_INFINITY : (plan.rows ?? 1000);
  // Precomputed times: generating a large export must cost little more than writing it.
  const base = Date.UTC(2026, 0, 1);
  const createTimes = Array.from({ length: 1440 }, (_, m) => new Date(base + m * 60_000).toISOString());
  const licenseEndDate = new Date(base + 365 * 86_400_000).toISOString();
  for (let i = 0; i < limit; i++) {
    const n = String(i + 1).padStart(8, '0');
    yield {
      resourceId: `Syn${n}X`,
      name: `Synthetic Company ${n}, "Export" Ltd`,
      industryName: 'Technology',
      industryResourceId: 'IndTechnolgy',
      licenseTypeName: 'Enterprise',
      licenseTypeResourceId: 'LicEnterpris',
      licenseEndDate,
      numberOfUsers: 100 + (i % 900),
      isNumberOfUsersLimited: true,
      createTime: createTimes[i % createTimes.length]!,
      resellerName: 'Northwind MSP',
      countryName: 'Germany',
      tags: [],
      companyStatusId: 1,
      companyStatusName: 'Active',
      targetUserCount: 100,
    };
  }
}

function* syntheticGroups(plan: SyntheticExport): Generator<GroupRow> {
  for (const company of syntheticMembers(plan)) {
    yield {
      group: { resourceId: company.resourceId, name: company.name, createTime: company.createTime },
      companyCount: 3,
    };
  }
}

function syntheticBlock<Row>(rows: Iterable<Row>): Row[] {
  const block: Row[] = [];
  for (const row of rows) {
    block.push(row);
    if (block.length === 1000) break;
  }
  return block;
}

/** CSV repeats one rendered block (fast); xlsx goes row by row through exceljs (slow but real). */
function syntheticFile<Row>(
  format: 'CSV' | 'Excel',
  columns: ExportColumn<Row>[],
  synthetic: { plan: SyntheticExport; rows: () => Iterable<Row> },
) {
  const { plan } = synthetic;
  if (format === 'CSV') return writeRepeatedCsv(columns, syntheticBlock(synthetic.rows()), plan);
  return writeExport(
    format,
    columns,
    synthetic.rows(),
    plan.bytes === undefined ? {} : { stopAfterBytes: plan.bytes },
  );
}

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
  const parsed = parseBody(ExportBodySchema, body);
  if (!parsed.ok) return inputError(parsed.messages);
  const search = parsed.value;
  let selected: Iterable<Row>;
  try {
    const matching = filterAndSort(rows, search, spec);
    const start = (search.pageNumber - 1) * search.pageSize;
    selected = search.reportAllPages ? matching : matching.slice(start, start + search.pageSize);
  } catch (error) {
    if (error instanceof SearchError) return inputError([error.message]);
    throw error;
  }
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

const syntheticCounts = new Map<string, number>();

/**
 * What a search counts while exports are synthetic: the rows a synthetic CSV export holds (exact for
 * `rows`; for `bytes`, the CSV's, which an xlsx of that size does not match). Searches and exports
 * then agree, as Keepnet's do.
 */
function syntheticRecordCount<Row>(
  plan: SyntheticExport,
  columns: ExportColumn<Row>[],
  rows: () => Iterable<Row>,
  kind: string,
): number {
  if (plan.bytes === undefined) return plan.rows ?? 1000;
  const key = `${kind}:${plan.bytes}`;
  let count = syntheticCounts.get(key);
  if (count === undefined) {
    count = repeatedCsvRowCount(columns, syntheticBlock(rows()), plan);
    syntheticCounts.set(key, count);
  }
  return count;
}

/** Group-search total under a synthetic export plan; null when exports are not synthetic. */
export function syntheticGroupCount(core: SimulatorCore): number | null {
  const plan = core.behaviour.syntheticExport;
  return plan ? syntheticRecordCount(plan, GROUP_COLUMNS, () => syntheticGroups(plan), 'groups') : null;
}

/** Members-search total under a synthetic export plan; null when exports are not synthetic. */
export function syntheticMemberCount(core: SimulatorCore): number | null {
  const plan = core.behaviour.syntheticExport;
  return plan ? syntheticRecordCount(plan, MEMBER_COLUMNS, () => syntheticMembers(plan), 'members') : null;
}

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
