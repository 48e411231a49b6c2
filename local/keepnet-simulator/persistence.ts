// A kept simulator: its data in a JSON file, read at start (instead of the seed) and rewritten after
// every change, so what a local run or a `--local` CLI call did is still there next time.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { StoreSnapshot } from './store';

const snapshotSchema = z.object({
  version: z.literal(1),
  idDraws: z.number().int().nonnegative(),
  companies: z.array(z.looseObject({ resourceId: z.string(), name: z.string() })),
  groups: z.array(
    z.looseObject({
      resourceId: z.string(),
      name: z.string(),
      createTime: z.string(),
      memberIds: z.array(z.string()),
    }),
  ),
});

/** The snapshot kept in `file`, or undefined when there is none yet. Throws, naming the file, when it is unreadable. */
export function readKeptState(file: string): StoreSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = snapshotSchema.safeParse(parsed);
  if (!result.success) {
    throw new Error(
      `the kept simulator state ${file} is not a state file this simulator wrote (${result.error.issues[0]?.message ?? 'not JSON'}): remove it, or start with --fresh`,
    );
  }
  // The schema checks what restore relies on; the rest of each record is the simulator's own output.
  return result.data as unknown as StoreSnapshot;
}

/**
 * Writes `snapshot` to `file` whole, to a temporary file renamed over the old one: a crash leaves the
 * previous state, never half a file. Synchronous on purpose: the next request sees a store already on disk.
 */
export function writeKeptState(file: string, snapshot: StoreSnapshot): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(snapshot)}\n`);
  renameSync(temporary, file);
}
