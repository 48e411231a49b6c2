// A whole nightly run (runScheduledExport and the scheduled-export handler) against the simulator and
// s3rver: manifest verifiable against the objects, membership snapshot and diff after adds and removals,
// re-runs that overwrite instead of duplicating, a failed job that fails the run, bad EXPORT_JOBS at
// cold start.
import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { parse } from 'csv-parse/sync';
import { ExportRunError, type Manifest, type MembershipDiff, runScheduledExport } from '../../lib/exports';
import { makeLambdaContext } from '../../local/lambda-events';
import { scheduledEvent } from '../../local/runner/events';
import { type ExportWorld, startExportWorld } from '../support/export-world';

let world: ExportWorld;

beforeAll(async () => {
  world = await startExportWorld();
});

afterAll(async () => {
  await world?.close();
});

const night = (day: number) => new Date(Date.UTC(2026, 10, day, 2, 0, 0));

describe('runScheduledExport', () => {
  const prefix = 'nightly/';
  const jobs = [
    { what: 'groups', format: 'CSV' },
    { what: 'all-group-members', format: 'CSV' },
  ] as const;

  it('writes every file and a manifest whose sizes, checksums and row counts match the objects', async () => {
    const summary = await runScheduledExport([...jobs], world.context(prefix, night(26)));

    const state = world.stack.keepnet.state;
    const groups = state.groups();
    expect(summary.manifestKey).toBe('nightly/manifest/date=2026-11-26/manifest-20261126T020000Z.json');
    expect(summary.membershipDiff).toBeNull(); // the first snapshot has nothing to compare with
    const manifest = await world.getJson<Manifest>(summary.manifestKey);
    expect(manifest).toMatchObject({
      status: 'complete',
      failures: [],
      scheduledTime: '2026-11-26T02:00:00.000Z',
    });
    expect(manifest.objects.map((o) => o.job).sort()).toEqual(
      [
        'groups',
        'membership-snapshot',
        'membership-first-seen',
        'company-groups-report',
        ...groups.map((g) => `group-members-${g.resourceId}`),
      ].sort(),
    );
    for (const object of manifest.objects) {
      const bytes = await world.getBytes(object.key);
      expect({
        key: object.key,
        bytes: bytes.length,
        checksum: createHash('sha256').update(bytes).digest('hex'),
      }).toEqual({ key: object.key, bytes: object.bytes, checksum: object.checksum });
      if (object.kind === 'export') {
        const rows: unknown[] = parse(bytes, { columns: true });
        expect(object.rows).toBe(rows.length);
      }
    }
    for (const group of groups) {
      const object = manifest.objects.find((o) => o.job === `group-members-${group.resourceId}`)!;
      const rows: Array<Record<string, string>> = parse(await world.getBytes(object.key), { columns: true });
      expect(rows.map((r) => r['Company Resource Id']).sort()).toEqual(
        [...state.groupMemberIds(group.resourceId)].sort(),
      );
    }

    const snapshot = manifest.objects.find((o) => o.kind === 'membership-snapshot')!;
    const lines = (await world.getBytes(snapshot.key))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(snapshot.rows).toBe(groups.length);
    expect(
      Object.fromEntries(
        lines.map((l) => [
          l.resourceId,
          l.members.map((m: { companyResourceId: string }) => m.companyResourceId).sort(),
        ]),
      ),
    ).toEqual(
      Object.fromEntries(groups.map((g) => [g.resourceId, [...state.groupMemberIds(g.resourceId)].sort()])),
    );
  });

  it('diffs membership against the previous snapshot after adds and removals', async () => {
    const state = world.stack.keepnet.state;
    const eu = state.groupByName('EU Customers')!;
    const finance = state.groupByName('Finance')!;
    const pilot = state.groupByName('Pilot Programme')!;
    const newcomer = state
      .companies()
      .find((c) => !state.groupMemberIds(eu.resourceId).includes(c.resourceId))!;
    const [leaver, ...stayers] = state.groupMemberIds(finance.resourceId);
    const [first, second] = state.companies();
    state.setGroupMembers(eu.resourceId, [...state.groupMemberIds(eu.resourceId), newcomer.resourceId]);
    state.setGroupMembers(finance.resourceId, stayers);
    const created = state.addGroup('Night Shift', [first!.resourceId, second!.resourceId]);
    state.deleteGroup(pilot.resourceId);

    const summary = await runScheduledExport([jobs[0]], world.context(prefix, night(27)));

    const diffKey = 'nightly/membership-diff/date=2026-11-27/membership-diff-20261127T020000Z';
    const diff = await world.getJson<MembershipDiff & { previousSnapshotKey: string }>(`${diffKey}.json`);
    expect(diff.previousSnapshotKey).toBe(
      'nightly/membership-snapshot/date=2026-11-26/membership-snapshot-20261126T020000Z.jsonl',
    );
    expect(diff.groupsCreated).toEqual([{ groupResourceId: created.resourceId, groupName: 'Night Shift' }]);
    expect(diff.groupsDeleted).toEqual([{ groupResourceId: pilot.resourceId, groupName: 'Pilot Programme' }]);
    expect(diff.joined.map((m) => `${m.groupName}+${m.companyResourceId}`).sort()).toEqual(
      [
        `EU Customers+${newcomer.resourceId}`,
        `Night Shift+${first!.resourceId}`,
        `Night Shift+${second!.resourceId}`,
      ].sort(),
    );
    expect(diff.left.map((m) => `${m.groupName}-${m.companyResourceId}`)).toEqual([`Finance-${leaver}`]);
    expect(summary.membershipDiff).toMatchObject({ groupsCreated: 1, groupsDeleted: 1, joined: 3, left: 1 });

    const csvRows: Array<Record<string, string>> = parse(await world.getBytes(`${diffKey}.csv`), {
      columns: true,
    });
    expect(csvRows.map((r) => r.change).sort()).toEqual(
      ['group-created', 'group-deleted', 'joined', 'joined', 'joined', 'left'].sort(),
    );
    expect(csvRows.find((r) => r.change === 'left')).toMatchObject({
      groupName: 'Finance',
      companyResourceId: leaver,
    });
  });

  it('re-running the same scheduled time overwrites the same keys and diffs against the same baseline', async () => {
    const before = await world.keysUnder(prefix);
    const summary = await runScheduledExport([jobs[0]], world.context(prefix, night(27)));
    expect(await world.keysUnder(prefix)).toEqual(before);
    expect(summary.membershipDiff).toMatchObject({
      previousSnapshotKey:
        'nightly/membership-snapshot/date=2026-11-26/membership-snapshot-20261126T020000Z.jsonl',
      groupsCreated: 1,
      joined: 3,
      left: 1,
    });
  });

  it('fails the run when a job fails, after writing the rest and a manifest that says so', async () => {
    world.stack.keepnet.injectFaults({
      kind: 'server-error',
      route: 'POST /api/company-groups/search/export',
      times: Number.POSITIVE_INFINITY,
    });
    try {
      const run = runScheduledExport(
        [jobs[0], { what: 'groups', format: 'Excel', name: 'groups-xlsx' }],
        world.context('failing/', night(28)),
      );
      await expect(run).rejects.toThrow(ExportRunError);
      await expect(run).rejects.toThrow(/2 export job\(s\) failed: groups: .*; groups-xlsx: /);
    } finally {
      world.stack.keepnet.clearFaults();
    }
    const manifest = await world.getJson<Manifest>(
      'failing/manifest/date=2026-11-28/manifest-20261128T020000Z.json',
    );
    expect(manifest.status).toBe('failed');
    expect(manifest.failures.map((f) => f.job)).toEqual(['groups', 'groups-xlsx']);
    expect(manifest.objects.map((o) => o.kind)).toEqual([
      'membership-snapshot',
      'membership-first-seen',
      'report',
    ]);
    expect((await world.keysUnder('failing/')).filter((k) => k.includes('/groups'))).toEqual([]);
  });

  it('a failed run never overwrites the manifest of a completed run with the same stamp', async () => {
    // A scheduled run, then an on-demand run in the same second: it rewrites the CSV (Keepnet changed
    // meanwhile) and fails its other job.
    const stamp = night(27);
    const done = await runScheduledExport(
      [jobs[0], { what: 'groups', format: 'Excel', name: 'groups-xlsx' }],
      world.context('same-stamp/', stamp),
      { snapshot: false },
    );
    const csvKey = done.objects.find((o) => o.key.endsWith('.csv'))!.key;
    const added = world.stack.keepnet.state.addGroup('Added between the two runs');
    let failed: unknown;
    try {
      failed = await runScheduledExport(
        [jobs[0], { what: 'group-members', groupId: 'NoSuchGroup1', format: 'CSV' }],
        world.context('same-stamp/', stamp),
        { snapshot: false },
      ).catch((e: unknown) => e);
    } finally {
      world.stack.keepnet.state.deleteGroup(added.resourceId);
    }
    expect(failed).toBeInstanceOf(ExportRunError);
    const failedKey = /\(manifest: (.+)\)$/.exec((failed as Error).message)?.[1];
    expect(failedKey).toMatch(
      /^same-stamp\/manifest\/date=2026-11-27\/manifest-20261127T020000Z-failed-\d+\.json$/,
    );
    const failedManifest = await world.getJson<Manifest>(failedKey!);
    expect(failedManifest.status).toBe('failed');
    expect(failedManifest.objects.map((o) => o.key)).toEqual([csvKey]);

    // The completed run's manifest stays complete, and true: the CSV entry now describes the bytes
    // the second run wrote there.
    const kept = await world.getJson<Manifest>(done.manifestKey);
    expect(kept.status).toBe('complete');
    expect(kept.objects.map((o) => o.key).sort()).toEqual(done.objects.map((o) => o.key).sort());
    expect((await world.getBytes(csvKey)).includes('Added between the two runs')).toBe(true);
    for (const object of kept.objects) {
      const bytes = await world.getBytes(object.key);
      expect(bytes.length).toBe(object.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(object.checksum);
    }
  });

  it('refuses to write one file twice when two jobs name the same group', async () => {
    const eu = world.stack.keepnet.state.groupByName('EU Customers')!;
    const overlapping = [
      { what: 'group-members', groupId: eu.resourceId, format: 'CSV' },
      { what: 'all-group-members', format: 'CSV' },
    ] as const;
    await expect(
      runScheduledExport([...overlapping], world.context('overlap/', night(28)), { snapshot: false }),
    ).rejects.toThrow(
      new RegExp(
        `1 export job\\(s\\) failed: group-members-${eu.resourceId}: would overwrite the file of job "group-members-${eu.resourceId}"`,
      ),
    );
  });

  it('starts nothing once the deadline has passed, and says so in the manifest', async () => {
    const late = { ...world.context('late/', night(28)), deadline: Date.now() - 1 };
    await expect(runScheduledExport([...jobs], late)).rejects.toThrow(/stopped at the deadline/);
    const manifest = await world.getJson<Manifest>(
      'late/manifest/date=2026-11-28/manifest-20261128T020000Z.json',
    );
    expect(manifest.objects).toEqual([]);
    expect(manifest.failures.map((f) => [f.job, f.error.name])).toEqual([
      ['groups', 'ExportDeadlineError'],
      ['group-members', 'ExportDeadlineError'],
      ['membership-snapshot', 'ExportDeadlineError'],
    ]);
  });
});

describe('scheduled-export handler', () => {
  type HandlerModule = typeof import('../../functions/scheduled-export/handler');
  type KeepnetModule = typeof import('../../lib/keepnet');

  /** A cold start: the handler module loaded afresh with `env` on top of the local stack's. */
  function coldStart(env: Record<string, string>): {
    handler: HandlerModule['handler'];
    keepnet: KeepnetModule;
  } {
    const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    try {
      let loaded: { handler: HandlerModule['handler']; keepnet: KeepnetModule } | undefined;
      jest.isolateModules(() => {
        const handlerModule: HandlerModule = require('../../functions/scheduled-export/handler');
        loaded = { handler: handlerModule.handler, keepnet: require('../../lib/keepnet') };
      });
      return loaded!;
    } finally {
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }
  const lambdaContext = (): Context =>
    makeLambdaContext({ functionName: 'scheduled-export', timeoutMs: 60_000 });

  it('refuses to start with bad EXPORT_JOBS, naming the job and the field', () => {
    const jobsEnv = JSON.stringify([
      { what: 'groups', format: 'CSV' },
      { name: 'eu', what: 'group-members', format: 'CSV' },
    ]);
    expect(() => coldStart({ EXPORT_JOBS: jobsEnv })).toThrow(/EXPORT_JOBS\[1\] \("eu"\): groupId: /);
  });

  it('runs the configured jobs on the schedule, naming files after the event time', async () => {
    const { handler, keepnet } = coldStart({
      EXPORT_PREFIX: 'handler/',
      EXPORT_JOBS: JSON.stringify([{ what: 'groups', format: 'Excel' }]),
    });
    try {
      const event = { ...scheduledEvent('nightly-export'), time: '2026-11-29T02:00:00Z' };
      const summary = await handler(event, lambdaContext());
      expect(summary.manifestKey).toBe('handler/manifest/date=2026-11-29/manifest-20261129T020000Z.json');
      expect(summary.objects.map((o) => o.key)).toEqual([
        'handler/groups/date=2026-11-29/groups-20261129T020000Z.xlsx',
        'handler/membership-snapshot/date=2026-11-29/membership-snapshot-20261129T020000Z.jsonl',
        'handler/membership-first-seen/date=2026-11-29/membership-first-seen-20261129T020000Z.jsonl',
        'handler/report/date=2026-11-29/company-groups-report-20261129T020000Z.xlsx',
      ]);

      const direct = await handler(
        { jobs: [{ what: 'groups', format: 'CSV', name: 'adhoc' }], scheduledTime: '2026-11-29T12:00:00Z' },
        lambdaContext(),
      );
      expect(direct.objects.map((o) => o.key)).toEqual([
        'handler/adhoc/date=2026-11-29/adhoc-20261129T120000Z.csv',
      ]);
      await expect(handler({ jobs: [{ what: 'groups' }] }, lambdaContext())).rejects.toThrow(
        /jobs\[0\]: format: /,
      );
    } finally {
      await keepnet.resetKeepnetClientFromEnv();
    }
  });
});
