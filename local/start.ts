// `npm start`: the whole system on one machine, no AWS account. Boots the local stand-ins, runs the
// real handlers through onboarding, one poller cycle and the nightly exports, prints what happened and
// where the files are. `npm start -- --serve` then keeps serving the HTTP API. See local/runner/.
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { bootLocalSystem } from './runner/boot';
import { forgetKeptState } from './runner/data-dir';
import type { LocalSystem } from './runner/local-system';
import { runMainJob } from './runner/main-job';
import { assertPortFree } from './runner/port-check';
import { Progress } from './runner/progress';
import { readRunningSystem } from './runner/running-system';
import { runTag } from './runner/scenario';
import { serveUntilInterrupted } from './runner/serve';
import { formatSummary } from './runner/summary';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError('must be a port number 0..65535');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new InvalidArgumentError('must be a whole number 1..10000');
  return n;
}

const program = new Command('npm start')
  .description('Run the Keepnet automation end to end on this machine, against local stand-ins.')
  .option('--serve', 'after the run, keep everything up and serve the HTTP API until Ctrl-C')
  .option('--port <port>', 'port for --serve (0: any free port)', port, 3000)
  .option(
    '--data-dir <dir>',
    'where local S3 keeps its files between runs (env KEEPNET_LOCAL_DIR)',
    process.env.KEEPNET_LOCAL_DIR ?? '.local',
  )
  .option(
    '--fresh',
    'forget what earlier runs kept in the data directory (Keepnet simulator state, local S3) and start from the seed',
  )
  .option(
    '--companies <n>',
    'customer companies seeded in the Keepnet simulator (when it starts from the seed)',
    count,
    50,
  )
  .option('--report <file>', 'also write the summary as JSON to this file (for scripts and CI)')
  .parse();

const options = program.opts<{
  serve?: boolean;
  fresh?: boolean;
  port: number;
  dataDir: string;
  companies: number;
  report?: string;
}>();
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const tag = runTag();
  out(`keepnet-msp-automation: local run ${tag} (data: ${dataDir})`);
  const progress = new Progress();
  let system: LocalSystem | undefined;
  try {
    // Before anything boots: a second --serve on the same port stops here, naming --port.
    if (options.serve && options.port !== 0) await assertPortFree(options.port);
    await mkdir(dataDir, { recursive: true });
    if (options.fresh) {
      const running = await readRunningSystem(dataDir);
      if (running)
        throw new Error(
          `--fresh: a local system (pid ${running.pid}) is serving from ${dataDir}; stop it first`,
        );
      await forgetKeptState(dataDir);
      out('--fresh: the simulator starts from its seed, local S3 starts empty');
    }
    const booted = await progress.step('boot the local system', () =>
      bootLocalSystem({ dataDir, companies: options.companies, tag }),
    );
    system = booted.value!;
    for (const line of system.describe()) progress.detail(line);
    // Before any handler is imported: they read their configuration at module load.
    Object.assign(process.env, system.env);

    const report = await runMainJob(system, progress, tag);
    out(formatSummary(report));
    if (options.report) await writeFile(resolve(options.report), `${JSON.stringify(report, null, 2)}\n`);
    if (report.problems.length > 0) {
      process.stderr.write(
        `npm start: the run finished with ${report.problems.length} problem(s), listed above\n`,
      );
      return 1;
    }
    if (options.serve) await serveUntilInterrupted(system, { port: options.port, dataDir, log: out });
    return 0;
  } catch (error) {
    process.stderr.write(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.stack && process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
    return 1;
  } finally {
    await system?.close().catch((error: unknown) => {
      process.stderr.write(`npm start: shutting down the local system failed: ${String(error)}\n`);
    });
  }
}

// Exit explicitly: SDK and undici keep-alive pools in the handlers' module scope would otherwise hold
// the process open for their idle timeout after the servers are gone.
process.exit(await main());
