// Synthetic exports (`syntheticExport`): generated rows instead of the stored ones, sized for the bench,
// and the totals searches report while they are on.

import type { SyntheticExport } from '../behaviour';
import { INDUSTRIES, LICENSE_TYPES, RESELLER_NAME } from '../catalog';
import type { SimulatorCore } from '../context';
import { type ExportColumn, repeatedCsvRowCount, writeExport, writeRepeatedCsv } from '../export-writers';
import type { SimCompany } from '../types';
import { GROUP_COLUMNS, MEMBER_COLUMNS } from './export-columns';
import type { GroupRow } from './searches';

// Every synthetic company: the catalog's Technology industry and Enterprise licence.
const TECHNOLOGY = INDUSTRIES.find((industry) => industry.name === 'Technology')!;
const ENTERPRISE = LICENSE_TYPES.find((licence) => licence.name === 'Enterprise')!;

/**
 * Generated members for a synthetic export: `rows` of them, or without end under a `bytes` plan (the writer
 * stops). Every name needs CSV quoting, so the reader's quoting is exercised at size.
 */
export function* syntheticMembers(plan: SyntheticExport): Generator<SimCompany> {
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
      industryName: TECHNOLOGY.name,
      industryResourceId: TECHNOLOGY.resourceId,
      licenseTypeName: ENTERPRISE.name,
      licenseTypeResourceId: ENTERPRISE.resourceId,
      licenseEndDate,
      numberOfUsers: 100 + (i % 900),
      isNumberOfUsersLimited: true,
      createTime: createTimes[i % createTimes.length]!,
      resellerName: RESELLER_NAME,
      countryName: 'Germany',
      tags: [],
      companyStatusId: 1,
      companyStatusName: 'Active',
      targetUserCount: 100,
    };
  }
}

/** Generated groups for a synthetic export, one per generated member. */
export function* syntheticGroups(plan: SyntheticExport): Generator<GroupRow> {
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
export function syntheticFile<Row>(
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

/** The group search's total: the synthetic export's row count while exports are synthetic, else `counted`. */
export function syntheticGroupCount(core: SimulatorCore, counted: number): number {
  const plan = core.behaviour.syntheticExport;
  return plan ? syntheticRecordCount(plan, GROUP_COLUMNS, () => syntheticGroups(plan), 'groups') : counted;
}

/** The members search's total: the synthetic export's row count while exports are synthetic, else `counted`. */
export function syntheticMemberCount(core: SimulatorCore, counted: number): number {
  const plan = core.behaviour.syntheticExport;
  return plan ? syntheticRecordCount(plan, MEMBER_COLUMNS, () => syntheticMembers(plan), 'members') : counted;
}
