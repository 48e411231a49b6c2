// The scheduled `reconcile` function (issue 16) against a real local system: the Keepnet simulator over
// HTTP, s3rver holding the desired-state file and the CRM CSV, SQS FIFO and the real onboarding-worker
// handler consuming it. Report mode finds the drift and writes nothing; apply mode converges through
// the worker (the one writer); a bad file or a missing setting fails, naming where.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { stringify } from 'yaml';
import type { ReconcileSummary } from '../../lib/desired-state/reconcile';
import { makeLambdaContext } from '../../local/lambda-events';
import type { LocalSystem } from '../../local/runner/local-system';
import { type CliSystem, startCliSystem } from '../support/cli-system';
import { simulatorGroups } from '../support/simulator-writes';

// Applies wait for the worker: generous on a shared 2-core machine.
jest.setTimeout(30_000);

let world: CliSystem;
let system: LocalSystem;
let s3: S3Client;
const BUCKET = 'keepnet-exports';
const metricsAdded: [string, number][] = [];

const sim = () => system.simulator;
const { groupId, memberIds, companyIds, writes } = simulatorGroups(sim);

async function put(key: string, body: string): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return `s3://${BUCKET}/${key}`;
}

type Run = () => Promise<ReconcileSummary>;

/**
 * Loads functions/reconcile/handler.ts afresh with `env` added (it reads its configuration at load),
 * metrics captured; the environment is restored afterwards.
 */
async function loadReconcile(env: Record<string, string | undefined>): Promise<Run> {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  let run: Run | undefined;
  try {
    await jest.isolateModulesAsync(async () => {
      const { metrics } = await import('../../lib/observability/powertools');
      jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
        metricsAdded.push([name, value]);
        return metrics;
      });
      jest.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
      const { handler } = await import('../../functions/reconcile/handler');
      await (await import('../../lib/lazy')).loadDeferred();
      const context: Context = makeLambdaContext({ functionName: 'reconcile', timeoutMs: 300_000 });
      run = () => handler({}, context);
    });
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return run!;
}

/** Waits until `check` holds (the worker applies queued operations as they arrive). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const driftMetric = () => metricsAdded.filter(([name]) => name === 'ReconcileDrift').map(([, v]) => v);

beforeAll(async () => {
  world = await startCliSystem({ tag: 'reconcile', companies: 30 });
  system = world.system;
  s3 = new S3Client({ forcePathStyle: true, endpoint: system.s3.endpoint, region: 'us-east-1' });
}, 30_000);

afterAll(async () => {
  s3?.destroy();
  await world?.close();
});

beforeEach(() => {
  metricsAdded.length = 0;
});

describe('reconcile', () => {
  let fileUri: string;
  let csvUri: string;
  let outsider: string;
  let removed: string;
  let gold: string[];

  beforeAll(async () => {
    const finance = memberIds('Finance');
    outsider = companyIds().find((id) => !finance.includes(id))!;
    removed = finance[0]!;
    gold = companyIds()
      .filter((id) => id !== outsider)
      .slice(0, 2);
    fileUri = await put(
      'config/groups.yaml',
      stringify({
        version: 1,
        groups: [
          { name: 'Finance', members: [...finance.filter((id) => id !== removed), outsider] },
          { name: 'Gold (reconcile)', rules: [{ when: { 'csv.tier': 'gold' } }] },
        ],
      }),
    );
    csvUri = await put(
      'config/crm.csv',
      ['companyResourceId,tier', `${gold[0]},gold`, `${gold[1]},gold`, `${outsider},silver`].join('\n'),
    );
  });

  it('in report mode (the default) publishes the drift and writes nothing', async () => {
    const run = await loadReconcile({
      RECONCILE_FILE_S3_URI: fileUri,
      RECONCILE_ATTRIBUTES_S3_URI: csvUri,
      RECONCILE_MODE: undefined,
    });
    sim().resetCounts();
    const summary = await run();
    // Finance: +outsider −removed; Gold: created with its two companies.
    expect(summary).toMatchObject({
      mode: 'report',
      file: fileUri,
      drift: 5,
      groupsToCreate: 1,
      membersToAdd: 3,
      membersToRemove: 1,
      operations: [],
    });
    expect(driftMetric()).toEqual([5]);
    expect(writes()).toBe(0);
    expect(groupId('Gold (reconcile)')).toBeUndefined();
  });

  it('in apply mode queues the additions for the worker, withholding removals until allowed', async () => {
    const apply = await loadReconcile({
      RECONCILE_FILE_S3_URI: fileUri,
      RECONCILE_ATTRIBUTES_S3_URI: csvUri,
      RECONCILE_MODE: 'apply',
    });
    const summary = await apply();
    expect(summary).toMatchObject({ drift: 5, groupsCreated: ['Gold (reconcile)'], removalsWithheld: 1 });
    expect(summary.operations.map((o) => o.kind).sort()).toEqual(['add', 'add']);
    await eventually(
      () =>
        memberIds('Finance').includes(outsider) &&
        gold.every((id) => memberIds('Gold (reconcile)').includes(id)),
      'the worker to apply the additions',
    );
    expect(memberIds('Finance')).toContain(removed);
    // What is left is the withheld removal: still drift, still alarmed.
    const report = await loadReconcile({
      RECONCILE_FILE_S3_URI: fileUri,
      RECONCILE_ATTRIBUTES_S3_URI: csvUri,
    });
    expect((await report()).drift).toBe(1);

    const withRemovals = await loadReconcile({
      RECONCILE_FILE_S3_URI: fileUri,
      RECONCILE_ATTRIBUTES_S3_URI: csvUri,
      RECONCILE_MODE: 'apply',
      RECONCILE_ALLOW_REMOVALS: 'true',
    });
    const removal = await withRemovals();
    expect(removal.operations.map((o) => [o.kind, o.companies])).toEqual([['remove', 1]]);
    await eventually(() => !memberIds('Finance').includes(removed), 'the worker to apply the removal');
    metricsAdded.length = 0;
    sim().resetCounts();
    expect((await report()).drift).toBe(0);
    expect(driftMetric()).toEqual([0]);
    expect(writes()).toBe(0);
  });

  it('fails the run on a bad file, naming the line and the field, and writes nothing', async () => {
    const bad = await put(
      'config/bad.yaml',
      ['version: 1', 'groups:', '  - name: Finance', '    membrs: [a]', ''].join('\n'),
    );
    const run = await loadReconcile({ RECONCILE_FILE_S3_URI: bad, RECONCILE_MODE: 'apply' });
    sim().resetCounts();
    await expect(run()).rejects.toThrow(
      /s3:\/\/keepnet-exports\/config\/bad\.yaml:4:\d+: groups\[0\]\.membrs: /,
    );
    expect(writes()).toBe(0);
    expect(driftMetric()).toEqual([]);
  });

  it('fails the run on a file that is not there, naming the variable', async () => {
    const run = await loadReconcile({ RECONCILE_FILE_S3_URI: `s3://${BUCKET}/config/missing.yaml` });
    await expect(run()).rejects.toThrow(
      'RECONCILE_FILE_S3_URI s3://keepnet-exports/config/missing.yaml: cannot read it (no such object)',
    );
  });

  it('fails at load on missing or bad configuration, naming the variable', async () => {
    await expect(loadReconcile({ RECONCILE_FILE_S3_URI: undefined })).rejects.toThrow(
      /^RECONCILE_FILE_S3_URI: required/,
    );
    await expect(loadReconcile({ RECONCILE_FILE_S3_URI: 'groups.yaml' })).rejects.toThrow(
      /^RECONCILE_FILE_S3_URI: must be an S3 object URI/,
    );
    await expect(loadReconcile({ RECONCILE_FILE_S3_URI: fileUri, RECONCILE_MODE: 'fix' })).rejects.toThrow(
      /^RECONCILE_MODE: must be "report" or "apply"/,
    );
    await expect(
      loadReconcile({
        RECONCILE_FILE_S3_URI: fileUri,
        RECONCILE_MODE: 'apply',
        OPERATIONS_BUCKET: undefined,
      }),
    ).rejects.toThrow(/^OPERATIONS_BUCKET: required when RECONCILE_MODE=apply/);
  });
});
