import { KeepnetServerError } from '../../lib/keepnet/errors';
import { readCompanyPage, readGroup, readGroupList, readGroupPage, readId } from '../../lib/keepnet/replies';

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
    );
    expect(page.results[0]).toEqual({
      companyResourceId: 'c1',
      companyName: null,
      createTime: '',
      licenseTypeName: 'Enterprise',
      tags: ['a'],
    });
  });

  it('fails at the boundary, naming the endpoint and the field, when a reply lacks what callers need', () => {
    expect(() => readId({}, 'POST /api/company-groups')).toThrow(KeepnetServerError);
    expect(() => readId({}, 'POST /api/company-groups')).toThrow(
      /POST \/api\/company-groups: unexpected reply shape at data\.resourceId/,
    );
    expect(() => readGroupPage({ pageNumber: 1, pageSize: 1, results: [{ name: 'x' }] }, 'POST s')).toThrow(
      /data\.results\.0\.resourceId/,
    );
  });
});
