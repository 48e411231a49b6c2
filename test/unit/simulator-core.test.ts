// The simulator's pure parts: search (filters, ordering, paging), key binding, fault plans,
// rate limiting, the deterministic seed and the company DTOs' shape.
import fc from 'fast-check';
import { FaultPlan } from '../../local/keepnet-simulator/faults';
import { companySearchDto, memberDto } from '../../local/keepnet-simulator/handlers/dtos';
import { RateLimiter } from '../../local/keepnet-simulator/rate-limit';
import { seededRandom } from '../../local/keepnet-simulator/rng';
import {
  filterAndSort,
  paginate,
  type SearchBody,
  SearchError,
  type SearchSpec,
} from '../../local/keepnet-simulator/search';
import { seedStore } from '../../local/keepnet-simulator/seed';
import { SimulatorStore } from '../../local/keepnet-simulator/store';
import { canonicalKeys, renderEnvelope } from '../../local/keepnet-simulator/wire';

interface Row {
  name: string;
  users: number;
  created: string;
}

const spec: SearchSpec<Row> = {
  textField: 'Name',
  fields: {
    Name: { read: (r) => r.name, type: 'text' },
    Users: { read: (r) => r.users, type: 'number' },
    CreateTime: { read: (r) => r.created, type: 'time' },
  },
};

const rows: Row[] = [
  { name: 'Acme Bank', users: 10, created: '2026-01-03T00:00:00Z' },
  { name: 'Globex Clinic', users: 900, created: '2026-01-01T00:00:00Z' },
  { name: 'acme retail', users: 50, created: '2026-01-02T00:00:00Z' },
];

function body(overrides: Partial<SearchBody> = {}): SearchBody {
  return {
    pageNumber: 1,
    pageSize: 10,
    orderBy: 'Name',
    ascending: true,
    filter: { condition: 'AND', searchInputTextValue: '' },
    ...overrides,
  };
}

describe('filterAndSort', () => {
  it('matches free text case-insensitively by "contains"', () => {
    const found = filterAndSort(rows, body({ filter: { searchInputTextValue: 'ACME' } }), spec);
    expect(found.map((r) => r.name)).toEqual(['Acme Bank', 'acme retail']);
  });

  it('orders numbers numerically and times chronologically, either way', () => {
    expect(
      filterAndSort(rows, body({ orderBy: 'users', ascending: false }), spec).map((r) => r.users),
    ).toEqual([900, 50, 10]);
    expect(filterAndSort(rows, body({ orderBy: 'CreateTime' }), spec).map((r) => r.name)).toEqual([
      'Globex Clinic',
      'acme retail',
      'Acme Bank',
    ]);
  });

  it('combines filter items and nested groups with AND / OR', () => {
    const found = filterAndSort(
      rows,
      body({
        filter: {
          condition: 'AND',
          filterGroups: [
            {
              condition: 'OR',
              filterItems: [
                { fieldName: 'Users', operator: '>', value: '100' },
                { fieldName: 'Name', operator: 'Contains', value: 'retail' },
              ],
            },
            {
              condition: 'AND',
              filterItems: [{ fieldName: 'CreateTime', operator: '>=', value: '2026-01-02' }],
            },
          ],
        },
      }),
      spec,
    );
    expect(found.map((r) => r.name)).toEqual(['acme retail']);
  });

  it.each([
    ['an unknown field', { fieldName: 'Colour', operator: '=', value: 'x' }, 'Colour'],
    ['an unknown operator', { fieldName: 'Name', operator: 'LIKE', value: 'x' }, 'LIKE'],
  ])('rejects %s, naming it', (_label, item, name) => {
    const search = body({ filter: { filterGroups: [{ condition: 'AND', filterItems: [item] }] } });
    expect(() => filterAndSort(rows, search, spec)).toThrow(SearchError);
    expect(() => filterAndSort(rows, search, spec)).toThrow(name);
  });
});

describe('paginate', () => {
  it('returns every row exactly once across its 1-based pages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 15 }),
        (items, size) => {
          const first = paginate(items, 1, size);
          const collected: number[] = [];
          for (let page = 1; page <= first.totalNumberOfPages; page++)
            collected.push(...paginate(items, page, size).results);
          expect(collected).toEqual(items);
          expect(first.totalNumberOfRecords).toBe(items.length);
          expect(paginate(items, first.totalNumberOfPages + 1, size).results).toEqual([]);
        },
      ),
    );
  });
});

describe('wire', () => {
  it('binds request keys in any case to their canonical camelCase', () => {
    expect(canonicalKeys({ PageNumber: 1, FILTER: { SearchInputTextValue: 'x', FilterGroups: [] } })).toEqual(
      {
        pageNumber: 1,
        filter: { searchInputTextValue: 'x', filterGroups: [] },
      },
    );
  });

  it('renders the envelope variants', () => {
    const failure = {
      data: null,
      status: 'INPUT_ERROR' as const,
      message: 'bad',
      validationMessages: ['name: x'],
    };
    expect(renderEnvelope(failure, 'isSuccess', 'camel')).toEqual({
      isSuccess: false,
      data: null,
      messages: ['bad', 'name: x'],
    });
    expect(renderEnvelope(failure, 'standard', 'pascal')).toEqual({
      Data: null,
      Status: 'INPUT_ERROR',
      Message: 'bad',
      ValidationMessages: ['name: x'],
    });
  });
});

describe('FaultPlan', () => {
  it('matches full route keys, bare templates and patterns, and stops after `times`', () => {
    const plan = new FaultPlan(seededRandom(1));
    const [byKey, byTemplate] = plan.add([
      { kind: 'server-error', route: 'PUT /api/company-groups/{resourceId}/participants', times: 2 },
      { kind: 'connection-reset', route: '/api/company-groups/search' },
    ]);
    expect(plan.take('GET /api/company-groups/{resourceId}/participants')).toBeUndefined();
    expect(plan.take('PUT /api/company-groups/{resourceId}/participants')?.kind).toBe('server-error');
    expect(plan.take('POST /api/company-groups/search')?.kind).toBe('connection-reset');
    expect(plan.take('POST /api/company-groups/search')).toBeUndefined();
    expect(plan.take('PUT /api/company-groups/{resourceId}/participants')?.kind).toBe('server-error');
    expect(plan.take('PUT /api/company-groups/{resourceId}/participants')).toBeUndefined();
    expect([byKey?.hits, byKey?.exhausted, byTemplate?.exhausted]).toEqual([2, true, true]);
  });

  it('replays the same probabilistic hits for the same seed', () => {
    const hits = (seed: number) => {
      const plan = new FaultPlan(seededRandom(seed));
      plan.add([{ kind: 'server-error', probability: 0.3, times: Number.POSITIVE_INFINITY }]);
      return Array.from({ length: 50 }, () => plan.take('GET /x') !== undefined);
    };
    expect(hits(7)).toEqual(hits(7));
    expect(hits(7)).not.toEqual(hits(8));
  });
});

describe('RateLimiter', () => {
  it('allows a burst, refuses beyond it, and refills over time', () => {
    const limiter = new RateLimiter();
    const limit = { perSecond: 2, burst: 2 };
    expect([limiter.take('a', limit, 0), limiter.take('a', limit, 0), limiter.take('a', limit, 0)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(limiter.take('b', limit, 0)).toBe(true);
    expect(limiter.take('a', limit, 500)).toBe(true);
    expect(limiter.take('a', limit, 500)).toBe(false);
    expect(limiter.take('a', null, 500)).toBe(true);
  });
});

describe('seed', () => {
  function seeded(seed: number) {
    const store = new SimulatorStore(seededRandom(0));
    seedStore(store, { seed, companies: 30 });
    return store;
  }

  it('is deterministic for a seed, ids included', () => {
    const a = seeded(5);
    const b = seeded(5);
    expect(a.companies()).toEqual(b.companies());
    expect(a.groups()).toEqual(b.groups());
    expect(seeded(6).companies()[0]?.resourceId).not.toBe(a.companies()[0]?.resourceId);
  });

  it('fills the named groups by their rule', () => {
    const store = seeded(5);
    const finance = store.groupByName('finance')!;
    const members = store.groupMembers(finance.resourceId);
    expect(members.length).toBeGreaterThan(0);
    expect(members.every((c) => c.industryName === 'Finance')).toBe(true);
    expect(store.companies().filter((c) => c.industryName === 'Finance')).toHaveLength(members.length);
  });

  it('scales to thousands of companies and extra groups with unique names and ids', () => {
    const store = new SimulatorStore(seededRandom(0));
    seedStore(store, { companies: 3000, extraGroups: 200, membersPerExtraGroup: 10 });
    expect(new Set(store.companies().map((c) => c.name)).size).toBe(3000);
    expect(new Set(store.companies().map((c) => c.resourceId)).size).toBe(3000);
    expect(store.groups()).toHaveLength(204);
    expect(store.groupMemberIds(store.groupByName('Group 0200')!.resourceId)).toHaveLength(10);
  });
});

describe('company DTOs', () => {
  const store = new SimulatorStore(seededRandom(0));
  seedStore(store, { companies: 1 });
  const company = store.companies()[0]!;
  // Both searches serve these six in this order, between the company's identity and the rest.
  const licenceKeys = [
    'industryName',
    'industryResourceId',
    'licenseTypeName',
    'licenseTypeResourceId',
    'isNumberOfUsersLimited',
    'numberOfUsers',
  ];

  it('serve the members search fields in the order the simulator has always sent them', () => {
    expect(Object.keys(memberDto(company))).toEqual([
      'companyName',
      'companyResourceId',
      ...licenceKeys,
      'licenseEndDate',
      'createTime',
      'companyStatusId',
      'companyStatusName',
    ]);
    expect(memberDto(company).numberOfUsers).toBe(String(company.numberOfUsers));
  });

  it('serve the companies search fields in the order the simulator has always sent them', () => {
    expect(Object.keys(companySearchDto(company))).toEqual([
      'companyName',
      'companyResourceId',
      'resellerName',
      ...licenceKeys,
      'privacyDurationId',
      'licenceExpired',
      'licenseEndDate',
      'createTime',
      'targetUserCount',
      'children',
      'tags',
      'deletedTargetUserCount',
      'inactiveTargetUserCount',
      'monthlyActiveUserCount',
    ]);
    expect(companySearchDto(company).numberOfUsers).toBe(String(company.numberOfUsers));
  });
});
