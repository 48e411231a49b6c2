// `npm start` as a developer runs it: a child process (Node 24 + tsx), checked by its exit code, its
// summary, and the files it leaves in local S3. Twice in the same data directory, as a second run
// must work without cleaning up.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MainJobReport } from '../../local/runner/main-job';

const run = promisify(execFile);

let dataDir: string;

async function start(
  reportName: string,
  extra: string[] = [],
): Promise<{ stdout: string; stderr: string; report: MainJobReport }> {
  const reportFile = join(dataDir, reportName);
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', 'tsx', 'local/start.ts', '--data-dir', dataDir, '--report', reportFile, ...extra],
    {
      cwd: process.cwd(),
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  return { stdout, stderr, report: JSON.parse(await readFile(reportFile, 'utf8')) as MainJobReport };
}

/** Group names in the simulator state `npm start` keeps in the data directory. */
async function keptGroupNames(): Promise<string[]> {
  const state = JSON.parse(await readFile(join(dataDir, 'keepnet-simulator.json'), 'utf8')) as {
    groups: { name: string }[];
  };
  return state.groups.map((g) => g.name);
}

interface DiffFile {
  groupsCreated: { groupName: string }[];
  groupsDeleted: unknown[];
  groupsRenamed: unknown[];
}

async function diffOf(report: MainJobReport): Promise<DiffFile> {
  const diff = report.exports.find((e) => /membership-diff.*\.json$/.test(e.key));
  if (!diff) throw new Error('the run wrote no membership diff');
  return JSON.parse(await readFile(diff.path, 'utf8')) as DiffFile;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keepnet-start-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  let first: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    first = await start('first.json'); // rejects on a non-zero exit code
  }, 90_000);

  it('onboards companies from events and from the poller into exactly the groups expected, read back from Keepnet', () => {
    expect(first.report.companies.filter((c) => c.via === 'event')).toHaveLength(3);
    expect(first.report.companies.filter((c) => c.via === 'poller')).toHaveLength(2);
    for (const company of first.report.companies) {
      expect(company.groups).toEqual([...company.expectedGroups].sort((a, b) => a.localeCompare(b)));
      expect(company.name).toContain(first.report.tag);
    }
    expect(first.report.problems).toEqual([]);
    expect(first.report.queue.deadLettered).toBe(0);
  });

  it('prints progress, a summary with every company and its groups, and the API call counts', () => {
    expect(first.stdout).toMatch(/✓ \[1\] boot the local system/);
    expect(first.stdout).toContain(`Summary of run ${first.report.tag}`);
    // Groups as code: a plan with changes (2), the apply (0), then nothing left to plan (0).
    expect(first.stdout).toMatch(
      /keepnet-groups plan -f \S+ --attributes crm\.csv → exit 2: Plan: 2 group\(s\) to create/,
    );
    expect(first.stdout).toMatch(
      /keepnet-groups apply -f \S+ --attributes crm\.csv → exit 0: Applied: 2 group\(s\) created/,
    );
    expect(first.stdout).toMatch(/keepnet-groups plan -f \S+ --attributes crm\.csv → exit 0: No changes/);
    // The scheduled reconcile function, report mode, over the same files in local S3: nothing left.
    expect(first.stdout).toMatch(
      /reconcile \(report\) s3:\/\/\S+\/groups-\S+\.yaml → drift 0, 0 operation\(s\)/,
    );
    for (const company of first.report.companies) {
      expect(first.stdout).toMatch(new RegExp(`${company.name}\\s+${company.resourceId}\\s+${company.via}`));
    }
    expect(first.stdout).not.toContain('expected:');
    expect(first.stdout.match(/ (event|poller) .* ok$/gm)).toHaveLength(first.report.companies.length);
    expect(first.stdout).toMatch(/Keepnet API calls \(\d+ in all/);
    expect(first.stdout).toMatch(/PUT \/api\/company-groups\/\{resourceId\}\/participants\s+\d+/);
    expect(Object.keys(first.report.apiCalls)).toContain('POST /connect/token');
  });

  it('leaves the export files on disk where the summary says, with the sizes it says', async () => {
    expect(first.report.exports.length).toBeGreaterThan(0);
    expect(first.report.exports.some((e) => e.key.endsWith('.csv'))).toBe(true);
    expect(first.report.exports.some((e) => e.key.endsWith('.xlsx'))).toBe(true);
    for (const object of first.report.exports) {
      // A copy named as its key: no `._S3rver_object` to rename before opening it.
      expect(object.path).toBe(join(dataDir, 'files', first.report.bucket, ...object.key.split('/')));
      expect((await stat(object.path)).size).toBe(object.bytes);
      expect(first.stdout).toContain(object.path);
    }
    // It ends by naming the report a person opens.
    const report = first.report.exports.find((e) => /\/report\/date=.*\.xlsx$/.test(e.key));
    expect(report).toBeDefined();
    expect(first.stdout.trimEnd().split('\n').at(-1)).toMatch(/^The nightly report, to open in Excel: /);
    expect(first.stdout.trimEnd().split('\n').at(-1)).toContain(report!.path.split('/').at(-1));
    const csv = first.report.exports.find((e) => /\/groups\/.*\.csv$/.test(e.key));
    if (csv) expect((await readFile(csv.path, 'utf8')).split('\n')[0]).toContain('Name');
    const xlsx = first.report.exports.find((e) => e.key.endsWith('.xlsx'))!;
    expect((await readFile(xlsx.path)).subarray(0, 2).toString()).toBe('PK'); // a zip: Excel opens it
  });

  it('runs again in the same data directory without cleaning up', async () => {
    const second = await start('second.json');
    expect(second.report.tag).not.toBe(first.report.tag);
    expect(second.report.problems).toEqual([]);
    const firstKeys = new Set(first.report.exports.map((e) => e.key));
    expect(second.report.exports.every((e) => !firstKeys.has(e.key))).toBe(true);
    // The first run's files are still there.
    for (const object of first.report.exports) expect((await stat(object.path)).size).toBe(object.bytes);
    // The simulator kept the first run's groups: the nightly diff sees only this run's new groups, and
    // no rename (a reseeded simulator handed the first run's ids to this run's groups).
    expect(await keptGroupNames()).toContain(`Pilot wave 2 ${first.report.tag}`);
    const diff = await diffOf(second.report);
    expect(diff.groupsRenamed).toEqual([]);
    expect(diff.groupsDeleted).toEqual([]);
    expect(diff.groupsCreated.map((g) => g.groupName)).toContain(`Pilot wave 2 ${second.report.tag}`);
    expect(diff.groupsCreated.every((g) => g.groupName.includes(second.report.tag))).toBe(true);
  }, 90_000);

  it('--fresh forgets the kept simulator state and local S3, and says so', async () => {
    const fresh = await start('fresh.json', ['--fresh']);
    expect(fresh.stdout).toContain('--fresh: the simulator starts from its seed');
    expect(fresh.report.problems).toEqual([]);
    const names = await keptGroupNames();
    expect(names).toContain(`Pilot wave 2 ${fresh.report.tag}`);
    expect(names.some((name) => name.includes(first.report.tag))).toBe(false);
    await expect(stat(first.report.exports[0]!.path)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 90_000);

  it('fails with a clear message and exit 1 when it cannot use the data directory', async () => {
    const notADirectory = join(dataDir, 'first.json'); // a file, written by the first run
    const failure = await run(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--data-dir', notADirectory],
      {
        cwd: process.cwd(),
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^npm start failed: .*first\.json/m),
    });
  }, 60_000);
});
