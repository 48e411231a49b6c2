// A folder of files named as their S3 keys: s3rver stores `<bucket>/<key>._S3rver_object` (with
// metadata files beside it), which a person must rename before Excel opens it. This keeps
// `<files>/<bucket>/<key>` in step with s3rver's store; files whose object is gone are removed. Copies,
// not hard links: an editor that saves in place through a link would change the stored object itself.
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

const OBJECT_SUFFIX = '._S3rver_object';

/** Every file under `root` (relative paths, '/'-separated); none when `root` does not exist. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** True when `plain` is already a copy of `object` (same size, written since the object last changed). */
async function upToDate(object: string, plain: string): Promise<boolean> {
  const [source, copy] = await Promise.all([stat(object), stat(plain).catch(() => undefined)]);
  return copy !== undefined && copy.size === source.size && copy.mtimeMs >= source.mtimeMs;
}

/** Copies one object to its plain path unless the copy there is current. */
async function place(object: string, plain: string): Promise<boolean> {
  if (await upToDate(object, plain)) return false;
  await mkdir(dirname(plain), { recursive: true });
  // Copied beside, then renamed: a reader never opens half a file (a leftover is removed next sync).
  const partial = `${plain}.partial`;
  await copyFile(object, partial);
  await rename(partial, plain);
  return true;
}

/**
 * Brings `filesDirectory` in step with s3rver's `s3Directory`: `<bucket>/<key>` for every object.
 * Returns how many files it copied (new or changed) and removed.
 */
export async function syncPlainFiles(
  s3Directory: string,
  filesDirectory: string,
): Promise<{ placed: number; removed: number }> {
  const objects = (await filesUnder(s3Directory)).filter((path) => path.endsWith(OBJECT_SUFFIX));
  const wanted = new Set(objects.map((path) => path.slice(0, -OBJECT_SUFFIX.length)));
  let placed = 0;
  for (const path of objects) {
    const key = path.slice(0, -OBJECT_SUFFIX.length);
    if (await place(join(s3Directory, path), plainFilePath(filesDirectory, key))) placed++;
  }
  let removed = 0;
  for (const path of await filesUnder(filesDirectory)) {
    if (wanted.has(path)) continue;
    await rm(join(filesDirectory, path), { force: true });
    removed++;
  }
  return { placed, removed };
}

/** Where `syncPlainFiles` puts the object `<bucket>/<key>` ('/'-separated). */
export function plainFilePath(filesDirectory: string, bucketAndKey: string): string {
  return join(filesDirectory, ...bucketAndKey.split('/'));
}
