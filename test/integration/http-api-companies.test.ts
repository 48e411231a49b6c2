// Company routes of the `api` function end to end: API Gateway events through the real handler, the
// real Keepnet client over HTTP to the simulator. Listing and searching companies, one company with
// its groups, companies in no group, a group by name; the Keepnet calls each costs; hostile replies
// (null createTime, nested children, failures, a deadline); and every answer against the document.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type Emulators, startEmulators } from '../../local/emulators';
import {
  type ApiCallResult,
  callApi,
  makeLambdaContext,
  type ProxyEventInput,
} from '../../local/lambda-events';
import { checkAnswersAgainstDocument } from './api-contract';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const MEMBERS_SEARCH = 'POST /api/company-groups/{resourceId}/companies/search';
const COMPANIES_SEARCH = 'POST /api/companies/search';
const GROUP_LIST = 'GET /api/company-groups';

let stack: Emulators;
let restoreEnv: () => void;
let handler: Handler;

beforeAll(async () => {
  stack = await startEmulators();
  restoreEnv = stack.applyEnv();
  handler = (await import('../../functions/api/handler')).handler;
});

afterAll(async () => {
  const { resetKeepnetClientFromEnv } = await import('../../lib/keepnet/index');
  await resetKeepnetClientFromEnv();
  restoreEnv?.();
  await stack?.close();
});

beforeEach(() => {
  stack.keepnet.reset();
  stack.keepnet.clearFaults();
  stack.keepnet.configure({ quirks: {}, latencyMs: 0 });
  stack.keepnet.resetCounts();
});

const answers: { method: string; path: string; result: ApiCallResult }[] = [];
const call = async (input: ProxyEventInput, timeoutMs?: number): Promise<ApiCallResult> => {
  const context = makeLambdaContext(timeoutMs === undefined ? {} : { timeoutMs });
  const result = await callApi(handler, input, context);
  answers.push({ method: input.method, path: new URL(input.path, 'https://x').pathname, result });
  return result;
};
const get = (path: string) => call({ method: 'GET', path });
const errorOf = (result: ApiCallResult) =>
  (result.body as { error: { code: string; message: string; details?: unknown } }).error;
const state = () => stack.keepnet.state;

interface CompanyRow {
  companyResourceId: string;
  companyName: string | null;
  createTime: string | null;
}
interface CompanyPage {
  results: CompanyRow[];
  totalNumberOfRecords: number;
  truncated?: boolean;
}

/** The simulator's truth: the ids of the companies in no group. */
function orphanIds(): string[] {
  const grouped = new Set(
    state()
      .groups()
      .flatMap((group) => state().groupMemberIds(group.resourceId)),
  );
  return state()
    .companies()
    .map((company) => company.resourceId)
    .filter((id) => !grouped.has(id))
    .sort();
}

/** The simulator's truth: the names of the groups a company is in. */
function groupNamesOf(companyId: string): string[] {
  return state()
    .groups()
    .filter((group) => state().groupMemberIds(group.resourceId).includes(companyId))
    .map((group) => group.name)
    .sort();
}

describe('GET /companies', () => {
  it('answers one page of companies, free text over names, in one Keepnet call', async () => {
    const word = state().companies()[0]!.name.split(' ')[0]!;
    const result = await get(`/companies?search=${encodeURIComponent(word.toLowerCase())}&pageSize=5`);
    expect(result.status).toBe(200);
    const page = result.body as CompanyPage;
    const expected = state()
      .companies()
      .filter((company) => company.name.toLowerCase().includes(word.toLowerCase()));
    expect(page.totalNumberOfRecords).toBe(expected.length);
    expect(page.results.length).toBe(Math.min(5, expected.length));
    for (const row of page.results) expect(row.companyName?.toLowerCase()).toContain(word.toLowerCase());
    expect(stack.keepnet.count(COMPANIES_SEARCH)).toBe(1);
  });

  it('pages through every company with pageNumber and pageSize', async () => {
    const seen = new Set<string>();
    for (let pageNumber = 1; pageNumber <= 5; pageNumber++) {
      const page = (await get(`/companies?pageNumber=${pageNumber}&pageSize=10`)).body as CompanyPage;
      for (const row of page.results) seen.add(row.companyResourceId);
    }
    expect([...seen].sort()).toEqual(
      state()
        .companies()
        .map((c) => c.resourceId)
        .sort(),
    );
  });

  it('refuses bad queries with the field and the rule, before calling Keepnet', async () => {
    const tooLong = await get(`/companies?search=${'a'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(errorOf(tooLong))).toMatch(/search/);
    expect(JSON.stringify(errorOf(tooLong))).toMatch(/200/);
    const paged = await get('/companies?inNoGroup=true&pageSize=10');
    expect(paged.status).toBe(400);
    expect(JSON.stringify(errorOf(paged))).toMatch(/pageSize/);
    const notBoolean = await get('/companies?inNoGroup=yes');
    expect(notBoolean.status).toBe(400);
    expect(JSON.stringify(errorOf(notBoolean))).toMatch(/inNoGroup/);
    const unknown = await get('/companies?colour=red');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(errorOf(unknown))).toMatch(/colour/);
    expect(stack.keepnet.counts()).toEqual({});
  });
});

describe('GET /companies?inNoGroup=true', () => {
  it('answers exactly the companies in no group: one group list, one members call per group', async () => {
    const expected = orphanIds();
    expect(expected.length).toBeGreaterThan(0);
    const result = await get('/companies?inNoGroup=true');
    expect(result.status).toBe(200);
    const page = result.body as CompanyPage;
    expect(page.results.map((row) => row.companyResourceId).sort()).toEqual(expected);
    expect(page.totalNumberOfRecords).toBe(expected.length);
    expect(page.truncated).toBe(false);
    expect(stack.keepnet.count(GROUP_LIST)).toBe(1);
    expect(stack.keepnet.count(MEMBERS_SEARCH)).toBe(state().groups().length);
    expect(stack.keepnet.count(COMPANIES_SEARCH)).toBe(1);
  });

  it('narrows to a search, and follows a change in Keepnet at once', async () => {
    const orphan = state().company(orphanIds()[0]!)!;
    const word = orphan.name.split(' ')[0]!;
    const narrowed = (await get(`/companies?inNoGroup=true&search=${encodeURIComponent(word)}`))
      .body as CompanyPage;
    expect(narrowed.results.map((row) => row.companyResourceId)).toContain(orphan.resourceId);
    for (const row of narrowed.results) {
      expect(row.companyName?.toLowerCase()).toContain(word.toLowerCase());
      expect(orphanIds()).toContain(row.companyResourceId);
    }
    state().setGroupMembers(state().groupByName('Pilot Programme')!.resourceId, [orphan.resourceId]);
    const after = (await get('/companies?inNoGroup=true')).body as CompanyPage;
    expect(after.results.map((row) => row.companyResourceId)).not.toContain(orphan.resourceId);
  });

  it('survives what the spec allows: null createTime everywhere, companies nested under a parent', async () => {
    const [parent, child] = orphanIds();
    stack.keepnet.configure({ quirks: { nullCreateTime: 'all', childrenOf: { [parent!]: [child!] } } });
    const page = (await get('/companies?inNoGroup=true')).body as CompanyPage;
    expect(page.results.map((row) => row.companyResourceId).sort()).toEqual(orphanIds());
    expect(page.results.every((row) => row.createTime === null)).toBe(true);
  });

  it('answers 502 and nothing partial when a group cannot be read', async () => {
    stack.keepnet.injectFaults({ kind: 'server-error', route: MEMBERS_SEARCH, times: Infinity });
    const result = await get('/companies?inNoGroup=true');
    expect([result.status, errorOf(result).code]).toEqual([502, 'UPSTREAM_UNAVAILABLE']);
    expect(result.body).not.toHaveProperty('results');
  });

  it('stops at the request deadline with 504 instead of running on', async () => {
    stack.keepnet.configure({ latencyMs: 400 });
    const result = await call({ method: 'GET', path: '/companies?inNoGroup=true' }, 1_200);
    expect([result.status, errorOf(result).code]).toEqual([504, 'UPSTREAM_TIMEOUT']);
  });
});

describe('GET /companies/{companyResourceId}', () => {
  it('answers a company with exactly the groups it is in', async () => {
    const finance = state().groupByName('Finance')!;
    const companyId = state().groupMemberIds(finance.resourceId)[0]!;
    const result = await get(`/companies/${companyId}`);
    expect(result.status).toBe(200);
    const body = result.body as {
      company: CompanyRow;
      groups: { resourceId: string; name: string; companyCount: number }[];
    };
    expect(body.company.companyResourceId).toBe(companyId);
    expect(body.company.companyName).toBe(state().company(companyId)!.name);
    expect(body.groups.map((group) => group.name).sort()).toEqual(groupNamesOf(companyId));
    expect(body.groups.find((group) => group.name === 'Finance')).toEqual({
      resourceId: finance.resourceId,
      name: 'Finance',
      companyCount: state().groupMemberIds(finance.resourceId).length,
    });
    // No call per group and company: the group list, one members call per group, the companies. (A read
    // retried after a keep-alive socket was closed under load may add one; 50 companies would add 200.)
    expect(stack.keepnet.count(GROUP_LIST)).toBe(1);
    expect(stack.keepnet.count(MEMBERS_SEARCH)).toBeGreaterThanOrEqual(state().groups().length);
    expect(stack.keepnet.count(MEMBERS_SEARCH)).toBeLessThanOrEqual(state().groups().length + 1);
    expect(stack.keepnet.count(COMPANIES_SEARCH)).toBe(1);
  });

  it('answers [] for a company in no group, 404 for an unknown id, 400 for a malformed one', async () => {
    const orphan = orphanIds()[0]!;
    expect((await get(`/companies/${orphan}`)).body).toMatchObject({ groups: [] });
    const missing = await get('/companies/AAAAAAAAAAAA');
    expect([missing.status, errorOf(missing).code]).toEqual([404, 'NOT_FOUND']);
    expect(errorOf(missing).message).toContain('AAAAAAAAAAAA');
    const tooLong = await get(`/companies/${'a'.repeat(65)}`);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(errorOf(tooLong))).toMatch(/companyResourceId/);
    const badChars = await get('/companies/a%2Eb');
    expect(badChars.status).toBe(400);
  });
});

describe('GET /groups/by-name/{name}', () => {
  it('finds a group by exact name, compared case-insensitively, in one call', async () => {
    const result = await get('/groups/by-name/eu%20customers');
    expect(result.status).toBe(200);
    const group = state().groupByName('EU Customers')!;
    expect(result.body).toMatchObject({ resourceId: group.resourceId, name: 'EU Customers' });
    expect(stack.keepnet.count(GROUP_LIST)).toBe(1);
  });

  it('answers 404 for a name no group has, even one that a group name contains', async () => {
    const result = await get('/groups/by-name/Financ');
    expect([result.status, errorOf(result).code]).toEqual([404, 'NOT_FOUND']);
  });

  it('takes a group named like a sub-resource for that group, not for a members route', async () => {
    state().addGroup('companies');
    const result = await get('/groups/by-name/companies');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ name: 'companies' });
    const post = await call({ method: 'POST', path: '/groups/by-name/companies', body: {} });
    expect(post.status).toBe(405);
  });

  it('refuses an empty or over-long name with the field and the rule', async () => {
    const blank = await get('/groups/by-name/%20%20');
    expect(blank.status).toBe(400);
    expect(JSON.stringify(errorOf(blank))).toMatch(/name/);
    const long = await get(`/groups/by-name/${'n'.repeat(65)}`);
    expect(long.status).toBe(400);
    expect(JSON.stringify(errorOf(long))).toMatch(/64/);
    expect(stack.keepnet.counts()).toEqual({});
  });
});

// Runs last: every answer above matches the schema the OpenAPI document declares for it.
describe('contract', () => {
  it('every answer given in this file matches the documented response schema', async () => {
    const doc = (await callApi(handler, { method: 'GET', path: '/openapi.json' })).body as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, object> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/companies', '/companies/{companyResourceId}', '/groups/by-name/{name}']),
    );
    const checked = checkAnswersAgainstDocument(doc, answers);
    for (const key of [
      'listCompanies 200',
      'listCompanies 400',
      'listCompanies 502',
      'getCompany 200',
      'getCompany 404',
      'getGroupByName 200',
      'getGroupByName 404',
    ]) {
      expect(checked).toContain(key);
    }
  });
});
