// Search bodies as the vendor's API takes them: validation, free text, nested filter groups, ordering
// and 1-based paging.
import * as z from 'zod';

const FilterItemSchema = z.object({
  fieldName: z.string({ error: 'is required (a field name)' }).min(1, 'must not be empty'),
  operator: z.string({ error: 'is required (=, !=, Contains, >, <, >=, <=)' }),
  value: z.union([z.string(), z.number(), z.boolean()]).nullish(),
});

/**
 * A filter group as a body nests it: items and further groups, combined by `condition` (AND unless "OR").
 * Written out because zod cannot infer a recursive type.
 */
export interface FilterGroupInput {
  condition?: string | null | undefined;
  filterItems?: z.infer<typeof FilterItemSchema>[] | null | undefined;
  filterGroups?: FilterGroupInput[] | null | undefined;
}

const FilterGroupSchema: z.ZodType<FilterGroupInput> = z.lazy(() =>
  z.object({
    condition: z.string().nullish(),
    filterItems: z.array(FilterItemSchema).nullish(),
    filterGroups: z.array(FilterGroupSchema).nullish(),
  }),
);

const FilterSchema = z.object(
  {
    condition: z.string().nullish(),
    searchInputTextValue: z.string().nullish(),
    filterGroups: z.array(FilterGroupSchema).nullish(),
  },
  { error: 'is required (at least { "Condition": "AND", "SearchInputTextValue": "" })' },
);

/**
 * A search body. Every field the vendor requires is required here too (an empty body, `filter: null` and null
 * fields fail upstream), so a client that leaves one out fails locally as well.
 */
export const SearchBodySchema = z.object(
  {
    pageNumber: z
      .number({ error: 'is required (an integer >= 1)' })
      .int('must be an integer')
      .min(1, 'must be >= 1'),
    pageSize: z
      .number({ error: 'is required (an integer >= 1)' })
      .int('must be an integer')
      .min(1, 'must be >= 1'),
    orderBy: z.string({ error: 'is required (a field name such as CreateTime)' }).min(1, 'must not be empty'),
    ascending: z.boolean({ error: 'is required (true or false)' }),
    filter: FilterSchema,
  },
  { error: 'a JSON object is required' },
);

/** A search body after validation, with canonical camelCase keys. */
export type SearchBody = z.infer<typeof SearchBodySchema>;

/** Readable messages naming the field and the rule, as `validationMessages` carries them. */
export function issuesToMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    return field ? `${field}: ${issue.message}` : issue.message;
  });
}

/** A searchable field: how to read it off a row, and whether it compares as text, number or time. */
export interface SearchField<Row> {
  read: (row: Row) => string | number | null;
  type: 'text' | 'number' | 'time';
}

/**
 * A row type's searchable fields, by the name a filter item or `orderBy` uses (matched case-insensitively).
 */
export type SearchFields<Row> = Record<string, SearchField<Row>>;

/** An unknown field or operator in a search body; handlers answer it with INPUT_ERROR. */
export class SearchError extends Error {}

function findField<Row>(fields: SearchFields<Row>, name: string): SearchField<Row> {
  const key = Object.keys(fields).find((k) => k.toLowerCase() === name.toLowerCase());
  const field = key === undefined ? undefined : fields[key];
  if (!field)
    throw new SearchError(`'${name}' is not a searchable field (${Object.keys(fields).join(', ')})`);
  return field;
}

function comparable(field: SearchField<unknown>, raw: unknown): string | number | null {
  if (raw === null || raw === undefined) return null;
  if (field.type === 'number') return Number(raw);
  if (field.type === 'time') return Date.parse(String(raw));
  return String(raw).toLowerCase();
}

function matchesItem<Row>(
  row: Row,
  item: z.infer<typeof FilterItemSchema>,
  fields: SearchFields<Row>,
): boolean {
  const field = findField(fields, item.fieldName);
  const actual = comparable(field as SearchField<unknown>, field.read(row));
  const expected = comparable(field as SearchField<unknown>, item.value);
  switch (item.operator.toLowerCase()) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'contains':
      return String(actual ?? '').includes(String(expected ?? '').toLowerCase());
    case '>':
      return actual !== null && expected !== null && actual > expected;
    case '<':
      return actual !== null && expected !== null && actual < expected;
    case '>=':
      return actual !== null && expected !== null && actual >= expected;
    case '<=':
      return actual !== null && expected !== null && actual <= expected;
    default:
      throw new SearchError(`operator '${item.operator}' is not supported (=, !=, Contains, >, <, >=, <=)`);
  }
}

const OPERATORS = ['=', '!=', 'contains', '>', '<', '>=', '<='];

function validateGroup<Row>(group: FilterGroupInput, fields: SearchFields<Row>): void {
  for (const item of group.filterItems ?? []) {
    findField(fields, item.fieldName);
    if (!OPERATORS.includes(item.operator.toLowerCase())) {
      throw new SearchError(`operator '${item.operator}' is not supported (=, !=, Contains, >, <, >=, <=)`);
    }
  }
  for (const nested of group.filterGroups ?? []) validateGroup(nested, fields);
}

function combine(condition: string | null | undefined, results: boolean[]): boolean {
  if (results.length === 0) return true;
  return condition?.toUpperCase() === 'OR' ? results.some(Boolean) : results.every(Boolean);
}

function matchesGroup<Row>(row: Row, group: FilterGroupInput, fields: SearchFields<Row>): boolean {
  const results = [
    ...(group.filterItems ?? []).map((item) => matchesItem(row, item, fields)),
    ...(group.filterGroups ?? []).map((nested) => matchesGroup(row, nested, fields)),
  ];
  return combine(group.condition, results);
}

/** What a search needs to know of a row type: its fields, and the one free text searches. */
export interface SearchSpec<Row> {
  fields: SearchFields<Row>;
  /** The field free text (`searchInputTextValue`) matches, case-insensitively, by "contains". */
  textField: string;
}

/** Every matching row, ordered; throws SearchError for an unknown field or operator. */
export function filterAndSort<Row>(rows: Row[], body: SearchBody, spec: SearchSpec<Row>): Row[] {
  const text = body.filter.searchInputTextValue?.trim().toLowerCase() ?? '';
  const textField = findField(spec.fields, spec.textField);
  const orderField = findField(spec.fields, body.orderBy);
  const groups = body.filter.filterGroups ?? [];
  // Reject a bad field or operator even when no row would reach it.
  for (const group of groups) validateGroup(group, spec.fields);

  const matching = rows.filter(
    (row) =>
      (text === '' ||
        String(textField.read(row) ?? '')
          .toLowerCase()
          .includes(text)) &&
      combine(
        body.filter.condition,
        groups.map((group) => matchesGroup(row, group, spec.fields)),
      ),
  );
  const direction = body.ascending ? 1 : -1;
  return matching
    .map((row, index) => ({
      row,
      index,
      key: comparable(orderField as SearchField<unknown>, orderField.read(row)),
    }))
    .sort((a, b) => {
      if (a.key === b.key) return a.index - b.index;
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      return (a.key < b.key ? -1 : 1) * direction;
    })
    .map((entry) => entry.row);
}

/** The vendor's paged `data`: `pageNumber` is 1-based, the totals count every match. */
export interface PageOf<T> {
  pageNumber: number;
  pageSize: number;
  totalNumberOfPages: number;
  totalNumberOfRecords: number;
  results: T[];
}

/** One 1-based page of `rows`; a page past the end is empty but still reports the totals. */
export function paginate<T>(rows: T[], pageNumber: number, pageSize: number): PageOf<T> {
  const start = (pageNumber - 1) * pageSize;
  return {
    pageNumber,
    pageSize,
    totalNumberOfPages: Math.ceil(rows.length / pageSize),
    totalNumberOfRecords: rows.length,
    results: rows.slice(start, start + pageSize),
  };
}
