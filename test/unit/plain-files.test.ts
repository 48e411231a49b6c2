// syncPlainFiles on a real directory laid out as s3rver lays it out: objects appear under their keys,
// changes are copied, deletions removed, metadata files and half-written copies never show.
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncPlainFiles } from '../../local/runner/plain-files';

let root: string;
let s3: string;
let files: string;

async function putS3rverObject(bucketAndKey: string, body: string): Promise<void> {
  const path = join(s3, `${bucketAndKey}._S3rver_object`);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, body);
  await writeFile(join(s3, `${bucketAndKey}._S3rver_metadata.json`), '{}');
  await writeFile(`${path}.md5`, 'x');
}

async function listed(): Promise<string[]> {
  const entries = await readdir(files, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(files.length + 1))
    .sort();
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keepnet-plain-'));
  s3 = join(root, 's3');
  files = join(root, 'files');
  await mkdir(s3);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('syncPlainFiles', () => {
  it('gives every object a file named as its bucket and key, and nothing else', async () => {
    await putS3rverObject('keepnet-exports/exports/groups/date=2026-12-03/groups.xlsx', 'PK-xlsx');
    await putS3rverObject('keepnet-state/operations/op_1.json', '{"status":"succeeded"}');
    expect(await syncPlainFiles(s3, files)).toEqual({ placed: 2, removed: 0 });
    expect(await listed()).toEqual([
      join('keepnet-exports', 'exports', 'groups', 'date=2026-12-03', 'groups.xlsx'),
      join('keepnet-state', 'operations', 'op_1.json'),
    ]);
    expect(
      await readFile(join(files, 'keepnet-exports/exports/groups/date=2026-12-03/groups.xlsx'), 'utf8'),
    ).toBe('PK-xlsx');
  });

  it('copies only what changed, and removes files whose object is gone (and leftover partial copies)', async () => {
    await putS3rverObject('b/kept.txt', 'one');
    await putS3rverObject('b/gone.txt', 'bye');
    await syncPlainFiles(s3, files);
    expect(await syncPlainFiles(s3, files)).toEqual({ placed: 0, removed: 0 });

    await rm(join(s3, 'b/gone.txt._S3rver_object'));
    await writeFile(join(files, 'b/interrupted.csv.partial'), 'half');
    await putS3rverObject('b/kept.txt', 'two, longer');
    const later = new Date(Date.now() + 5_000);
    await utimes(join(s3, 'b/kept.txt._S3rver_object'), later, later);
    expect(await syncPlainFiles(s3, files)).toEqual({ placed: 1, removed: 2 });
    expect(await listed()).toEqual([join('b', 'kept.txt')]);
    expect(await readFile(join(files, 'b/kept.txt'), 'utf8')).toBe('two, longer');
  });

  it('copes with an S3 directory that does not exist yet', async () => {
    expect(await syncPlainFiles(join(root, 'none'), files)).toEqual({ placed: 0, removed: 0 });
  });
});
