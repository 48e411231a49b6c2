// The Keepnet simulator over real HTTP: auth, error shapes, validation, groups, participants in
// both modes, members paging and filters, companies, envelope variants, rate limit, counts.
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';
import { call, envelope, expectInputError, type PageData, searchBody, tokenFor } from './simulator-http';

let sim: KeepnetSimulator;
let token: string;

beforeAll(async () => {
  sim = await startKeepnetSimulator();
  token = await tokenFor(sim);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
  sim.clearFaults();
  sim.configure({
    participantsMode: 'replace',
    updateWithoutMembers: 'clear',
    keyCase: 'camel',
    envelope: 'standard',
  });
});

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString();
}

/** The token request the reseller's client credentials make, form-encoded as the vendor requires. */
function resellerTokenRequest() {
  return call(sim, 'POST', '/connect/token', {
    contentType: 'application/x-www-form-urlencoded',
    body: form({
      grant_type: 'client_credentials',
      client_id: sim.credentials.reseller.clientId,
      client_secret: sim.credentials.reseller.clientSecret,
      scope: 'api1',
    }),
  });
}

describe('token endpoint', () => {
  it('issues a bearer token for form-encoded client credentials', async () => {
    const reply = await resellerTokenRequest();
    expect(reply.status).toBe(200);
    const body = reply.json as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: 'api1' });
    expect(String(body.access_token).split('.')).toHaveLength(3);
    expect(body.permissions).toContain('company-groups/search|POST');
  });

  it('answers a JSON body with 500, as the vendor does', async () => {
    const reply = await call(sim, 'POST', '/connect/token', {
      body: { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y', scope: 'api1' },
    });
    expect(reply.status).toBe(500);
  });

  it('refuses a wrong secret with invalid_client, as 400 or (switched) 401', async () => {
    const wrong = form({
      grant_type: 'client_credentials',
      client_id: sim.credentials.reseller.clientId,
      client_secret: 'wrong',
      scope: 'api1',
    });
    const contentType = 'application/x-www-form-urlencoded';
    const first = await call(sim, 'POST', '/connect/token', { contentType, body: wrong });
    expect(first.status).toBe(400);
    expect(first.json).toEqual({ error: 'invalid_client' });

    sim.configure({ invalidClientStatus: 401 });
    const second = await call(sim, 'POST', '/connect/token', { contentType, body: wrong });
    sim.configure({ invalidClientStatus: 400 });
    expect(second.status).toBe(401);
  });

  it('issues opaque tokens when switched, and they work', async () => {
    sim.configure({ tokenFormat: 'opaque' });
    const opaque = await tokenFor(sim);
    sim.configure({ tokenFormat: 'jwt' });
    expect(opaque).not.toContain('.');
    expect((await call(sim, 'GET', '/api/company-groups', { token: opaque })).status).toBe(200);
  });

  it('uses the configured token lifetime', async () => {
    sim.configure({ tokenLifetimeSeconds: 120 });
    const reply = await resellerTokenRequest();
    sim.configure({ tokenLifetimeSeconds: 3600 });
    expect((reply.json as { expires_in: number }).expires_in).toBe(120);
  });
});

describe('authentication and authorisation', () => {
  it('answers a missing or unknown token with 401 and an empty body', async () => {
    const missing = await call(sim, 'GET', '/api/company-groups');
    const invalid = await call(sim, 'GET', '/api/company-groups', { token: 'not-a-token' });
    expect([missing.status, missing.text]).toEqual([401, '']);
    expect([invalid.status, invalid.text]).toEqual([401, '']);
  });

  it('answers 401 once tokens are expired, and a fresh token works again', async () => {
    const own = await tokenFor(sim);
    sim.expireTokens();
    expect((await call(sim, 'GET', '/api/company-groups', { token: own })).status).toBe(401);
    token = await tokenFor(sim);
    expect((await call(sim, 'GET', '/api/company-groups', { token })).status).toBe(200);
  });

  it('expires tokens by their lifetime on the simulator clock', async () => {
    sim.configure({ tokenLifetimeSeconds: 60 });
    const own = await tokenFor(sim);
    sim.configure({ tokenLifetimeSeconds: 3600 });
    sim.advanceClock(59_000);
    expect((await call(sim, 'GET', '/api/company-groups', { token: own })).status).toBe(200);
    sim.advanceClock(2_000);
    const expired = await call(sim, 'GET', '/api/company-groups', { token: own });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    token = await tokenFor(sim);
  });

  it('answers an unknown path with 404 and a known path with another method with 405', async () => {
    expect((await call(sim, 'GET', '/api/nothing-here', { token })).status).toBe(404);
    expect((await call(sim, 'PATCH', '/api/company-groups', { token, body: {} })).status).toBe(405);
  });

  it('forbids company-group calls for a non-Reseller credential, but not companies search', async () => {
    const company = await tokenFor(sim, sim.credentials.nonReseller);
    expect((await call(sim, 'GET', '/api/company-groups', { token: company })).status).toBe(403);
    const search = await call(sim, 'POST', '/api/companies/search', { token: company, body: searchBody() });
    expect(search.status).toBe(200);
  });
});

describe('groups', () => {
  it('lists the seeded groups as CompanyGroupDto without members', async () => {
    const reply = await call(sim, 'GET', '/api/company-groups', { token });
    const groups = envelope<Record<string, unknown>[]>(reply).data;
    expect(groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['EU Customers', 'Finance', 'Enterprise Licences']),
    );
    for (const group of groups) {
      expect(Object.keys(group).sort()).toEqual(['addedTime', 'companyCount', 'name', 'resourceId']);
    }
  });

  it('reset() restores the seeded groups, ids included', async () => {
    const before = sim.state.groups().map((g) => ({ ...g, members: sim.state.groupMemberIds(g.resourceId) }));
    await call(sim, 'POST', '/api/company-groups', { token, body: { name: 'Temporary' } });
    await call(sim, 'DELETE', `/api/company-groups/${before[0]!.resourceId}`, { token });
    sim.reset();
    const after = sim.state.groups().map((g) => ({ ...g, members: sim.state.groupMemberIds(g.resourceId) }));
    expect(after).toEqual(before);
  });

  it('answers an unknown group with 404 FAILED', async () => {
    const reply = await call(sim, 'GET', '/api/company-groups/doesNotExist', { token });
    expect(reply.status).toBe(404);
    expect(envelope(reply).status).toBe('FAILED');
  });

  it('creates a group with members and a 12-character alphanumeric id', async () => {
    const members = sim.state
      .companies()
      .slice(0, 3)
      .map((c) => c.resourceId);
    const reply = await call(sim, 'POST', '/api/company-groups', {
      token,
      body: { name: '  Gold Partners  ', companyResourceIdArray: members },
    });
    expect(reply.status).toBe(200);
    const { resourceId } = envelope<{ resourceId: string }>(reply).data;
    expect(resourceId).toMatch(/^[A-Za-z0-9]{12}$/);
    const got = envelope<{ name: string; companyCount: number }>(
      await call(sim, 'GET', `/api/company-groups/${resourceId}`, { token }),
    ).data;
    expect(got).toMatchObject({ name: 'Gold Partners', companyCount: 3 });
    expect(sim.state.groupMemberIds(resourceId)).toEqual(members);
  });

  it.each([
    ['an empty name', { name: '   ' }, 'name'],
    ['a 65-character name', { name: 'x'.repeat(65) }, 'name'],
    ['a duplicate name (case-insensitive)', { name: 'finance' }, 'already exists'],
    ['an unknown company id', { name: 'New', companyResourceIdArray: ['nope12345678'] }, 'nope12345678'],
  ])('refuses %s with INPUT_ERROR', async (_label, body, mention) => {
    expectInputError(await call(sim, 'POST', '/api/company-groups', { token, body }), mention);
  });

  it('accepts a 64-character name', async () => {
    const reply = await call(sim, 'POST', '/api/company-groups', { token, body: { name: 'y'.repeat(64) } });
    expect(reply.status).toBe(200);
  });

  it('binds PascalCase request keys like camelCase ones', async () => {
    const reply = await call(sim, 'POST', '/api/company-groups', { token, body: { Name: 'Pascal Group' } });
    expect(reply.status).toBe(200);
    expect(sim.state.groupByName('pascal group')).toBeDefined();
  });

  it('rejects application/json-patch+json with INPUT_ERROR', async () => {
    const reply = await call(sim, 'POST', '/api/company-groups', {
      token,
      body: { name: 'Patchy' },
      contentType: 'application/json-patch+json',
    });
    expect(reply.status).toBe(400);
    expect(envelope(reply).status).toBe('INPUT_ERROR');
  });

  it('answers a body that is not JSON with 415, and broken JSON with INPUT_ERROR', async () => {
    const text = await call(sim, 'POST', '/api/company-groups', {
      token,
      body: 'name=x',
      contentType: 'text/plain',
    });
    const broken = await call(sim, 'POST', '/api/company-groups', { token, body: '{"name":' });
    expect(text.status).toBe(415);
    expect(envelope(broken).validationMessages?.join(' ')).toContain('not valid JSON');
  });

  it('update sets the members from the array; without it clears them (default) or keeps them (switched)', async () => {
    const finance = sim.state.groupByName('Finance')!;
    const before = sim.state.groupMemberIds(finance.resourceId);
    expect(before.length).toBeGreaterThan(1);
    const path = `/api/company-groups/${finance.resourceId}`;

    await call(sim, 'PUT', path, {
      token,
      body: { name: 'Finance', companyResourceIdArray: before.slice(0, 1) },
    });
    expect(sim.state.groupMemberIds(finance.resourceId)).toEqual(before.slice(0, 1));

    sim.configure({ updateWithoutMembers: 'keep' });
    await call(sim, 'PUT', path, { token, body: { name: 'Finance Renamed' } });
    expect(sim.state.groupMemberIds(finance.resourceId)).toEqual(before.slice(0, 1));

    sim.configure({ updateWithoutMembers: 'clear' });
    const reply = await call(sim, 'PUT', path, {
      token,
      body: { name: 'Finance Again', companyResourceIdArray: null },
    });
    expect(reply.status).toBe(200);
    expect(sim.state.groupMemberIds(finance.resourceId)).toEqual([]);
    expect(sim.state.group(finance.resourceId)?.name).toBe('Finance Again');
  });

  it('deletes one group, and several with bulk-delete', async () => {
    const [a, b, c] = sim.state.groups();
    expect((await call(sim, 'DELETE', `/api/company-groups/${a!.resourceId}`, { token })).status).toBe(200);
    expect((await call(sim, 'DELETE', `/api/company-groups/${a!.resourceId}`, { token })).status).toBe(404);
    const bulk = await call(sim, 'DELETE', '/api/company-groups/bulk-delete', {
      token,
      body: { items: [b!.resourceId, c!.resourceId] },
    });
    expect(bulk.status).toBe(200);
    expect(sim.state.group(a!.resourceId)).toBeUndefined();
    expect(sim.state.group(b!.resourceId)).toBeUndefined();
    expect(sim.state.group(c!.resourceId)).toBeUndefined();
  });
});

describe('participants', () => {
  function ids(n: number, from = 0) {
    return sim.state
      .companies()
      .slice(from, from + n)
      .map((c) => c.resourceId);
  }

  it('replaces the member list in replace mode', async () => {
    const group = sim.state.addGroup('Replace Me', ids(3));
    const reply = await call(sim, 'PUT', `/api/company-groups/${group.resourceId}/participants`, {
      token,
      body: { companyResourceIdArray: ids(2, 10) },
    });
    expect(reply.status).toBe(200);
    expect(sim.state.groupMemberIds(group.resourceId)).toEqual(ids(2, 10));
  });

  it('adds to the member list in additive mode (switched at runtime)', async () => {
    sim.configure({ participantsMode: 'additive' });
    const group = sim.state.addGroup('Add To Me', ids(3));
    await call(sim, 'PUT', `/api/company-groups/${group.resourceId}/participants`, {
      token,
      body: { companyResourceIdArray: [...ids(1), ...ids(2, 10)] },
    });
    expect(sim.state.groupMemberIds(group.resourceId)).toEqual([...ids(3), ...ids(2, 10)]);
  });

  it('removes members with DELETE and a body', async () => {
    const group = sim.state.addGroup('Shrink Me', ids(4));
    const reply = await call(sim, 'DELETE', `/api/company-groups/${group.resourceId}/participants`, {
      token,
      body: { companyResourceIdArray: ids(2) },
    });
    expect(reply.status).toBe(200);
    expect(sim.state.groupMemberIds(group.resourceId)).toEqual(ids(2, 2));
  });

  it('refuses unknown company ids and a missing array', async () => {
    const group = sim.state.addGroup('Strict', []);
    const path = `/api/company-groups/${group.resourceId}/participants`;
    const unknown = await call(sim, 'PUT', path, {
      token,
      body: { companyResourceIdArray: ['zzzzzzzzzzzz'] },
    });
    const missing = await call(sim, 'PUT', path, { token, body: {} });
    expect(envelope(unknown).status).toBe('INPUT_ERROR');
    expect(envelope(missing).validationMessages?.join(' ')).toContain('companyResourceIdArray');
  });
});

describe('search', () => {
  it.each([
    ['an empty body', {}, 'pageNumber'],
    ['filter: null', searchBody({ filter: null }), 'filter'],
    ['a missing filter', { pageNumber: 1, pageSize: 10, orderBy: 'CreateTime', ascending: false }, 'filter'],
    ['orderBy: null', searchBody({ orderBy: null }), 'orderBy'],
    ['pageNumber 0', searchBody({ pageNumber: 0 }), 'pageNumber'],
    ['pageSize 0', searchBody({ pageSize: 0 }), 'pageSize'],
    ['a string ascending', searchBody({ ascending: 'yes' }), 'ascending'],
    ['an unknown orderBy field', searchBody({ orderBy: 'Colour' }), 'Colour'],
  ])('refuses %s with INPUT_ERROR naming the field', async (_label, body, field) => {
    expectInputError(await call(sim, 'POST', '/api/company-groups/search', { token, body }), field);
  });

  it('refuses an empty request body', async () => {
    const reply = await call(sim, 'POST', '/api/company-groups/search', {
      token,
      body: '',
      contentType: 'application/json',
    });
    expect(envelope(reply).status).toBe('INPUT_ERROR');
  });

  it('finds groups by free text, case-insensitively, with search-with-parent behaving alike', async () => {
    for (const path of ['/api/company-groups/search', '/api/company-groups/search-with-parent']) {
      const reply = await call(sim, 'POST', path, {
        token,
        body: searchBody({ filter: { Condition: 'AND', SearchInputTextValue: 'LICENCE' } }),
      });
      const page = envelope<PageData<{ name: string; createTime: string }>>(reply).data;
      expect(page.results.map((g) => g.name)).toEqual(['Enterprise Licences']);
      expect(page.results[0]?.createTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  });

  it('pages group members, 1-based, ordered as asked', async () => {
    const eu = sim.state.groupByName('EU Customers')!;
    const total = sim.state.groupMemberIds(eu.resourceId).length;
    expect(total).toBeGreaterThan(6);
    const seen: string[] = [];
    let pages = 0;
    for (let page = 1; ; page++) {
      const reply = await call(sim, 'POST', `/api/company-groups/${eu.resourceId}/companies/search`, {
        token,
        body: searchBody({ pageNumber: page, pageSize: 4, orderBy: 'CompanyName', ascending: true }),
      });
      const data = envelope<PageData<{ companyName: string; companyResourceId: string }>>(reply).data;
      expect(data.totalNumberOfRecords).toBe(total);
      pages = data.totalNumberOfPages;
      if (data.results.length === 0) break;
      seen.push(...data.results.map((r) => r.companyName));
    }
    expect(pages).toBe(Math.ceil(total / 4));
    expect(seen).toHaveLength(total);
    expect(seen).toEqual([...seen].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  });

  it('applies filter groups with operators on member fields', async () => {
    const eu = sim.state.groupByName('EU Customers')!;
    const reply = await call(sim, 'POST', `/api/company-groups/${eu.resourceId}/companies/search`, {
      token,
      body: searchBody({
        filter: {
          condition: 'AND',
          searchInputTextValue: '',
          filterGroups: [
            {
              condition: 'OR',
              filterItems: [
                { fieldName: 'LicenseTypeName', operator: '=', value: 'Enterprise' },
                { fieldName: 'NumberOfUsers', operator: '>=', value: '1500' },
              ],
            },
          ],
        },
      }),
    });
    const results =
      envelope<PageData<{ licenseTypeName: string; numberOfUsers: string }>>(reply).data.results;
    const expected = sim.state
      .groupMemberIds(eu.resourceId)
      .map((id) => sim.state.company(id)!)
      .filter((c) => c.licenseTypeName === 'Enterprise' || c.numberOfUsers >= 1500);
    expect(results.length).toBe(expected.length);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results)
      expect(r.licenseTypeName === 'Enterprise' || Number(r.numberOfUsers) >= 1500).toBe(true);
  });

  it('finds the newest companies first with CreateTime descending, including one just created', async () => {
    const created = await call(sim, 'POST', '/api/companies', {
      token,
      body: { name: 'Brand New Ltd', industryName: 'Finance' },
    });
    const id = envelope<{ resourceId: string }>(created).data.resourceId;
    const reply = await call(sim, 'POST', '/api/companies/search', {
      token,
      body: searchBody({ pageSize: 5 }),
    });
    const page = envelope<PageData<{ companyResourceId: string; createTime: string }>>(reply).data;
    expect(page.results[0]?.companyResourceId).toBe(id);
    const times = page.results.map((r) => Date.parse(r.createTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.totalNumberOfRecords).toBe(sim.state.companies().length);
  });

  it('places a company created with CompanyGroupResourceIdArray into those groups', async () => {
    const pilot = sim.state.groupByName('Pilot Programme')!;
    const reply = await call(sim, 'POST', '/api/companies', {
      token,
      body: { Name: 'Pilot Co', CompanyGroupResourceIdArray: [pilot.resourceId] },
    });
    const id = envelope<{ resourceId: string }>(reply).data.resourceId;
    expect(sim.state.groupMemberIds(pilot.resourceId)).toEqual([id]);
  });
});

describe('company create as the vendor takes it (multipart/form-data)', () => {
  it('binds form fields, resource ids and repeated group ids', async () => {
    const [eu, finance] = [sim.state.groupByName('EU Customers')!, sim.state.groupByName('Finance')!];
    const form = new FormData();
    form.append('Name', 'Form Made GmbH');
    form.append('IndustryResourceId', 'IndFinance01');
    form.append('NumberOfUsers', '250');
    form.append('CompanyGroupResourceIdArray', eu.resourceId);
    form.append('CompanyGroupResourceIdArray', finance.resourceId);
    const response = await fetch(`${sim.url}/api/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { resourceId: string } };
    expect(sim.state.company(data.resourceId)).toMatchObject({ industryName: 'Finance', numberOfUsers: 250 });
    expect(sim.state.groupMemberIds(eu.resourceId)).toContain(data.resourceId);
    expect(sim.state.groupMemberIds(finance.resourceId)).toContain(data.resourceId);
  });

  it('refuses an unknown industry resource id', async () => {
    const form = new FormData();
    form.append('Name', 'Odd Industry');
    form.append('IndustryResourceId', 'nope');
    const response = await fetch(`${sim.url}/api/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('industryResourceId');
  });
});

describe('reply variants', () => {
  it('writes PascalCase keys when switched', async () => {
    sim.configure({ keyCase: 'pascal' });
    const reply = await call(sim, 'POST', '/api/company-groups/search', { token, body: searchBody() });
    const body = reply.json as { Data: { Results: { ResourceId: string }[] }; Status: string };
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.Results[0]?.ResourceId).toMatch(/^[A-Za-z0-9]{12}$/);
  });

  it('writes the { isSuccess, data, messages } envelope when switched', async () => {
    sim.configure({ envelope: 'isSuccess' });
    const ok = await call(sim, 'GET', '/api/company-groups', { token });
    const bad = await call(sim, 'POST', '/api/company-groups', { token, body: { name: '' } });
    expect(ok.json).toMatchObject({ isSuccess: true, messages: [] });
    expect(bad.json).toMatchObject({ isSuccess: false, data: null });
    expect((bad.json as { messages: string[] }).messages.length).toBeGreaterThan(0);
  });
});

describe('rate limit and counts', () => {
  it('answers 429 with Retry-After beyond the per-credential bucket', async () => {
    sim.configure({ rateLimit: { perSecond: 0.001, burst: 3, retryAfterSeconds: 7 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const reply = await call(sim, 'GET', '/api/company-groups', { token });
      statuses.push(reply.status);
      if (reply.status === 429) retryAfter = reply.headers.get('retry-after');
    }
    // The other credential has its own bucket.
    const other = await tokenFor(sim, sim.credentials.nonReseller);
    const otherReply = await call(sim, 'POST', '/api/companies/search', { token: other, body: searchBody() });
    sim.configure({ rateLimit: null });
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(retryAfter).toBe('7');
    expect(otherReply.status).toBe(200);
  });

  it('counts requests per spec route template, token requests included', async () => {
    sim.resetCounts();
    const group = sim.state.groupByName('Finance')!;
    await tokenFor(sim);
    await call(sim, 'GET', `/api/company-groups/${group.resourceId}`, { token });
    await call(sim, 'GET', `/api/company-groups/${group.resourceId}`, { token });
    await call(sim, 'PUT', `/api/company-groups/${group.resourceId}/participants`, {
      token,
      body: { companyResourceIdArray: [] },
    });
    expect(sim.counts()).toEqual({
      'POST /connect/token': 1,
      'GET /api/company-groups/{resourceId}': 2,
      'PUT /api/company-groups/{resourceId}/participants': 1,
    });
    sim.resetCounts();
    expect(sim.count('POST /connect/token')).toBe(0);
  });

  it('records exchanges without the Authorization header or the client secret', async () => {
    sim.configure({ recordExchanges: true });
    sim.clearExchanges();
    await tokenFor(sim);
    await call(sim, 'GET', '/api/company-groups', { token });
    sim.configure({ recordExchanges: false });
    const [tokenExchange, listExchange] = sim.exchanges();
    expect(tokenExchange?.requestBody).toMatchObject({ client_secret: '[redacted]' });
    expect(listExchange).toMatchObject({ method: 'GET', template: '/api/company-groups', status: 200 });
    expect(listExchange?.requestHeaders.authorization).toBeUndefined();
    expect(JSON.stringify(sim.exchanges())).not.toContain(token);
  });
});
