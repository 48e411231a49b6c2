// While `npm start -- --serve` runs, it records its endpoints and environment in
// <dataDir>/endpoints.json, so `keepnet-groups --local` can attach to it (same simulator, same queues)
// instead of starting a fresh simulator. Local values only: the file never holds a real secret.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The file in the data directory that records a served run (see RunningSystem). */
export const ENDPOINTS_FILE = 'endpoints.json';

/** What a served run records so other tools can attach: its API URL, process id and environment. */
export interface RunningSystem {
  apiUrl: string;
  pid: number;
  /** The environment the functions run with (endpoints, queue URLs, secret id, bucket). */
  env: Record<string, string>;
}

/** The data directory: KEEPNET_LOCAL_DIR, else `.local`, resolved against `cwd`. */
export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): string {
  return resolve(cwd, env.KEEPNET_LOCAL_DIR ?? '.local');
}

/** Records the served run in `dataDir`; returns the file written. */
export async function writeRunningSystem(dataDir: string, system: RunningSystem): Promise<string> {
  const file = join(dataDir, ENDPOINTS_FILE);
  await writeFile(file, `${JSON.stringify(system, null, 2)}\n`);
  return file;
}

/** Removes the record when the served run stops (no error when it is gone). */
export async function removeRunningSystem(dataDir: string): Promise<void> {
  await rm(join(dataDir, ENDPOINTS_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running system recorded in `dataDir`, or undefined when none runs (no file, or a stale one). */
export async function readRunningSystem(dataDir: string): Promise<RunningSystem | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, ENDPOINTS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as Partial<RunningSystem>;
  if (typeof parsed.pid !== 'number' || !parsed.env || typeof parsed.apiUrl !== 'string') return undefined;
  return isAlive(parsed.pid) ? (parsed as RunningSystem) : undefined;
}
