// Reading what `plan`, `apply` and `rules backfill` work from: local files (checked before any call to
// Keepnet, so a bad file costs no API call and writes nothing), then Keepnet's state, then the plan.
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { type AttributeTable, MAX_ATTRIBUTES_BYTES, parseAttributes } from '../lib/desired-state/attributes';
import { MAX_FILE_BYTES } from '../lib/desired-state/format';
import { parseDesiredState } from '../lib/desired-state/parse';
import type { DesiredStateInputs } from '../lib/desired-state/plan-keepnet';
import type { CommandContext } from './context';
import { ExitCode, exitCodeFor, UpstreamError, UsageError } from './exit-codes';

/**
 * A local file's text, its size checked before it is read. A missing file is a usage error (exit 1),
 * never "not found" (2): `plan` keeps exit 2 for "has changes".
 */
export async function readLocalFile(
  ctx: CommandContext,
  path: string,
  option: string,
  maxBytes: number,
): Promise<string> {
  const full = resolve(ctx.io.cwd, path);
  try {
    const info = await stat(full);
    if (!info.isFile()) throw new UsageError(`${option} ${path}: not a file`);
    if (info.size > maxBytes)
      throw new UsageError(`${option} ${path}: ${info.size} bytes; the limit is ${maxBytes}`);
    return await readFile(full, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${option} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/**
 * Reads and validates the desired-state file and the optional attributes CSV, each size-checked
 * first. Throws `DesiredStateError` naming the file, line or field at fault.
 */
export async function readLocalInputs(
  ctx: CommandContext,
  options: { file: string; attributes?: string },
): Promise<DesiredStateInputs> {
  const parsed = parseDesiredState(
    await readLocalFile(ctx, options.file, '-f', MAX_FILE_BYTES),
    basename(options.file),
  );
  if (options.attributes === undefined) return { parsed };
  const text = await readLocalFile(ctx, options.attributes, '--attributes', MAX_ATTRIBUTES_BYTES);
  return { parsed, attributes: parseAttributes(text, basename(options.attributes)) };
}

/** Reads attributes alone (for `rules backfill`). */
export async function readAttributesFile(ctx: CommandContext, path: string): Promise<AttributeTable> {
  return parseAttributes(
    await readLocalFile(ctx, path, '--attributes', MAX_ATTRIBUTES_BYTES),
    basename(path),
  );
}

/** Writes a file whole or not at all: a temporary file beside it, renamed into place. */
export async function writeFileAtomically(ctx: CommandContext, path: string, text: string): Promise<void> {
  const full = resolve(ctx.io.cwd, path);
  const temporary = `${full}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, full);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Runs a read for a command whose exit 2 means "the plan has changes": a "not found" while reading
 * (a group deleted between the group list and its member read) becomes an upstream error (exit 4,
 * plan again), so 2 keeps one meaning.
 */
export async function readingForPlan<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (exitCodeFor(error) !== ExitCode.notFound) throw error;
    throw new UpstreamError(
      `Keepnet changed while it was being read (${(error as Error).message}); plan again`,
    );
  }
}
