// What the search endpoints search: the group and member rows, their searchable fields, and a search
// body run against them (company search reuses the member fields).
import type * as z from 'zod';
import { inputError, type Reply } from '../reply';
import { filterAndSort, type SearchBody, SearchBodySchema, SearchError, type SearchSpec } from '../search';
import type { SimulatorStore } from '../store';
import type { SimCompany, SimGroup } from '../types';
import { parseBody } from './bodies';

/**
 * A group as the groups search and export see it: with its member count, which is searchable and sortable.
 */
export interface GroupRow {
  group: SimGroup;
  companyCount: number;
}

/** The fields a groups search filters and orders by, named as in `FieldName` and `orderBy`. */
export const GROUP_SEARCH: SearchSpec<GroupRow> = {
  textField: 'Name',
  fields: {
    Name: { read: (r) => r.group.name, type: 'text' },
    CreateTime: { read: (r) => r.group.createTime, type: 'time' },
    CompanyCount: { read: (r) => r.companyCount, type: 'number' },
    ResourceId: { read: (r) => r.group.resourceId, type: 'text' },
  },
};

/** The fields the members and companies searches filter and order by; `Name` is an alias of `CompanyName`. */
export const MEMBER_SEARCH: SearchSpec<SimCompany> = {
  textField: 'CompanyName',
  fields: {
    CompanyName: { read: (c) => c.name, type: 'text' },
    Name: { read: (c) => c.name, type: 'text' },
    CompanyResourceId: { read: (c) => c.resourceId, type: 'text' },
    CreateTime: { read: (c) => c.createTime, type: 'time' },
    IndustryName: { read: (c) => c.industryName, type: 'text' },
    LicenseTypeName: { read: (c) => c.licenseTypeName, type: 'text' },
    LicenseEndDate: { read: (c) => c.licenseEndDate, type: 'time' },
    NumberOfUsers: { read: (c) => c.numberOfUsers, type: 'number' },
    CountryName: { read: (c) => c.countryName, type: 'text' },
    ResellerName: { read: (c) => c.resellerName, type: 'text' },
  },
};

/** Every group with its current member count, in creation order. */
export function groupRows(store: SimulatorStore): GroupRow[] {
  return store.groups().map((group) => ({ group, companyCount: store.memberCount(group.resourceId) }));
}

/** Runs a validated search; maps unknown fields/operators to INPUT_ERROR. */
export function runSearch<Row>(
  rows: Row[],
  body: unknown,
  spec: SearchSpec<Row>,
): { ok: true; rows: Row[]; search: SearchBody } | { ok: false; reply: Reply } {
  return runSearchWith(SearchBodySchema, rows, body, spec);
}

/**
 * runSearch for a body that extends the search body (the exports'): every matching row, ordered, and
 * the parsed body; an invalid body, field or operator is an INPUT_ERROR reply.
 */
export function runSearchWith<Row, Body extends SearchBody>(
  schema: z.ZodType<Body>,
  rows: Row[],
  body: unknown,
  spec: SearchSpec<Row>,
): { ok: true; rows: Row[]; search: Body } | { ok: false; reply: Reply } {
  const parsed = parseBody(schema, body);
  if (!parsed.ok) return { ok: false, reply: inputError(parsed.messages) };
  try {
    return { ok: true, rows: filterAndSort(rows, parsed.value, spec), search: parsed.value };
  } catch (error) {
    if (error instanceof SearchError) return { ok: false, reply: inputError([error.message]) };
    throw error;
  }
}
