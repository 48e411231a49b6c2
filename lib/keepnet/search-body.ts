// Search bodies, always complete. Keepnet answers 400/500/INPUT_ERROR to an empty body, a null filter
// or null fields, and the spec's request schemas forbid unknown properties; so whatever partial the
// caller passes is validated and completed into exactly the documented camelCase fields.
import * as z from 'zod';
import { checkWithSchema, MAX_PAGE_SIZE } from './input';
import type { ExportType, FilterGroup, SearchFilter, SearchOptions } from './types';

/** Rows per page when the caller gives no `pageSize`. */
export const DEFAULT_PAGE_SIZE = 100;
/** The field every vendor example sorts by. */
export const DEFAULT_ORDER_BY = 'CreateTime';
/**
 * Newest first, as in every vendor example. It also suits the company poller (stop at the watermark),
 * and when rows are inserted while paging they push older rows onto later pages, which the iterators
 * absorb by skipping ids already seen, rather than hiding rows.
 */
export const DEFAULT_ASCENDING = false;

const FilterItemSchema = z.object({
  fieldName: z.string().min(1, 'must be a non-empty string'),
  operator: z.string().min(1, 'must be a non-empty string'),
  value: z.string(),
});

const FilterGroupSchema: z.ZodType<FilterGroup> = z.lazy(() =>
  z.object({
    condition: z.enum(['AND', 'OR']),
    filterItems: z.array(FilterItemSchema).optional(),
    filterGroups: z.array(FilterGroupSchema).optional(),
  }),
);

const SearchFilterSchema = z.object({
  condition: z.enum(['AND', 'OR']).optional(),
  searchInputTextValue: z.string().optional(),
  filterGroups: z.array(FilterGroupSchema).optional(),
});

/** Checks a caller's {@link SearchOptions} before anything is sent (messages name the field). */
export const SearchOptionsSchema = z.object({
  pageNumber: z.number().int('must be an integer').min(1, 'must be at least 1').optional(),
  pageSize: z
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .optional(),
  orderBy: z.string().trim().min(1, 'must be a non-empty field name').optional(),
  ascending: z.boolean().optional(),
  filter: SearchFilterSchema.optional(),
});

/** A filter group with every field present, as sent (camelCase). */
export interface CompleteFilterGroup {
  condition: 'AND' | 'OR';
  filterItems: { fieldName: string; operator: string; value: string }[];
  filterGroups: CompleteFilterGroup[];
}

/** A search filter with every field present, as sent (camelCase). */
export interface CompleteFilter {
  condition: 'AND' | 'OR';
  searchInputTextValue: string;
  filterGroups: CompleteFilterGroup[];
}

/** The body of every search endpoint (`SearchCompanyGroupRequest`, `GroupCompanySearchRequest`, companies). */
export interface SearchBody {
  pageNumber: number;
  pageSize: number;
  orderBy: string;
  ascending: boolean;
  filter: CompleteFilter;
}

/** The body of the export endpoints (`ExportRequest`). */
export interface ExportBody extends SearchBody {
  exportType: ExportType;
  reportAllPages: boolean;
}

/** Validates a caller's partial search and fills every field Keepnet needs. */
export function completeSearchBody(search: SearchOptions | undefined, field = 'search'): SearchBody {
  const checked = checkWithSchema(SearchOptionsSchema, search ?? {}, field);
  return {
    pageNumber: checked.pageNumber ?? 1,
    pageSize: checked.pageSize ?? DEFAULT_PAGE_SIZE,
    orderBy: checked.orderBy ?? DEFAULT_ORDER_BY,
    ascending: checked.ascending ?? DEFAULT_ASCENDING,
    filter: completeFilter(checked.filter),
  };
}

const ExportTypeSchema = z.enum(['CSV', 'Excel']);

/**
 * The complete body of an export; throws `KeepnetValidationError` on bad input. `reportAllPages` defaults
 * to true: a file holding only the first 100 rows is rarely what anyone wants.
 */
export function completeExportBody(input: {
  exportType: ExportType;
  search?: SearchOptions;
  reportAllPages?: boolean;
}): ExportBody {
  const exportType = checkWithSchema(ExportTypeSchema, input.exportType, 'exportType');
  const reportAllPages = checkWithSchema(z.boolean().optional(), input.reportAllPages, 'reportAllPages');
  // Exports default to every page: a file holding only the first 100 rows is rarely what anyone wants.
  return { ...completeSearchBody(input.search), exportType, reportAllPages: reportAllPages ?? true };
}

/** `filter` with every field filled in: AND, no text, no groups. */
export function completeFilter(filter: SearchFilter | undefined): CompleteFilter {
  return {
    condition: filter?.condition ?? 'AND',
    searchInputTextValue: filter?.searchInputTextValue ?? '',
    filterGroups: (filter?.filterGroups ?? []).map(completeFilterGroup),
  };
}

/**
 * The spec documents two spellings of the filter, per endpoint. `POST /api/company-groups/search`, its
 * `/export` and `POST /api/companies/search` declare an inline schema whose filter is PascalCase
 * (`Condition`, `SearchInputTextValue`; the README's nested `FilterGroups`/`FilterItems`/`FieldName`...
 * likewise), while every other search references the camelCase `Filter` schema with
 * `additionalProperties: false`. Keepnet's ASP.NET binding ignores case, but a strict implementation of
 * either schema does not, so each endpoint gets the spelling its own schema names.
 */
export interface PascalCaseFilterGroup {
  Condition: 'AND' | 'OR';
  FilterItems: { FieldName: string; Operator: string; Value: string }[];
  FilterGroups: PascalCaseFilterGroup[];
}

/** The filter in the PascalCase spelling some endpoints document (see {@link PascalCaseFilterGroup}). */
export interface PascalCaseFilter {
  Condition: 'AND' | 'OR';
  SearchInputTextValue: string;
  FilterGroups: PascalCaseFilterGroup[];
}

/** `body` with its filter respelt in PascalCase, for the endpoints whose schema names that spelling. */
export function withPascalCaseFilter<B extends SearchBody>(
  body: B,
): Omit<B, 'filter'> & { filter: PascalCaseFilter } {
  const { filter, ...rest } = body;
  return {
    ...rest,
    filter: {
      Condition: filter.condition,
      SearchInputTextValue: filter.searchInputTextValue,
      FilterGroups: filter.filterGroups.map(pascalCaseGroup),
    },
  };
}

function pascalCaseGroup(group: CompleteFilterGroup): PascalCaseFilterGroup {
  return {
    Condition: group.condition,
    FilterItems: group.filterItems.map(({ fieldName, operator, value }) => ({
      FieldName: fieldName,
      Operator: operator,
      Value: value,
    })),
    FilterGroups: group.filterGroups.map(pascalCaseGroup),
  };
}

function completeFilterGroup(group: FilterGroup): CompleteFilterGroup {
  return {
    condition: group.condition,
    filterItems: (group.filterItems ?? []).map(({ fieldName, operator, value }) => ({
      fieldName,
      operator,
      value,
    })),
    filterGroups: (group.filterGroups ?? []).map(completeFilterGroup),
  };
}
