import { KeepnetServerError } from '../../lib/keepnet/errors';
import {
  readCompanyPage,
  readGroup,
  readGroupList,
  readGroupPage,
  readId,
  readOptionalId,
} from '../../lib/keepnet/replies';

const ASKED = { pageNumber: 1, pageSize: 10 };
const item = { resourceId: 'g1', name: 'G', companyCount: 2, createTime: '2026-01-01T00:00:00Z' };

describe('reply shapes', () => {
  it('reads nullable fields the spec allows into the domain types', () => {
    expect(readGroup({ resourceId: 'g1', name: null, addedTime: null, companyCount: null }, 'GET x')).toEqual(
      {
        resourceId: 'g1',
        name: '',
        addedTime: null,
        companyCount: 0,
      },
    );
    expect(readGroupList(null, 'GET x')).toEqual([]);
    expect(
      readGroupPage(
        { pageNumber: 1, pageSize: 10, totalNumberOfPages: 0, totalNumberOfRecords: 0, results: null },
        'POST x',
        ASKED,
      ).results,
    ).toEqual([]);
  });

  it('keeps fields beyond the ones it relies on (companies carry licence data, tags, children…)', () => {
    const page = readCompanyPage(
      {
        pageNumber: 1,
        pageSize: 1,
        totalNumberOfPages: 1,
        totalNumberOfRecords: 1,
        limitExceededCompanyCount: 0,
        results: [
          {
            companyResourceId: 'c1',
            companyName: null,
            createTime: null,
            licenseTypeName: 'Enterprise',
            tags: ['a'],
          },
        ],
      },
      'POST x',
      ASKED,
    );
    expect(page.results[0]).toEqual({
      companyResourceId: 'c1',
      companyName: null,
      createTime: null, // nullable in the spec: null, not '' (which callers could mistake for a time)
      licenseTypeName: 'Enterprise',
      tags: ['a'],
    });
  });

  it('reads companies nested in children (any depth), each child before its parent and marked', () => {
    const row = (id: string, children: unknown = null) => ({
      companyResourceId: id,
      companyName: id.toUpperCase(),
      createTime: '2026-01-01T00:00:00Z',
      children,
    });
    const page = readCompanyPage(
      {
        pageNumber: 1,
        pageSize: 10,
        totalNumberOfRecords: 2,
        results: [row('p', [row('c1', [row('g')]), row('c2')]), row('q', [])],
      },
      'POST /api/companies/search',
      ASKED,
    );
    expect(page.results.map((c) => [c.companyResourceId, c.parentCompanyResourceId])).toEqual([
      ['g', 'c1'],
      ['c1', 'p'],
      ['c2', 'p'],
      ['p', undefined],
      ['q', undefined],
    ]);
    expect(page.results[0]).not.toHaveProperty('children');
  });

  it('takes data: null as an empty list, and a reply without data as an error', () => {
    expect(readGroupList(null, 'GET x')).toEqual([]);
    expect(readGroupPage(null, 'POST s', ASKED).results).toEqual([]);
    expect(readCompanyPage(null, 'POST c', ASKED).results).toEqual([]);
    expect(() => readGroupList(undefined, 'GET /api/company-groups')).toThrow(
      /GET \/api\/company-groups: the reply has no "data"/,
    );
    expect(() => readGroupPage(undefined, 'POST s', ASKED)).toThrow(KeepnetServerError);
    expect(() => readCompanyPage(undefined, 'POST c', ASKED)).toThrow(/has no "data"/);
  });

  it('fails at the boundary, naming the endpoint and the field, when a reply lacks what callers need', () => {
    expect(() => readId({}, 'POST /api/company-groups')).toThrow(KeepnetServerError);
    expect(() => readId({}, 'POST /api/company-groups')).toThrow(
      /POST \/api\/company-groups: unexpected reply shape at data\.resourceId/,
    );
    expect(() =>
      readGroupPage({ pageNumber: 1, pageSize: 1, results: [{ name: 'x' }] }, 'POST s', ASKED),
    ).toThrow(/data\.results\.0\.resourceId/);
  });

  it('reads numbers sent as strings', () => {
    const page = readGroupPage(
      {
        pageNumber: '2',
        pageSize: '10',
        totalNumberOfPages: '3',
        totalNumberOfRecords: '25',
        results: [{ ...item, companyCount: '7' }],
      },
      'POST s',
      { pageNumber: 2, pageSize: 10 },
    );
    expect(page).toMatchObject({
      pageNumber: 2,
      pageSize: 10,
      totalNumberOfPages: 3,
      totalNumberOfRecords: 25,
    });
    expect(page.results[0]?.companyCount).toBe(7);
    expect(readGroup({ resourceId: 'g1', name: 'G', companyCount: '4' }, 'GET x').companyCount).toBe(4);
    expect(() => readGroup({ resourceId: 'g1', companyCount: 'many' }, 'GET x')).toThrow(
      /data\.companyCount/,
    );
  });

  it('derives totalNumberOfPages from totalNumberOfRecords and the page size when it is missing', () => {
    const reply = { pageNumber: 1, pageSize: 10, totalNumberOfRecords: 25, results: [item] };
    expect(readGroupPage(reply, 'POST s', ASKED).totalNumberOfPages).toBe(3);
    expect(readGroupPage({ ...reply, totalNumberOfPages: null }, 'POST s', ASKED).totalNumberOfPages).toBe(3);
    expect(readGroupPage({ ...reply, totalNumberOfRecords: 20 }, 'POST s', ASKED).totalNumberOfPages).toBe(2);
    // Neither count: unknown (0), and the iterator pages until an empty page.
    expect(readGroupPage({ pageNumber: 1, pageSize: 10, results: [item] }, 'POST s', ASKED)).toMatchObject({
      totalNumberOfPages: 0,
      totalNumberOfRecords: 0,
    });
  });

  it('takes a page that omits pageNumber and pageSize as the page that was asked for', () => {
    const page = readCompanyPage(
      {
        totalNumberOfRecords: 30,
        results: [{ companyResourceId: 'c1', companyName: 'C', createTime: null }],
      },
      'POST s',
      { pageNumber: 3, pageSize: 10 },
    );
    expect(page).toMatchObject({ pageNumber: 3, pageSize: 10, totalNumberOfPages: 3 });
  });

  it('reads a created id as IdResult or as a bare string', () => {
    expect(readId({ resourceId: 'g1' }, 'POST c')).toEqual({ resourceId: 'g1' });
    expect(readId('g2', 'POST c')).toEqual({ resourceId: 'g2' });
    expect(() => readId('', 'POST c')).toThrow(KeepnetServerError);
  });

  it('reads an optional id: absent for null, no body or a null resourceId; wrong shapes still fail', () => {
    for (const data of [undefined, null, {}, { resourceId: null }, { resourceId: '' }]) {
      expect(readOptionalId(data, 'POST c')).toBeUndefined();
    }
    expect(readOptionalId({ resourceId: 'g1' }, 'POST c')).toEqual({ resourceId: 'g1' });
    expect(readOptionalId('g2', 'POST c')).toEqual({ resourceId: 'g2' });
    expect(() => readOptionalId({ resourceId: 7 }, 'POST c')).toThrow(/data\.resourceId/);
  });
});
