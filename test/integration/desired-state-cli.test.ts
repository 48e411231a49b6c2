// Groups as code (issue 16): `plan` and `apply` against a real local system — the Keepnet simulator,
// s3rver, SQS FIFO — with the real onboarding-worker handler consuming the queue, the CLI attached with
// --local as to `npm start -- --serve`. Every write goes through the worker (the one writer).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { type Plan, PlanSchema } from '../../lib/desired-state/plan';
import { AWKWARD_COMPANY_NAME } from '../../local/keepnet-simulator/seed';
import type { SimCompany } from '../../local/keepnet-simulator/types';
import type { LocalSystem } from '../../local/runner/local-system';
import { type CliSystem, type CliRun as Run, startCliSystem } from '../support/cli-system';
import { simulatorGroups } from '../support/simulator-writes';

// Applies wait for the worker: generous on a shared 2-core machine.
jest.setTimeout(30_000);

let world: CliSystem;
let system: LocalSystem;
let dataDir: string;
const cli = (argv: string[]): Promise<Run> => world.cli(argv);

/** The exit code, with stderr in the failure message when it is not the one expected. */
function expectExit(run: Run, code: number): void {
  if (run.code !== code) throw new Error(`exit ${run.code}, expected ${code}; stderr:\n${run.stderr}`);
}

const sim = () => system.simulator;
const { groupId, memberIds, companyIds, writes } = simulatorGroups(sim);

/** The desired state that matches the simulator now, for the groups named. */
function currentState(names: string[]) {
  return { version: 1, groups: names.map((name) => ({ name, members: memberIds(name) })) };
}

async function file(name: string, content: unknown): Promise<string> {
  await writeFile(join(dataDir, name), typeof content === 'string' ? content : stringify(content));
  return name;
}

beforeAll(async () => {
  world = await startCliSystem({ tag: 'desired-state', companies: 30 });
  system = world.system;
  dataDir = world.dataDir;
}, 30_000);

afterAll(async () => {
  await world?.close();
});

describe('plan', () => {
  it('exits 0 when Keepnet already matches the file, listing other groups as unmanaged', async () => {
    await file('same.yaml', currentState(['Finance', 'EU Customers']));
    sim().resetCounts();
    const run = await cli(['plan', '-f', 'same.yaml']);
    expectExit(run, 0);
    expect(run.stdout).toContain('No changes: Keepnet matches same.yaml (2 group(s); ');
    expect(run.stdout).toMatch(/Unmanaged \(not in same\.yaml; never changed\):\n\s+"Enterprise Licences"/);
    expect(writes()).toBe(0);
  });

  it('plans exactly the members added and removed, and the group to create; exit 2', async () => {
    const finance = memberIds('Finance');
    const outsider = companyIds().find((id) => !finance.includes(id))!;
    const removed = finance[0]!;
    const newcomer = sim().state.companies()[3]!;
    await file('change.yaml', {
      version: 1,
      groups: [
        { name: 'Finance', members: [...finance.slice(1), outsider] },
        { name: 'Pilot wave 2', members: [newcomer.name] },
      ],
    });
    const run = await cli(['plan', '-f', 'change.yaml', '--json']);
    expectExit(run, 2);
    const plan = PlanSchema.parse(JSON.parse(run.stdout));
    expect(plan.groups).toEqual([
      expect.objectContaining({
        name: 'Finance',
        groupId: groupId('Finance'),
        add: [outsider],
        remove: [removed],
      }),
      expect.objectContaining({
        name: 'Pilot wave 2',
        groupId: null,
        add: [newcomer.resourceId],
        remove: [],
      }),
    ]);
    expect(plan.summary).toMatchObject({
      groupsToCreate: 1,
      groupsToChange: 1,
      membersToAdd: 2,
      membersToRemove: 1,
    });
    const text = await cli(['plan', '-f', 'change.yaml']);
    expectExit(text, 2);
    expect(text.stdout).toContain(`  ~ group "Finance" (${groupId('Finance')}): 1 to add, 1 to remove`);
    expect(text.stdout).toContain(`      - ${removed}`);
    expect(text.stdout).toContain(`  + create group "Pilot wave 2" with 1 member(s)`);
    expect(text.stdout).toContain(
      'Plan: 1 group(s) to create, 2 member(s) to add and 1 to remove in 2 group(s)',
    );
  });

  it('rules over Keepnet fields and CSV attributes select companies', async () => {
    const companies = sim().state.companies();
    const industry = companies[0]!.industryName!;
    const tagged = companies.slice(5, 8);
    await file(
      'crm.csv',
      ['companyResourceId,tier', ...tagged.map((c) => `${c.resourceId},gold`)].join('\n'),
    );
    await file('rules.yaml', {
      version: 1,
      groups: [
        { name: 'By industry', rules: [{ when: { industryName: industry } }] },
        { name: 'Gold tier', rules: [{ when: { 'csv.tier': 'GOLD' } }] },
      ],
    });
    const run = await cli(['plan', '-f', 'rules.yaml', '--attributes', 'crm.csv', '--json']);
    expectExit(run, 2);
    const plan = JSON.parse(run.stdout) as Plan;
    expect(plan.groups[0]!.add).toEqual(
      companies
        .filter((c) => c.industryName === industry)
        .map((c) => c.resourceId)
        .sort(),
    );
    expect(plan.groups[1]!.add).toEqual(tagged.map((c) => c.resourceId).sort());
  });

  it('plans the full example of docs/ against the seeded simulator', async () => {
    for (const name of ['groups.example.yaml', 'crm.example.csv']) {
      await file(name, await readFile(join(__dirname, '../../docs', name), 'utf8'));
    }
    const run = await cli(['plan', '-f', 'groups.example.yaml', '--attributes', 'crm.example.csv', '--json']);
    expectExit(run, 2);
    const plan = PlanSchema.parse(JSON.parse(run.stdout));
    const awkward = sim().state.companyByName(AWKWARD_COMPANY_NAME)!.resourceId;
    const wanted = (name: string) => {
      const group = plan.groups.find((g) => g.name === name)!;
      return [...group.before.filter((id) => !group.remove.includes(id)), ...group.add].sort();
    };
    const where = (test: (c: SimCompany) => boolean) =>
      sim()
        .state.companies()
        .filter(test)
        .map((c) => c.resourceId)
        .sort();
    expect(wanted('Regulated')).toEqual(
      where(
        (c) =>
          ['Finance', 'Healthcare', 'Legal'].includes(c.industryName) ||
          (c.industryName === 'Public Sector' && c.licenseTypeName !== 'Trial'),
      ),
    );
    expect(wanted('EU Customers')).toEqual([awkward]);
    expect(wanted('Gold Partners')).toEqual(
      [...new Set([awkward, ...where((c) => c.tags.includes('msp-gold'))])].sort(),
    );
    expect(plan.groups.find((g) => g.name === 'Pilot wave 2')).toMatchObject({ desiredCount: 0 });
  });
});

describe('apply', () => {
  it('refuses removals without --allow-removals, naming them, and writes nothing', async () => {
    const finance = memberIds('Finance');
    await file('shrink.yaml', { version: 1, groups: [{ name: 'Finance', members: finance.slice(1) }] });
    sim().resetCounts();
    const run = await cli(['apply', '-f', 'shrink.yaml']);
    expectExit(run, 1);
    expect(run.stderr).toContain('Add --allow-removals');
    expect(run.stderr).toContain(`group "Finance": 1 to remove: ${finance[0]}`);
    expect(writes()).toBe(0);
    expect(memberIds('Finance')).toEqual(finance);
  });

  it('applies through the worker, then the same file plans no change (exit 0)', async () => {
    const finance = memberIds('Finance');
    const outsider = companyIds().find((id) => !finance.includes(id))!;
    await file('apply.yaml', {
      version: 1,
      groups: [
        { name: 'Finance', members: [...finance.slice(1), outsider] },
        { name: 'Pilot wave 3', members: companyIds().slice(0, 2) },
      ],
    });
    const run = await cli(['apply', '-f', 'apply.yaml', '--allow-removals']);
    expect(run.stderr).toContain(`queued add of 1 on "Finance"`);
    expectExit(run, 0);
    expect(run.stdout).toMatch(/create: group \w{12} "Pilot wave 3": created/);
    expect(run.stdout).toMatch(/add: group \w{12} "Finance": 1 added, 0 already so \(operation op_/);
    expect(run.stdout).toMatch(/remove: group \w{12} "Finance": 1 removed, 0 already so/);
    expect(memberIds('Finance')).toEqual([...finance.slice(1), outsider].sort());
    expect(memberIds('Pilot wave 3')).toEqual(companyIds().slice(0, 2).sort());
    const again = await cli(['plan', '-f', 'apply.yaml']);
    expectExit(again, 0);
    expect(again.stdout).toContain('No changes');
  });

  it('applies a saved plan exactly; refuses it (exit 7, naming what moved) once Keepnet moved', async () => {
    const eu = memberIds('EU Customers');
    const outsiders = companyIds().filter((id) => !eu.includes(id));
    await file('eu.yaml', {
      version: 1,
      groups: [{ name: 'EU Customers', members: [...eu, outsiders[0]!] }],
    });
    expect((await cli(['plan', '-f', 'eu.yaml', '-o', 'eu-plan.json'])).code).toBe(2);
    expect(
      PlanSchema.parse(JSON.parse(await readFile(join(dataDir, 'eu-plan.json'), 'utf8'))).fingerprint,
    ).toMatch(/^[0-9a-f]{64}$/);
    // Somebody else changes the group after the plan.
    sim().state.setGroupMembers(groupId('EU Customers')!, [...eu, outsiders[1]!]);
    sim().resetCounts();
    const stale = await cli(['apply', '--plan', 'eu-plan.json']);
    expectExit(stale, 7);
    expect(stale.stderr).toContain(
      `group "EU Customers" (${groupId('EU Customers')}): 1 member(s) added (${outsiders[1]})`,
    );
    expect(writes()).toBe(0);

    // Planned again, the saved plan applies exactly; applying it twice is a no-op, not a conflict.
    expect((await cli(['plan', '-f', 'eu.yaml', '-o', 'eu-plan.json'])).code).toBe(2);
    const applied = await cli(['apply', '--plan', 'eu-plan.json', '--allow-removals', '--json']);
    expectExit(applied, 0);
    expect(JSON.parse(applied.stdout)).toMatchObject({
      source: 'eu.yaml',
      groups: [
        {
          name: 'EU Customers',
          created: false,
          operations: [
            { kind: 'add', status: 'succeeded', source: 'cli', result: { added: [outsiders[0]] } },
            { kind: 'remove', status: 'succeeded', source: 'cli', result: { removed: [outsiders[1]] } },
          ],
        },
      ],
      alreadyApplied: [],
    });
    expect(memberIds('EU Customers')).toEqual([...eu, outsiders[0]!].sort());
    const twice = await cli(['apply', '--plan', 'eu-plan.json', '--allow-removals']);
    expectExit(twice, 0);
    expect(twice.stdout).toContain('skip: group "EU Customers": already as planned');
  });
});

describe('rules', () => {
  const rulesFile = () =>
    file(
      'rules.json',
      JSON.stringify([
        { when: { industry: 'Finance' }, groups: ['Finance'] },
        { description: 'EU by CRM region', when: { region: ['EU', 'EEA'] }, groups: ['EU Customers'] },
        { when: { licenseType: 'Enterprise' }, groups: ['Enterprise backfilled'] },
      ]),
    );

  it('test: the groups a company gets and the rule and condition behind each', async () => {
    await rulesFile();
    const company = sim()
      .state.companies()
      .find((c) => c.industryName === 'Finance' && c.licenseTypeName !== 'Enterprise')!;
    const run = await cli([
      'rules',
      'test',
      '--company',
      company.resourceId,
      '--attributes',
      '{"region":"eea"}',
      '--rules',
      'rules.json',
    ]);
    expectExit(run, 0);
    expect(run.stdout).toContain('groups rules.json gives (2):\n');
    expect(run.stdout).toContain('  Finance  ← rule 0: industry = "Finance" (is "Finance")\n');
    expect(run.stdout).toContain(
      '  EU Customers  ← rule 1 "EU by CRM region": region in ["EU","EEA"] (is "eea")\n',
    );
    expect(run.stdout).toContain(
      `(rule 2 → Enterprise backfilled: no match, licenseType = "Enterprise" (is "${company.licenseTypeName}"))`,
    );
    const unknown = await cli(['rules', 'test', '--company', 'NoSuchCompny', '--rules', 'rules.json']);
    expectExit(unknown, 2);
  });

  it('backfill plans only additions (exit 2), applies them, then has nothing to do (exit 0)', async () => {
    await rulesFile();
    const enterprise = sim()
      .state.companies()
      .filter((c) => c.licenseTypeName === 'Enterprise')
      .map((c) => c.resourceId)
      .sort();
    const finance = sim()
      .state.companies()
      .filter((c) => c.industryName === 'Finance')
      .map((c) => c.resourceId);
    // A member no rule gives stays: backfill never removes.
    const extra = companyIds().find((id) => !finance.includes(id))!;
    sim().state.setGroupMembers(groupId('Finance')!, [extra]);
    const planned = await cli(['rules', 'backfill', '--rules', 'rules.json', '--json']);
    expectExit(planned, 2);
    const plan = PlanSchema.parse(JSON.parse(planned.stdout));
    expect(plan.summary.membersToRemove).toBe(0);
    expect(plan.groups.find((g) => g.name === 'Enterprise backfilled')).toMatchObject({
      groupId: null,
      add: enterprise,
    });
    expect(plan.groups.find((g) => g.name === 'Finance')!.add).toEqual([...finance].sort());

    expectExit(await cli(['rules', 'backfill', '--rules', 'rules.json', '--apply']), 0);
    expect(memberIds('Enterprise backfilled')).toEqual(enterprise);
    expect(memberIds('Finance')).toEqual([...finance, extra].sort());
    const again = await cli(['rules', 'backfill', '--rules', 'rules.json']);
    expectExit(again, 0);
    expect(again.stdout).toContain('No changes');
  });
});

describe('a hostile upstream', () => {
  afterEach(() => sim().clearFaults());

  it('a group gone between the group list and its member read is exit 4 (plan again), never 2', async () => {
    await file('gone.yaml', currentState(['Finance']));
    sim().injectFaults({
      kind: 'server-error',
      status: 404,
      route: 'POST /api/company-groups/{resourceId}/companies/search',
      times: 1,
    });
    const run = await cli(['plan', '-f', 'gone.yaml']);
    expectExit(run, 4);
    expect(run.stderr).toContain('Keepnet changed while it was being read');
  });

  it('a create whose reply is lost is found by name, not sent twice; its members still go through the worker', async () => {
    const members = companyIds().slice(3, 6);
    await file('lost.yaml', { version: 1, groups: [{ name: 'Lost reply', members }] });
    sim().injectFaults({
      kind: 'connection-reset',
      route: 'POST /api/company-groups',
      times: 1,
      afterHandling: true,
    });
    sim().resetCounts();
    const run = await cli(['apply', '-f', 'lost.yaml']);
    expectExit(run, 0);
    expect(sim().count('POST /api/company-groups')).toBe(1);
    expect(
      sim()
        .state.groups()
        .filter((g) => g.name === 'Lost reply'),
    ).toHaveLength(1);
    expect(memberIds('Lost reply')).toEqual([...members].sort());
  });
});

describe('bad files', () => {
  it('name the line and the field of each problem, exit 1, and call nothing', async () => {
    const name = sim().state.companies()[0]!.name;
    await file(
      'bad.yaml',
      [
        'version: 1',
        'groups:',
        '  - name: Finance',
        '    members: [nosuchcompany1]',
        '    colour: blue',
        '  - name: FINANCE',
        '    members: []',
        '  - name: Other',
        '    rules:',
        '      - when: { shoeSize: 9 }',
        '',
      ].join('\n'),
    );
    sim().resetCounts();
    const run = await cli(['plan', '-f', 'bad.yaml']);
    expectExit(run, 1);
    expect(run.stderr).toContain('bad.yaml:5:5: groups[0].colour: unknown key "colour"');
    expect(run.stderr).toContain('bad.yaml:6:11: groups[1].name: duplicate group "FINANCE"');
    expect(run.stderr).toMatch(
      /bad\.yaml:10:17: groups\[2\]\.rules\[0\]\.when\.shoeSize: must be a Keepnet company field/,
    );
    expect(sim().counts()).toEqual({});

    await file(
      'unknown.json',
      JSON.stringify({ version: 1, groups: [{ name: 'X', members: ['nosuchcompany1', name] }] }, null, 2),
    );
    const unknown = await cli(['plan', '-f', 'unknown.json']);
    expectExit(unknown, 1);
    expect(unknown.stderr).toContain(
      'unknown.json:7:9: groups[0].members[0]: no company with id or name "nosuchcompany1"',
    );
    expect(writes()).toBe(0);
  });

  it('a mutated file never crashes the CLI and never writes (fast-check)', async () => {
    const base = stringify({
      version: 1,
      groups: [
        {
          name: 'Finance',
          members: memberIds('Finance').slice(0, 3),
          rules: [{ when: { industryName: ['Finance'] } }],
        },
        { name: 'EU Customers', members: [] },
      ],
    });
    sim().resetCounts();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.nat(4), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 4 }),
        async (edits) => {
          let text = base;
          for (const [at, drop, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + drop);
          }
          await writeFile(join(dataDir, 'mutated.yaml'), text);
          const run = await cli(['plan', '-f', 'mutated.yaml']);
          expect([0, 1, 2]).toContain(run.code);
          expect(run.stderr).not.toContain('    at ');
          if (run.code !== 1) return;
          expect(run.stderr).toMatch(/^keepnet-groups: error: .+/m);
          // A file plan refuses, apply refuses too, with the same message, before anything is written.
          const apply = await cli(['apply', '-f', 'mutated.yaml', '--allow-removals']);
          expectExit(apply, 1);
          expect(apply.stderr).toBe(run.stderr);
        },
      ),
      { numRuns: 60, seed: 16 },
    );
    expect(writes()).toBe(0);
  }, 120_000);
});
