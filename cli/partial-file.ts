// Downloads that land in a local file (export, report latest): never a file that looks complete but is not.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Streams `source` (through `stages`) into `<path>.partial` beside the target and renames it to `path`
 * once everything arrived; on any failure the partial file is removed and the error rethrown.
 */
export async function streamToFile(path: string, source: Readable, ...stages: Transform[]): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await pipeline([source, ...stages, createWriteStream(partial)]);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
