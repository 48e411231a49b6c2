// `report latest [-o file] [--open]`: downloads the newest nightly report (the .xlsx people open) from the
// export bucket to a file, and with --open hands it to the desktop's opener. The bucket and prefix are
// the nightly run's (EXPORT_BUCKET, EXPORT_PREFIX; with --local, the running local system's).

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, delimiter, join, resolve as resolvePath } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { ENV } from '../../lib/config/variables';
import { exportLocationFromEnv } from '../../lib/exports/config';
import { latestReportKey } from '../../lib/exports/report-keys';
import { createCliS3Client } from '../aws-config';
import type { CommandContext } from '../context';
import { ConfigurationError, NotFoundError } from '../exit-codes';
import { type CliIo, formatBytes, writeJson } from '../output';
import { streamToFile } from '../partial-file';

/** The desktop opener of this platform, when it is on PATH: xdg-open (Linux, BSD) or open (macOS). */
async function findOpener(env: Record<string, string | undefined>, platform = process.platform) {
  const name = platform === 'darwin' ? 'open' : platform === 'win32' ? null : 'xdg-open';
  if (name === null) return null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function download(io: CliIo, env: Record<string, string | undefined>, output: string | undefined) {
  const location = exportLocationFromEnv(env);
  if (!location) {
    throw new ConfigurationError(
      `${ENV.exportBucket}: required (the bucket the nightly run writes reports to)`,
    );
  }
  const { bucket, prefix } = location;
  const s3 = createCliS3Client(env);
  try {
    const key = await latestReportKey(s3, bucket, prefix);
    if (key === null) {
      throw new NotFoundError(
        `no report under s3://${bucket}/${prefix}report/ yet: the nightly run writes one`,
      );
    }
    const path = resolvePath(io.cwd, output ?? basename(key));
    const reply = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!(reply.Body instanceof Readable)) throw new Error(`s3://${bucket}/${key}: no body`);
    await streamToFile(path, reply.Body);
    return { key: `s3://${bucket}/${key}`, path, bytes: (await stat(path)).size };
  } finally {
    s3.destroy();
  }
}

/** `report latest`: downloads the newest nightly report (.xlsx) from S3. */
export function registerReportCommands(program: Command, ctx: CommandContext): void {
  const report = program.command('report').description('the nightly report people open (.xlsx)');
  report
    .command('latest')
    .description('download the newest nightly report')
    .option('-o, --output <file>', 'where to write it (default: its own file name, in this folder)')
    .option('--open', 'open it with xdg-open/open when present (else print its path)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { output?: string; open?: boolean; json?: boolean }) => {
      const got = await download(ctx.io, await ctx.awsEnv(), opts.output);
      const { bytes } = got;
      let opened = false;
      if (opts.open) {
        const opener = await findOpener(ctx.io.env);
        if (opener !== null) {
          // Detached: the viewer outlives this command.
          spawn(opener, [got.path], { detached: true, stdio: 'ignore' }).unref();
          opened = true;
        } else ctx.io.stderr.write('no xdg-open/open on PATH: open the file yourself\n');
      }
      const result = { key: got.key, path: got.path, bytes, opened };
      if (opts.json) writeJson(ctx.io, result);
      else ctx.io.stdout.write(`wrote ${formatBytes(bytes)} (${got.key}) to ${got.path}\n`);
    });
}
