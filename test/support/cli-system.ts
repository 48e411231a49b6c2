// A local system for CLI tests: the same bootLocalSystem `npm start` uses (Keepnet simulator, Secrets
// Manager, s3rver, SQS FIFO) with the real onboarding-worker handler consuming the queue as Lambda's
// event source mapping would, and the running-system file `npm start -- --serve` writes, so the CLI
// attaches with --local exactly as it does to a served run and reaches it only over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { connect } from '../../cli/connect';
import type { CliIo } from '../../cli/output';
import { runCli } from '../../cli/program';
import { bootLocalSystem } from '../../local/runner/boot';
import { invoke, loadHandler } from '../../local/runner/handlers';
import type { LocalSystem } from '../../local/runner/local-system';
import { writeRunningSystem } from '../../local/runner/running-system';

/** One CLI run: exit code and what it printed. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Extra environment, whether to attach with --local (default yes), and whether stdout is a TTY. */
export interface CliRunOptions {
  env?: Record<string, string>;
  /** false: without --local. */
  local?: boolean;
  tty?: boolean;
}

/** A booted local system the CLI attaches to, and a way to run the CLI against it. */
export interface CliSystem {
  system: LocalSystem;
  /** The data directory, also the CLI's working directory. */
  dataDir: string;
  /** Runs the CLI attached to the local system; no Keepnet credentials in the environment. */
  cli(argv: string[], options?: CliRunOptions): Promise<CliRun>;
  close(): Promise<void>;
}

/** Boots the system and its worker; `close` stops both and restores process.env. */
export async function startCliSystem(options: { tag: string; companies: number }): Promise<CliSystem> {
  const savedEnv = { ...process.env };
  const dataDir = await mkdtemp(join(tmpdir(), `keepnet-${options.tag}-`));
  const system = await bootLocalSystem({ dataDir, tag: options.tag, companies: options.companies });
  // The worker handler reads its configuration at module load, as in Lambda: environment first.
  Object.assign(process.env, system.env, { POWERTOOLS_LOG_LEVEL: 'SILENT' });
  const worker = await loadHandler<SQSEvent, SQSBatchResponse | undefined>('onboarding-worker');
  const consumers = system.queue!.consume((event) => invoke('onboarding-worker', worker, event));
  // What `npm start -- --serve` writes: --local attaches to this process's system.
  await writeRunningSystem(dataDir, { apiUrl: 'http://127.0.0.1:9', pid: process.pid, env: system.env });

  const cli = async (argv: string[], run: CliRunOptions = {}): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), ...(run.tty ? { isTTY: true } : {}) },
      env: {
        ...savedEnv,
        KEEPNET_CLIENT_ID: '',
        KEEPNET_CLIENT_SECRET: '',
        KEEPNET_LOCAL_DIR: dataDir,
        ...run.env,
      },
      cwd: dataDir,
    };
    const code = await runCli(run.local === false ? argv : ['--local', ...argv], io, connect);
    return { code, stdout, stderr };
  };

  return {
    system,
    dataDir,
    cli,
    close: async () => {
      await consumers.stop({ abortPolls: true }); // tests are over: nothing in flight to keep
      await system.close();
      for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
      Object.assign(process.env, savedEnv);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
