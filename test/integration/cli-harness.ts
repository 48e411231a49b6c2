// What the in-process CLI tests share: the local stack with a reseller credential in the environment,
// a scratch folder, and runCli with its output captured (the bin's code minus process.exit).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../cli/connect';
import type { CliIo } from '../../cli/output';
import { runCli } from '../../cli/program';
import { type Emulators, startEmulators } from '../../local/emulators';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line in-process, with `env` over this process's environment, in `cwd`. */
export async function runCliCaptured(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env, ...env },
    cwd,
  };
  const code = await runCli(argv, io, connect);
  return { code, stdout, stderr };
}

export interface CliStack {
  stack: Emulators;
  workDir: string;
  /** KEEPNET_CLIENT_ID, KEEPNET_CLIENT_SECRET and KEEPNET_BASE_URL of the simulator's reseller. */
  credentialsEnv: Record<string, string>;
  close(): Promise<void>;
}

/** The local stack (its AWS endpoints in the environment until close), a scratch folder, credentials. */
export async function startCliStack(scratchPrefix: string): Promise<CliStack> {
  const stack = await startEmulators();
  const restoreEnv = stack.applyEnv();
  const workDir = await mkdtemp(join(tmpdir(), scratchPrefix));
  const { clientId, clientSecret } = stack.keepnet.credentials.reseller;
  return {
    stack,
    workDir,
    credentialsEnv: {
      KEEPNET_CLIENT_ID: clientId,
      KEEPNET_CLIENT_SECRET: clientSecret,
      KEEPNET_BASE_URL: stack.keepnet.url,
    },
    close: async () => {
      restoreEnv();
      await stack.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
