// `keepnet-groups report latest`: attached with --local to a running local system, it finds the newest
// nightly report in the export bucket, downloads it whole, and with --open hands it to xdg-open/open
// when one is on PATH (a stand-in script here, which records what it was given).
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import ExcelJS from 'exceljs';
import { createCliS3Client } from '../../cli/aws-config';
import { runScheduledExport } from '../../lib/exports';
import { REPORT_SHEETS } from '../../lib/exports/report-workbook';
import { createKeepnetClientFromEnv, type KeepnetClient } from '../../lib/keepnet';
import { type CliSystem, startCliSystem } from '../support/cli-system';

let world: CliSystem;
let client: KeepnetClient;
let s3: S3Client;
let bucket: string;
const prefix = 'exports/';

beforeAll(async () => {
  world = await startCliSystem({ tag: 'cli-report', companies: 12 });
  client = createKeepnetClientFromEnv();
  // The CLI's own S3 client settings for the system's stand-ins (endpoint, path style, checksums).
  s3 = createCliS3Client(world.system.env);
  bucket = world.system.env.EXPORT_BUCKET!;
});
afterAll(async () => {
  s3?.destroy();
  await client?.close();
  await world?.close();
});

const night = (iso: string) =>
  runScheduledExport([], { client, s3, bucket, prefix, scheduledTime: new Date(iso) });

it('says there is no report yet before the first night (exit 2)', async () => {
  const run = await world.cli(['report', 'latest']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`no report under s3://${bucket}/${prefix}report/`);
});

it('downloads the newest of several nights, whole, under its own name', async () => {
  await night('2026-11-27T02:00:00Z');
  const newest = await night('2026-11-28T02:00:00Z');
  const run = await world.cli(['report', 'latest', '--json']);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { key: string; path: string; bytes: number; opened: boolean };
  expect(result.key).toBe(`s3://${bucket}/${newest.reportKey}`);
  expect(result.path).toBe(join(world.dataDir, 'company-groups-report-20261128T020000Z.xlsx'));
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: newest.reportKey! }));
  expect(result.bytes).toBe(head.ContentLength);
  expect((await stat(result.path)).size).toBe(head.ContentLength);
  expect(result.opened).toBe(false);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(result.path);
  expect(book.worksheets.map((s) => s.name)).toEqual([...REPORT_SHEETS]);
});

it('--open hands the file to xdg-open when it is on PATH, else says so and prints the path', async () => {
  const bin = join(world.dataDir, 'bin');
  await mkdir(bin, { recursive: true });
  const opened = join(world.dataDir, 'opened.txt');
  const opener = join(bin, process.platform === 'darwin' ? 'open' : 'xdg-open');
  await writeFile(opener, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
  await chmod(opener, 0o755);

  const run = await world.cli(['report', 'latest', '-o', 'morning.xlsx', '--open'], { env: { PATH: bin } });
  expect(run.code).toBe(0);
  const path = join(world.dataDir, 'morning.xlsx');
  expect(run.stdout).toContain(`to ${path}`);
  let given = '';
  for (let i = 0; i < 100 && given === ''; i++) {
    given = await readFile(opened, 'utf8').catch(() => '');
    if (given === '') await sleep(50);
  }
  expect(given).toBe(path);

  const none = await world.cli(['report', 'latest', '--open', '--json'], {
    env: { PATH: join(bin, 'none') },
  });
  expect(none.code).toBe(0);
  expect(none.stderr).toContain('no xdg-open/open on PATH');
  expect(JSON.parse(none.stdout)).toMatchObject({ opened: false, path: expect.stringMatching(/\.xlsx$/) });
});
