import fc from 'fast-check';
import { KeepnetValidationError } from '../../lib/keepnet/errors';
import { completeExportBody, completeSearchBody, withPascalCaseFilter } from '../../lib/keepnet/search-body';
import type { SearchOptions } from '../../lib/keepnet/types';

const EMPTY_FILTER = { condition: 'AND', searchInputTextValue: '', filterGroups: [] };

describe('completeSearchBody', () => {
  it('fills every field Keepnet needs when the caller passes nothing', () => {
    expect(completeSearchBody(undefined)).toEqual({
      pageNumber: 1,
      pageSize: 100,
      orderBy: 'CreateTime',
      ascending: false,
      filter: EMPTY_FILTER,
    });
  });

  it('keeps what the caller set and completes nested filter groups', () => {
    const body = completeSearchBody({
      pageNumber: 3,
      pageSize: 10,
      orderBy: 'Name',
      ascending: true,
      filter: {
        searchInputTextValue: 'acme',
        filterGroups: [
          { condition: 'OR', filterItems: [{ fieldName: 'Name', operator: 'Contains', value: 'EU' }] },
          { condition: 'AND', filterGroups: [{ condition: 'AND' }] },
        ],
      },
    });
    expect(body).toEqual({
      pageNumber: 3,
      pageSize: 10,
      orderBy: 'Name',
      ascending: true,
      filter: {
        condition: 'AND',
        searchInputTextValue: 'acme',
        filterGroups: [
          {
            condition: 'OR',
            filterItems: [{ fieldName: 'Name', operator: 'Contains', value: 'EU' }],
            filterGroups: [],
          },
          {
            condition: 'AND',
            filterItems: [],
            filterGroups: [{ condition: 'AND', filterItems: [], filterGroups: [] }],
          },
        ],
      },
    });
  });

  it('drops properties the spec does not allow (additionalProperties: false)', () => {
    const body = completeSearchBody({
      pageSize: 5,
      extra: 1,
      filter: { Condition: 'OR' },
    } as unknown as SearchOptions);
    expect(body).not.toHaveProperty('extra');
    expect(body.filter).toEqual(EMPTY_FILTER);
  });

  it('always yields a complete, null-free body for any valid partial (property)', () => {
    const partial = fc.record(
      {
        pageNumber: fc.integer({ min: 1, max: 1000 }),
        pageSize: fc.integer({ min: 1, max: 10_000 }),
        orderBy: fc.constantFrom('CreateTime', 'Name'),
        ascending: fc.boolean(),
        filter: fc.record(
          { condition: fc.constantFrom('AND' as const, 'OR' as const), searchInputTextValue: fc.string() },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(partial, (search) => {
        const body = completeSearchBody(search);
        expect(Object.keys(body).sort()).toEqual([
          'ascending',
          'filter',
          'orderBy',
          'pageNumber',
          'pageSize',
        ]);
        expect(JSON.stringify(body)).not.toContain('null');
        expect(Object.keys(body.filter).sort()).toEqual([
          'condition',
          'filterGroups',
          'searchInputTextValue',
        ]);
        if (search.pageSize !== undefined) expect(body.pageSize).toBe(search.pageSize);
      }),
    );
  });

  it.each([
    [{ pageSize: 0 }, 'search.pageSize', 'at least 1'],
    [{ pageSize: 10_001 }, 'search.pageSize', 'at most 10000'],
    [{ pageSize: 2.5 }, 'search.pageSize', 'integer'],
    [{ pageNumber: 0 }, 'search.pageNumber', 'at least 1'],
    [{ orderBy: '  ' }, 'search.orderBy', 'non-empty'],
    [{ filter: { condition: 'XOR' } }, 'search.filter.condition', ''],
    [
      {
        filter: {
          filterGroups: [{ condition: 'AND', filterItems: [{ fieldName: '', operator: '=', value: 'x' }] }],
        },
      },
      'search.filter.filterGroups.0.filterItems.0.fieldName',
      'non-empty',
    ],
  ])('rejects %j naming %s', (search, field, rule) => {
    let caught: unknown;
    try {
      completeSearchBody(search as SearchOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeepnetValidationError);
    expect((caught as KeepnetValidationError).field).toBe(field);
    expect((caught as Error).message).toContain(field);
    expect((caught as Error).message).toContain(rule);
  });
});

describe('completeExportBody', () => {
  it('adds exportType and reportAllPages (default: every page)', () => {
    expect(completeExportBody({ exportType: 'Excel' })).toEqual({
      ...completeSearchBody(undefined),
      exportType: 'Excel',
      reportAllPages: true,
    });
    expect(completeExportBody({ exportType: 'CSV', reportAllPages: false }).reportAllPages).toBe(false);
  });

  it('rejects an unknown export type, naming the field', () => {
    expect(() => completeExportBody({ exportType: 'PDF' as 'CSV' })).toThrow(/exportType/);
  });
});

describe('withPascalCaseFilter', () => {
  it('spells the filter as the inline-schema endpoints document it, leaving the top-level keys camelCase', () => {
    const body = withPascalCaseFilter(
      completeExportBody({
        exportType: 'CSV',
        search: {
          filter: {
            searchInputTextValue: 'eu',
            filterGroups: [
              {
                condition: 'OR',
                filterItems: [{ fieldName: 'Name', operator: 'Contains', value: 'EU' }],
                filterGroups: [{ condition: 'AND' }],
              },
            ],
          },
        },
      }),
    );
    expect(body).toEqual({
      pageNumber: 1,
      pageSize: 100,
      orderBy: 'CreateTime',
      ascending: false,
      exportType: 'CSV',
      reportAllPages: true,
      filter: {
        Condition: 'AND',
        SearchInputTextValue: 'eu',
        FilterGroups: [
          {
            Condition: 'OR',
            FilterItems: [{ FieldName: 'Name', Operator: 'Contains', Value: 'EU' }],
            FilterGroups: [{ Condition: 'AND', FilterItems: [], FilterGroups: [] }],
          },
        ],
      },
    });
  });
});
