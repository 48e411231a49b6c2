// The `npm start` step for groups as code (issue 16): the operator CLI, in-process, plans a small
// desired-state file against the local system (exit 2: changes), applies it through the onboarding
// worker (the one writer; consumed as Lambda's event source mapping would), and plans again (exit 0).
// The file names groups of this run only (tagged), so onboarding's groups are never touched.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { stringify } from 'yaml';
import type { CliIo } from '../../lib/cli/output';
import { type Connector, runCli } from '../../lib/cli/program';
import { StaticCredentialsProvider } from '../../lib/credentials/provider';
import { KeepnetClient } from '../../lib/keepnet/client';
import { invoke, loadHandler } from './handlers';
import type { LocalSystem } from './local-system';
import { StepUnavailableError } from './progress';

/** What each command said: its exit code and its last stdout line (the summary). */
export interface GroupsAsCodeReport {
  commands: { argv: string; code: number; summary: string }[];
}

/** The CLI's connector for this process's system: the simulator over HTTP, the system's AWS stand-ins. */
function connectorFor(system: LocalSystem): Connector {
  const { simulator } = system;
  return {
    keepnet: async () => {
      const client = new KeepnetClient({
        baseUrl: simulator.url,
        credentials: new StaticCredentialsProvider({
          ...simulator.credentials.reseller,
          baseUrl: simulator.url,
        }),
      });
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
): Promise<GroupsAsCodeReport> {
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
  const report: GroupsAsCodeReport = { commands: [] };
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
    report.commands.push({ argv: argv.join(' '), code, summary });
    detail(`keepnet-groups ${argv.join(' ')} → exit ${code}: ${summary}`);
    if (code !== expected)
      throw new Error(`keepnet-groups ${argv.join(' ')} exited ${code}, not ${expected}: ${stderr.trim()}`);
  };
  try {
    await run(['plan', '-f', file, '--attributes', 'crm.csv'], 2);
    await run(['apply', '-f', file, '--attributes', 'crm.csv'], 0);
    await run(['plan', '-f', file, '--attributes', 'crm.csv'], 0);
    return report;
  } finally {
    // Every operation has settled (the CLI waited for each): nothing is in flight to lose by cutting the
    // 20 s long poll short, and not waiting it out keeps `npm start` quick.
    await consumer.stop({ abortPolls: true });
    await rm(directory, { recursive: true, force: true });
  }
}
