// What the local system keeps in its data directory (`.local/` by default, --data-dir or env
// KEEPNET_LOCAL_DIR), in one place: `npm start`, `--serve` and `keepnet-groups --local` all use it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The Keepnet simulator's companies, groups and members (local/keepnet-simulator/persistence.ts). */
export function simulatorStateFile(dataDir: string): string {
  return join(dataDir, 'keepnet-simulator.json');
}

/** s3rver's own store (objects as `<key>._S3rver_object`, with metadata files beside them). */
export function s3Directory(dataDir: string): string {
  return join(dataDir, 's3');
}

/** Copies of the S3 objects named as their keys, `<files>/<bucket>/<key>` (plain-files.ts). */
export function plainFilesDirectory(dataDir: string): string {
  return join(dataDir, 'files');
}

/**
 * `--fresh`: forgets what earlier runs kept (the simulator's state, local S3 and its plain copies), so the next start
 * reseeds the simulator and begins with empty buckets. Anything else in the directory is left alone.
 */
export async function forgetKeptState(dataDir: string): Promise<void> {
  await rm(simulatorStateFile(dataDir), { force: true });
  await rm(s3Directory(dataDir), { recursive: true, force: true });
  await rm(plainFilesDirectory(dataDir), { recursive: true, force: true });
}
