// The `npm start` step for groups as code (issue 16): the operator CLI, in-process, plans a small
// desired-state file against the local system (exit 2: changes), applies it through the onboarding
// worker (the one writer; consumed as Lambda's event source mapping would), and plans again (exit 0).
// The file names groups of this run only (tagged), so onboarding's groups are never touched. Then the
// scheduled `reconcile` function, in report mode, plans the same file from S3: no drift left.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { stringify } from 'yaml';
import type { CliIo } from '../../cli/output';
import { type Connector, runCli } from '../../cli/program';
import type { ReconcileSummary } from '../../lib/desired-state/reconcile';
import { resellerClient } from '../keepnet-simulator/reseller-client';
import { applyEnv } from '../process-env';
import { invoke, loadHandler } from './handlers';
import type { LocalSystem } from './local-system';
import { StepUnavailableError } from './progress';

/** The CLI's connector for this process's system: the simulator over HTTP, the system's AWS stand-ins. */
function connectorFor(system: LocalSystem): Connector {
  const { simulator } = system;
  return {
    keepnet: async () => {
      const client = resellerClient(simulator);
      return {
        client,
        description: `local Keepnet simulator at ${simulator.url}`,
        close: () => client.close(),
      };
    },
    awsEnv: async () => ({ ...process.env, ...system.env }),
  };
}

/** Plan → apply → plan again; throws when an exit code is not the one expected. */
export async function runGroupsAsCode(
  system: LocalSystem,
  tag: string,
  detail: (line: string) => void,
): Promise<void> {
  if (!system.queue) throw new StepUnavailableError('local SQS FIFO queue (local/sqs-fifo) not available');
  // Seeded companies only: this run's onboarded companies must keep exactly the groups onboarding gave.
  const seeded = system.simulator.state.companies().filter((c) => !c.name.includes(tag));
  const directory = await mkdtemp(join(tmpdir(), 'keepnet-groups-as-code-'));
  const file = `groups-${tag}.yaml`;
  await writeFile(
    join(directory, file),
    stringify({
      version: 1,
      groups: [
        { name: `Gold tier ${tag}`, rules: [{ when: { 'csv.tier': 'gold' } }] },
        { name: `Hand-picked ${tag}`, members: seeded.slice(0, 3).map((c) => c.name) },
      ],
    }),
  );
  // The CRM export: company id, then attribute columns.
  await writeFile(
    join(directory, 'crm.csv'),
    [
      'companyResourceId,tier',
      ...seeded.slice(3, 8).map((c, i) => `${c.resourceId},${i % 2 ? 'silver' : 'gold'}`),
    ].join('\n'),
  );
  const worker = await loadHandler<SQSEvent, SQSBatchResponse | undefined>('onboarding-worker');
  const consumer = system.queue.consume((event) => invoke('onboarding-worker', worker, event));
  const run = async (argv: string[], expected: number) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { ...process.env, ...system.env },
      cwd: directory,
    };
    const code = await runCli(argv, io, connectorFor(system));
    const summary = stdout.trimEnd().split('\n').at(-1) ?? '';
    detail(`keepnet-groups ${argv.join(' ')} → exit ${code}: ${summary}`);
    if (code !== expected)
      throw new Error(`keepnet-groups ${argv.join(' ')} exited ${code}, not ${expected}: ${stderr.trim()}`);
  };
  try {
    await run(['plan', '-f', file, '--attributes', 'crm.csv'], 2);
    await run(['apply', '-f', file, '--attributes', 'crm.csv'], 0);
    await run(['plan', '-f', file, '--attributes', 'crm.csv'], 0);
    const reconcile = await reconcileFromS3(system, directory, [file, 'crm.csv'], tag);
    detail(
      `reconcile (report) ${reconcile.file} → drift ${reconcile.drift}, ${reconcile.operations.length} operation(s)`,
    );
    if (reconcile.drift !== 0) throw new Error(`reconcile found drift ${reconcile.drift}, not 0`);
  } finally {
    // Every operation has settled (the CLI waited for each): nothing is in flight to lose by cutting the
    // 20 s long poll short, and not waiting it out keeps `npm start` quick.
    await consumer.stop({ abortPolls: true });
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Puts the file and the CSV in the export bucket and runs the reconcile handler once over them, in
 * report mode (the default). Its configuration is read at load, from the variables set here.
 */
async function reconcileFromS3(
  system: LocalSystem,
  directory: string,
  [file, csv]: [string, string],
  tag: string,
): Promise<ReconcileSummary> {
  const s3 = new S3Client({ endpoint: system.s3.endpoint, forcePathStyle: true });
  const uri = async (name: string) => {
    const key = `groups-as-code/${tag}/${name}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: system.s3.bucket,
        Key: key,
        Body: await readFile(join(directory, name)),
      }),
    );
    return `s3://${system.s3.bucket}/${key}`;
  };
  // Loaded once per process (as Lambda would): one run of this step per `npm start`.
  let restoreEnv = () => {};
  try {
    restoreEnv = applyEnv({
      RECONCILE_FILE_S3_URI: await uri(file),
      RECONCILE_ATTRIBUTES_S3_URI: await uri(csv),
    });
    const handler = await loadHandler<unknown, ReconcileSummary>('reconcile');
    return await invoke('reconcile', handler, {});
  } finally {
    s3.destroy();
    restoreEnv();
  }
}
