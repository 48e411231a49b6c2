// The shapes we rely on in Keepnet's replies (after key normalisation), checked so that a changed or
// broken reply fails loudly at the boundary (naming the field) instead of as `undefined` deep inside a
// feature. Lenient where the spec is: nullable strings, missing counts, extra fields kept.
import * as z from 'zod';
import { KeepnetServerError } from './errors';
import type { CompanyGroup, CompanyGroupSearchItem, CompanySummary, Page, ResourceId } from './types';

// Some serialisers (and proxies in front of .NET services) write numbers as strings: "3" reads as 3.
const wholeNumber = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int().nonnegative(),
);
const optionalCount = wholeNumber.nullish();
const count = optionalCount.transform((value) => value ?? 0);
const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

/** A group as list/get return it (`CompanyGroupDto`). */
export const CompanyGroupReply = z.looseObject({
  resourceId: z.string().min(1),
  name: text,
  addedTime: z.string().nullish(),
  companyCount: count,
});

/** A row of a group search (`SearchCompanyGroupDto`). */
export const CompanyGroupSearchItemReply = z.looseObject({
  resourceId: z.string().min(1),
  name: text,
  companyCount: count,
  createTime: text,
});

/** One company row; `children` (SearchCompanyDto) nests companies under a parent, to any depth. */
interface CompanyRowInput {
  companyResourceId: string;
  companyName: string | null;
  createTime: string | null;
  children: CompanyRowInput[];
  [field: string]: unknown;
}

/** A company row of a company or member search, children included (flattened by `readCompanyPage`). */
export const CompanySummaryReply: z.ZodType<CompanyRowInput> = z.looseObject({
  companyResourceId: z.string().min(1),
  companyName: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  // Nullable in the spec (SearchCompanyDto, SearchGroupCompanyDto): null, never '', when absent.
  createTime: z
    .string()
    .nullish()
    .transform((value) => (value === undefined || value === null || value.trim() === '' ? null : value)),
  get children() {
    return z
      .array(CompanySummaryReply)
      .nullish()
      .transform((value) => value ?? []);
  },
}) as unknown as z.ZodType<CompanyRowInput>;

/**
 * A page's companies with their nested `children` read too, not skipped: each child (marked with its
 * parent's id) comes before its parent, so a reader walking newest-first down to a watermark meets a
 * new child of an older parent before the parent's row tells it to stop.
 */
function flattenCompanies(rows: CompanyRowInput[], parent?: string): CompanySummary[] {
  return rows.flatMap(({ children, ...row }) => {
    const company: CompanySummary = parent === undefined ? row : { ...row, parentCompanyResourceId: parent };
    return [...flattenCompanies(children, row.companyResourceId), company];
  });
}

/** `IdResult` per the spec; a bare id string (`data: "xC5kfGz7w2Nz"`) is read too. */
export const IdReply = z.preprocess(
  (value) => (typeof value === 'string' ? { resourceId: value } : value),
  z.looseObject({ resourceId: z.string().min(1) }),
);

/** What was asked for: stands in for page fields a reply leaves out. */
export interface PageRequest {
  pageNumber: number;
  pageSize: number;
}

/**
 * A page, with the counters completed: a reply without `pageNumber`/`pageSize` is taken to answer what
 * was asked, and a missing `totalNumberOfPages` is derived from `totalNumberOfRecords` and the page size
 * (so iterators stop at the last page instead of asking past it). 0 pages means "unknown".
 */
export function pageReply<T extends z.ZodType>(item: T, requested: PageRequest) {
  return z
    .object({
      pageNumber: wholeNumber.nullish(),
      pageSize: wholeNumber.nullish(),
      totalNumberOfPages: optionalCount,
      totalNumberOfRecords: optionalCount,
      results: z
        .array(item)
        .nullish()
        .transform((value) => value ?? []),
    })
    .transform((page) => {
      const pageSize = page.pageSize || requested.pageSize;
      const records = page.totalNumberOfRecords ?? 0;
      const derivedPages =
        page.totalNumberOfRecords === null || page.totalNumberOfRecords === undefined
          ? 0
          : Math.ceil(records / pageSize);
      return {
        pageNumber: page.pageNumber ?? requested.pageNumber,
        pageSize,
        totalNumberOfPages: page.totalNumberOfPages || derivedPages,
        totalNumberOfRecords: records,
        results: page.results as z.output<T>[],
      };
    });
}

const GroupListReply = z
  .array(CompanyGroupReply)
  .nullish()
  .transform((value) => value ?? []);

/**
 * A list reply must carry `data`: `data: null` is an empty list, but a reply without it (or with no
 * body) is an error, never read as "nothing there".
 */
function requireData(data: unknown, where: string): unknown {
  if (data === undefined) throw new KeepnetServerError(`${where}: the reply has no "data" (expected a list)`);
  return data;
}

const nullPage = (data: unknown) => (data === null ? {} : data);

/** Parses `data`, or throws a KeepnetServerError naming the endpoint and the offending field. */
function parseReply<S extends z.ZodType>(schema: S, data: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = ['data', ...(issue?.path ?? []).map(String)].join('.');
  throw new KeepnetServerError(
    `${where}: unexpected reply shape at ${field}: ${issue?.message ?? 'invalid'}`,
  );
}

/** The groups of a list reply; `data: null` is none, a missing `data` throws `KeepnetServerError`. */
export const readGroupList = (data: unknown, where: string): CompanyGroup[] =>
  parseReply(GroupListReply, requireData(data, where), where);
/** The group of a get reply; throws `KeepnetServerError` naming the field that does not fit. */
export const readGroup = (data: unknown, where: string): CompanyGroup =>
  parseReply(CompanyGroupReply, data, where);
/** A page of a group search; page fields the reply leaves out are taken from `requested`. */
export const readGroupPage = (
  data: unknown,
  where: string,
  requested: PageRequest,
): Page<CompanyGroupSearchItem> =>
  parseReply(pageReply(CompanyGroupSearchItemReply, requested), nullPage(requireData(data, where)), where);
/** A page of a company or member search, child companies flattened into the results. */
export function readCompanyPage(data: unknown, where: string, requested: PageRequest): Page<CompanySummary> {
  const page = parseReply(
    pageReply(CompanySummaryReply, requested),
    nullPage(requireData(data, where)),
    where,
  );
  return { ...page, results: flattenCompanies(page.results) };
}
/** The id a create or update returns; throws `KeepnetServerError` when the reply has none. */
export const readId = (data: unknown, where: string): { resourceId: ResourceId } => ({
  resourceId: parseReply(IdReply, data, where).resourceId,
});

/** An id when the reply carries one; undefined for `data: null`, no body, or `{ resourceId: null }`. */
export function readOptionalId(data: unknown, where: string): { resourceId: ResourceId } | undefined {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'object' && !Array.isArray(data)) {
    const { resourceId } = data as { resourceId?: unknown };
    if (resourceId === undefined || resourceId === null || resourceId === '') return undefined;
  }
  return readId(data, where);
}
