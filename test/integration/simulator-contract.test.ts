// The simulator's own traffic checked against the vendor's OpenAPI document: every recorded
// request body and JSON reply must satisfy the documented schemas.
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import { matchRoute } from '../../local/keepnet-simulator/routes';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';
import { describeContract, specOperations, validateRequest, validateResponse } from '../support/contract';
import { call, searchBody, tokenFor } from './simulator-http';

describeContract('simulator replies match the vendor contract', () => {
  let sim: KeepnetSimulator;

  beforeAll(async () => {
    sim = await startKeepnetSimulator({ recordExchanges: true });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('documents every successful exchange of a full tour of the API', async () => {
    const token = await tokenFor(sim);
    const companies = sim.state.companies().map((c) => c.resourceId);
    const created = await call(sim, 'POST', '/api/company-groups', {
      token,
      body: { name: 'Contract Tour', companyResourceIdArray: companies.slice(0, 2) },
    });
    const id = (created.json as { data: { resourceId: string } }).data.resourceId;
    await call(sim, 'GET', '/api/company-groups', { token });
    await call(sim, 'GET', `/api/company-groups/${id}`, { token });
    await call(sim, 'PUT', `/api/company-groups/${id}`, {
      token,
      body: { name: 'Contract Tour 2', companyResourceIdArray: companies.slice(0, 3) },
    });
    await call(sim, 'PUT', `/api/company-groups/${id}/participants`, {
      token,
      body: { companyResourceIdArray: companies.slice(3, 5) },
    });
    await call(sim, 'DELETE', `/api/company-groups/${id}/participants`, {
      token,
      body: { companyResourceIdArray: companies.slice(3, 4) },
    });
    await call(sim, 'POST', '/api/company-groups/search', { token, body: searchBody() });
    await call(sim, 'POST', '/api/company-groups/search-with-parent', { token, body: searchBody() });
    await call(sim, 'POST', `/api/company-groups/${id}/companies/search`, { token, body: searchBody() });
    await call(sim, 'POST', '/api/companies/search', { token, body: searchBody({ pageSize: 5 }) });
    await call(sim, 'POST', `/api/company-groups/${id}/companies/search/export`, {
      token,
      body: { ...searchBody(), exportType: 'CSV', reportAllPages: true },
    });
    await call(sim, 'DELETE', `/api/company-groups/${id}`, { token });

    const exchanges = sim.exchanges();
    expect(exchanges.length).toBe(13);
    const problems: string[] = [];
    for (const exchange of exchanges) {
      expect(exchange.status).toBe(200);
      const label = `${exchange.method} ${exchange.template}`;
      const contentType = exchange.requestHeaders['content-type'];
      if (contentType && exchange.requestBody !== undefined) {
        const request = validateRequest(exchange.method, exchange.path, contentType, exchange.requestBody);
        if (!request.valid) problems.push(`${label} request: ${request.errors.join('; ')}`);
      }
      const response = validateResponse(
        exchange.method,
        exchange.template,
        exchange.status,
        exchange.responseBody,
      );
      if (!response.valid) problems.push(`${label} response: ${response.errors.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('serves every company-group operation of the document, the token endpoint and the company calls used', () => {
    const used = [
      'POST /connect/token',
      'POST /api/companies/search',
      'POST /api/companies',
      'GET /api/companies/{resourceId}',
    ];
    const wanted = specOperations().filter(
      (op) => op.template.startsWith('/api/company-groups') || used.includes(`${op.method} ${op.template}`),
    );
    expect(wanted.length).toBe(17);
    const unserved = wanted.filter((op) => {
      const match = matchRoute(op.method, op.template.replace('{resourceId}', 'AbCdEfGh1234'));
      return match.kind !== 'found' || match.route.template !== op.template;
    });
    expect(unserved).toEqual([]);
  });

  it('the validator catches a reply that breaks the schema', () => {
    const bad = validateResponse('GET', '/api/company-groups', 200, {
      data: [{ resourceId: 'x', name: 'n', companyCount: 'three', members: [] }],
      status: 'SUCCESS',
      message: null,
      validationMessages: [],
    });
    expect(bad.valid).toBe(false);
    expect(bad.errors.join(' ')).toMatch(/companyCount|additional/);
  });

  it('the validator knows the request media types the vendor lists', () => {
    const ok = validateRequest('PUT', '/api/company-groups/abc/participants', 'application/json', {
      companyResourceIdArray: ['a'],
    });
    const wrongType = validateRequest('PUT', '/api/company-groups/abc/participants', 'text/plain', {});
    const wrongShape = validateRequest('POST', '/api/company-groups', 'application/json', { name: '' });
    expect(ok.valid).toBe(true);
    expect(wrongType.valid).toBe(false);
    expect(wrongShape.valid).toBe(false);
  });
});
