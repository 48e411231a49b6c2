// `export [group]`: streams a Keepnet export (the groups list, or one group's companies) to a file or
// to S3, without holding it in memory, and reports the byte count. Progress goes to stderr.

import { basename, resolve as resolvePath } from 'node:path';
import { Transform } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import { ExportContentError, ExportTruncatedError } from '../../lib/exports/errors';
import { canonicalExportFormat, EXPORT_FORMAT_RULE } from '../../lib/exports/format-name';
import { streamToS3 } from '../../lib/exports/s3-upload';
import { openVerifiedExport } from '../../lib/exports/verified-export';
import { isKeepnetError } from '../../lib/keepnet/errors';
import type { ExportDownload, ExportType } from '../../lib/keepnet/types';
import { createCliS3Client } from '../aws-config';
import type { CommandContext } from '../context';
import { IncompleteError, UpstreamError, UsageError } from '../exit-codes';
import { resolveGroup } from '../group-ref';
import { type CliIo, formatBytes, writeJson } from '../output';
import { streamToFile } from '../partial-file';

/** The `--format` option as an export type. Throws commander's `InvalidArgumentError`. */
export function parseExportFormat(value: string): ExportType {
  const format = canonicalExportFormat(value);
  if (!format) throw new InvalidArgumentError(EXPORT_FORMAT_RULE);
  return format;
}

/** Where `--output` sends an export: a local file, or an S3 object. */
export type ExportDestination = { kind: 'file'; path: string } | { kind: 's3'; bucket: string; key: string };

/** `s3://bucket/key`, or a local path resolved against `cwd`. Throws `UsageError` for a malformed S3 URI. */
export function parseDestination(value: string, cwd: string): ExportDestination {
  if (value.startsWith('s3://')) {
    const rest = value.slice('s3://'.length);
    const slash = rest.indexOf('/');
    if (slash < 1 || slash === rest.length - 1) {
      throw new UsageError(`--output "${value}": an S3 destination must look like s3://bucket/key`);
    }
    return { kind: 's3', bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  }
  return { kind: 'file', path: resolvePath(cwd, value) };
}

function describe(destination: ExportDestination): string {
  return destination.kind === 'file' ? destination.path : `s3://${destination.bucket}/${destination.key}`;
}

/**
 * Counts bytes as they pass and shows a live counter on a terminal (a single line, redrawn). The length
 * Keepnet announced is checked upstream of it, by the export's ByteMeter.
 */
function progressCounter(io: CliIo): { stream: Transform; bytes(): number; finish(): void } {
  let bytes = 0;
  let lastDraw = 0;
  const live = io.stderr.isTTY === true;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      const now = Date.now();
      if (live && now - lastDraw > 200) {
        lastDraw = now;
        io.stderr.write(`\rexporting… ${formatBytes(bytes)}   `);
      }
      callback(null, chunk);
    },
  });
  return { stream, bytes: () => bytes, finish: () => live && io.stderr.write('\r\x1b[K') };
}

async function writeToS3(
  download: ExportDownload,
  bucket: string,
  key: string,
  counter: Transform,
  env: Record<string, string | undefined>,
): Promise<void> {
  const s3 = createCliS3Client(env);
  try {
    download.body.on('error', (error) => counter.destroy(error));
    // The nightly export's upload: multipart, encrypted, checksummed, aborted on any failure.
    await streamToS3({
      s3,
      bucket,
      key,
      contentType: download.contentType,
      body: download.body.pipe(counter),
      label: `s3://${bucket}/${key}`,
    });
  } finally {
    s3.destroy();
  }
}

/** `export`: one Keepnet export to a local file or S3. */
export function registerExportCommand(program: Command, ctx: CommandContext): void {
  program
    .command('export')
    .description("export the groups list, or one group's companies, as CSV or Excel")
    .argument(
      '[group]',
      "export this group's companies (resource id or exact name) instead of the groups list",
    )
    .requiredOption('-f, --format <format>', 'CSV or Excel (any case)', parseExportFormat)
    .option('-o, --output <path>', 'a file path or s3://bucket/key (default: the file name Keepnet suggests)')
    .option('--json', 'print the result as JSON')
    .action(
      async (ref: string | undefined, opts: { format: ExportType; output?: string; json?: boolean }) => {
        // Check the destination before asking Keepnet for anything.
        const requested = opts.output === undefined ? undefined : parseDestination(opts.output, ctx.io.cwd);
        const awsEnv = requested?.kind === 's3' ? await ctx.awsEnv() : undefined;
        const client = await ctx.keepnet();
        const group = ref === undefined ? undefined : await resolveGroup(client, ref);
        // The nightly export's checks: expected record count, CSV/xlsx whole (lib/exports).
        const verified = await openVerifiedExport(
          client,
          {
            name: group ? `group-${group.resourceId}` : 'company-groups',
            format: opts.format,
            search: {},
            groupId: group?.resourceId ?? null,
          },
          {},
          group ? `export of group "${group.name}"` : 'export of company groups',
        );
        const { download } = verified;
        const extension = opts.format === 'CSV' ? 'csv' : 'xlsx';
        // The suggested name comes from the server: keep only its last path segment.
        const suggested =
          basename(download.fileName ?? '') ||
          `${group ? `group-${group.resourceId}` : 'company-groups'}.${extension}`;
        const destination = requested ?? parseDestination(suggested, ctx.io.cwd);
        ctx.io.stderr.write(
          `exporting ${group ? `group "${group.name}"` : 'company groups'} to ${describe(destination)}\n`,
        );

        const progress = progressCounter(ctx.io);
        const checked = { ...download, body: download.body.pipe(verified.meter) };
        download.body.on('error', (error) => verified.meter.destroy(error));
        try {
          if (destination.kind === 'file')
            await streamToFile(destination.path, checked.body, progress.stream);
          else await writeToS3(checked, destination.bucket, destination.key, progress.stream, awsEnv ?? {});
        } catch (error) {
          if (error instanceof IncompleteError || isKeepnetError(error)) throw error;
          if (error instanceof ExportContentError || error instanceof ExportTruncatedError) {
            throw new IncompleteError(`${error.message}; nothing was written to ${describe(destination)}`);
          }
          // The body stream fails with the socket's own error; say what that means for the operator.
          const reason = error instanceof Error ? error.message : String(error);
          throw new UpstreamError(
            `the export download broke off after ${progress.bytes()} bytes (${reason}); nothing was written to ${describe(destination)}`,
            { cause: error },
          );
        } finally {
          progress.finish();
        }
        const bytes = progress.bytes();
        const result = {
          destination: describe(destination),
          bytes,
          rows: verified.rows(),
          checksum: verified.meter.sha256,
          contentType: download.contentType,
        };
        if (opts.json) writeJson(ctx.io, result);
        else ctx.io.stdout.write(`wrote ${bytes} bytes (${formatBytes(bytes)}) to ${result.destination}\n`);
      },
    );
}
