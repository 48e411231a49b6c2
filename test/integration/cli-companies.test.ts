// `companies list | get | orphans` against the local Keepnet simulator over HTTP, in-process through
// runCli (the bin's code minus process.exit): what each prints, its exit codes, and the calls it makes.
import type { CompanySummary } from '../../lib/keepnet/types';
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import { type CliStack, runCliCaptured, startCliStack } from './cli-harness';

let local: CliStack;
const cli = (argv: string[]) => runCliCaptured(argv, local.credentialsEnv, local.workDir);

async function json<T>(argv: string[]): Promise<T> {
  const run = await cli([...argv, '--json']);
  expect(run).toMatchObject({ code: 0 });
  return JSON.parse(run.stdout) as T;
}

const sim = () => local.stack.keepnet;
const MEMBERS_SEARCH = 'POST /api/company-groups/{resourceId}/companies/search';

function orphanIds(): string[] {
  const state = sim().state;
  const grouped = new Set(state.groups().flatMap((group) => state.groupMemberIds(group.resourceId)));
  return state
    .companies()
    .map((company) => company.resourceId)
    .filter((id) => !grouped.has(id))
    .sort();
}

beforeAll(async () => {
  local = await startCliStack('keepnet-cli-companies-');
});

afterAll(async () => {
  await local?.close();
});

beforeEach(() => {
  sim().reset();
  sim().clearFaults();
  sim().resetCounts();
});

describe('companies list', () => {
  it('lists every company, and with --search those whose name contains the text', async () => {
    const all = await json<CompanySummary[]>(['companies', 'list']);
    expect(all.map((c) => c.companyResourceId).sort()).toEqual(
      sim()
        .state.companies()
        .map((c) => c.resourceId)
        .sort(),
    );
    const word = sim().state.companies()[3]!.name.split(' ')[1]!;
    const found = await json<CompanySummary[]>(['companies', 'list', '--search', word.toUpperCase()]);
    const expected = sim()
      .state.companies()
      .filter((c) => c.name.toLowerCase().includes(word.toLowerCase()))
      .map((c) => c.resourceId)
      .sort();
    expect(found.map((c) => c.companyResourceId).sort()).toEqual(expected);
    const table = await cli(['companies', 'list', '--search', word]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^RESOURCE ID\s+NAME/);
    expect(table.stdout.trim().split('\n')).toHaveLength(expected.length + 1);
  });

  it('refuses an over-long --search with exit 1, before calling Keepnet', async () => {
    const run = await cli(['companies', 'list', '--search', 'x'.repeat(201)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--search must be at most 200 characters/);
    expect(sim().count('POST /api/companies/search')).toBe(0);
  });
});

describe('companies get', () => {
  it('prints a company with its groups, by id or by exact name, with one members call per group', async () => {
    const finance = sim().state.groupByName('Finance')!;
    const id = sim().state.groupMemberIds(finance.resourceId)[0]!;
    const company = sim().state.company(id)!;
    const expectedGroups = sim()
      .state.groups()
      .filter((group) => sim().state.groupMemberIds(group.resourceId).includes(id))
      .map((group) => group.name)
      .sort();
    const byId = await json<{ company: CompanySummary; groups: { name: string }[] }>([
      'companies',
      'get',
      id,
    ]);
    expect(byId.company.companyName).toBe(company.name);
    expect(byId.groups.map((g) => g.name).sort()).toEqual(expectedGroups);
    expect(sim().count(MEMBERS_SEARCH)).toBe(sim().state.groups().length);
    const byName = await json<{ company: CompanySummary }>(['companies', 'get', company.name]);
    expect(byName.company.companyResourceId).toBe(id);
    const text = await cli(['companies', 'get', id]);
    expect(text.stdout).toContain(company.name);
    expect(text.stdout).toContain(`in ${expectedGroups.length} group(s):`);
    expect(text.stdout).toContain('Finance');
  });

  it('says "in no group" for an orphan; exit 2 for no such company, 1 for an ambiguous name', async () => {
    const orphan = sim().state.company(orphanIds()[0]!)!;
    const text = await cli(['companies', 'get', orphan.resourceId]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('in no group');
    const missing = await cli(['companies', 'get', 'No Such Company Ltd']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no company with id or name "No Such Company Ltd"');
    sim().state.addCompany({ name: 'Twin Ltd' });
    sim().state.addCompany({ name: 'Twin Ltd ' });
    const ambiguous = await cli(['companies', 'get', 'Twin Ltd']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/ambiguous/);
  });
});

describe('companies orphans', () => {
  it('prints exactly the companies in no group, and the count on stderr', async () => {
    const orphans = await json<CompanySummary[]>(['companies', 'orphans']);
    expect(orphans.map((c) => c.companyResourceId).sort()).toEqual(orphanIds());
    const run = await cli(['companies', 'orphans']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `${orphanIds().length} of ${sim().state.companies().length} companies in no group (${sim().state.groups().length} groups read)`,
    );
    expect(run.stdout.trim().split('\n')).toHaveLength(orphanIds().length + 1);
  });

  it('exits 4 when Keepnet keeps failing, printing no partial list', async () => {
    sim().injectFaults({ kind: 'server-error', route: MEMBERS_SEARCH, times: Infinity });
    const run = await cli(['companies', 'orphans']);
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
  });
});

describe('at scale', () => {
  it('reads 100 groups × 50 members and 5,000 companies in one call per group, plus two', async () => {
    const big = await startKeepnetSimulator({
      seed: { companies: 5_000, extraGroups: 100, membersPerExtraGroup: 50 },
    });
    try {
      const { clientId, clientSecret } = big.credentials.reseller;
      const env = {
        KEEPNET_CLIENT_ID: clientId,
        KEEPNET_CLIENT_SECRET: clientSecret,
        KEEPNET_BASE_URL: big.url,
      };
      const run = await runCliCaptured(['companies', 'orphans', '--json'], env, local.workDir);
      expect(run.code).toBe(0);
      const grouped = new Set(
        big.state.groups().flatMap((group) => big.state.groupMemberIds(group.resourceId)),
      );
      const expected = big.state.companies().filter((company) => !grouped.has(company.resourceId));
      expect((JSON.parse(run.stdout) as CompanySummary[]).length).toBe(expected.length);
      // 104 groups (the 4 seeded and 100 more): the group list, one members page each, one companies page.
      expect(big.state.groups()).toHaveLength(104);
      expect(big.count('GET /api/company-groups')).toBe(1);
      expect(big.count(MEMBERS_SEARCH)).toBe(104);
      expect(big.count('POST /api/companies/search')).toBe(1);
    } finally {
      await big.close();
    }
  });
});
