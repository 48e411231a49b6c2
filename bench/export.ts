// Nightly export throughput and memory. For each size, three fresh Node processes run against one local
// stack (simulator with a synthetic export of that size, s3rver):
//   export:   runExportJob, Keepnet → S3 streamed (the real path), sampling its own RSS;
//   download: the same export drained to nowhere (how fast Keepnet alone can deliver the bytes);
//   upload:   the same byte count from memory to S3 with the same part size and queue (S3 alone).
// ratio = export time ÷ max(download, upload): 1.0 means streaming costs nothing over the slower side.
// Goals: ratio ≤ 1.1; RSS growth (peak − baseline before the export) ≤ 64 MB whatever the size.
//
// Run alone: `npx tsx bench/export.ts [--quick]`, or through `npm run bench`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Upload } from '@aws-sdk/lib-storage';
import { createS3ClientFromEnv, type ExportContext, normalisePrefix, runExportJob } from '../lib/exports';
import { DEFAULT_PART_SIZE, DEFAULT_QUEUE_SIZE } from '../lib/exports/s3-upload';
import { createKeepnetClientFromEnv, resetKeepnetClientFromEnv } from '../lib/keepnet';
import { startLocalStack } from '../local/local-stack';
import { startS3 } from '../local/s3';

const run = promisify(execFile);
// Tuning knobs (bytes, parts in flight): the library's defaults unless overridden for an experiment.
const partSize = Number(process.env.BENCH_EXPORT_PART_SIZE) || DEFAULT_PART_SIZE;
const queueSize = Number(process.env.BENCH_EXPORT_QUEUE_SIZE) || DEFAULT_QUEUE_SIZE;
const MB = 1_000_000;

export const EXPORT_RATIO_GOAL = 1.1;
export const EXPORT_RSS_GROWTH_GOAL_MB = 64;

type Mode = 'export' | 'download' | 'upload';

interface ChildResult {
  mode: Mode;
  bytes: number;
  ms: number;
  baselineRssMb: number;
  /** Highest sampled process.memoryUsage.rss() during the run. */
  peakRssMb: number;
  /** Linux VmHWM (kernel's peak RSS of the process), a cross-check of the sampling. */
  vmHwmMb: number | null;
}

export interface ExportBenchSize {
  targetBytes: number;
  bytes: number;
  exportMs: number;
  downloadMs: number;
  uploadMs: number;
  /** exportMs ÷ max(downloadMs, uploadMs). */
  ratio: number;
  baselineRssMb: number;
  peakRssMb: number;
  rssGrowthMb: number;
  vmHwmMb: number | null;
}

export interface ExportBenchResult {
  node: string;
  partSize: number;
  queueSize: number;
  sizes: ExportBenchSize[];
  goals: { ratio: number; rssGrowthMb: number };
  /** Worst ratio and largest growth over the sizes. */
  worstRatio: number;
  worstRssGrowthMb: number;
  pass: boolean;
}

export async function benchExport(opts: { quick?: boolean } = {}): Promise<ExportBenchResult> {
  const sizes = opts.quick ? [5 * MB, 50 * MB] : [10 * MB, 500 * MB];
  const stack = await startLocalStack();
  // S3 gets a process of its own, as it has in AWS: sharing the simulator's event loop would make the
  // streamed export (both at once) look slower than it is against the download or upload alone.
  const s3Server = await startS3Process(stack.env.EXPORT_BUCKET ?? 'keepnet-exports');
  try {
    const results: ExportBenchSize[] = [];
    for (const targetBytes of sizes) {
      stack.keepnet.configure({ syntheticExport: { bytes: targetBytes } });
      const env = {
        ...process.env,
        ...stack.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      };
      // Download first: its byte count (the synthetic export overshoots its target a little) sizes the upload.
      const download = await child('download', 0, env);
      const exported = await child('export', 0, env);
      const upload = await child('upload', download.bytes, env);
      if (process.env.BENCH_EXPORT_DEBUG) console.log(JSON.stringify({ download, exported, upload }));
      if (exported.bytes !== download.bytes) {
        throw new Error(`export wrote ${exported.bytes} bytes but the download had ${download.bytes}`);
      }
      const size: ExportBenchSize = {
        targetBytes,
        bytes: exported.bytes,
        exportMs: exported.ms,
        downloadMs: download.ms,
        uploadMs: upload.ms,
        ratio: round(exported.ms / Math.max(download.ms, upload.ms)),
        baselineRssMb: exported.baselineRssMb,
        peakRssMb: exported.peakRssMb,
        rssGrowthMb: round(exported.peakRssMb - exported.baselineRssMb, 1),
        vmHwmMb: exported.vmHwmMb,
      };
      results.push(size);
      console.log(
        `export ${(size.bytes / MB).toFixed(0)} MB: ${size.exportMs} ms vs download ${size.downloadMs} ms, ` +
          `upload ${size.uploadMs} ms → ratio ${size.ratio} (goal ≤ ${EXPORT_RATIO_GOAL}); ` +
          `RSS ${size.baselineRssMb} → ${size.peakRssMb} MB, growth ${size.rssGrowthMb} MB ` +
          `(goal ≤ ${EXPORT_RSS_GROWTH_GOAL_MB}; VmHWM ${size.vmHwmMb ?? 'n/a'} MB)`,
      );
    }
    const worstRatio = Math.max(...results.map((r) => r.ratio));
    const worstRssGrowthMb = Math.max(...results.map((r) => r.rssGrowthMb));
    return {
      node: process.version,
      partSize,
      queueSize,
      sizes: results,
      goals: { ratio: EXPORT_RATIO_GOAL, rssGrowthMb: EXPORT_RSS_GROWTH_GOAL_MB },
      worstRatio,
      worstRssGrowthMb,
      pass: worstRatio <= EXPORT_RATIO_GOAL && worstRssGrowthMb <= EXPORT_RSS_GROWTH_GOAL_MB,
    };
  } finally {
    s3Server.process.kill();
    await stack.close();
  }
}

/** s3rver (local/s3.ts) in a child process; its URL is the first line it prints. */
async function startS3Process(bucket: string): Promise<{ url: string; process: ChildProcess }> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/export.ts', '--s3-server', bucket], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: server.stdout }), 'line')) as [string];
  return { url: line.trim(), process: server };
}

/** One measurement in a fresh process (this file, `--child <mode> <bytes>`), so RSS is its alone. */
async function child(mode: Mode, bytes: number, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const { stdout } = await run(
    process.execPath,
    [
      ...(process.env.BENCH_EXPORT_GC_MS ? ['--expose-gc'] : []),
      '--import',
      'tsx',
      'bench/export.ts',
      '--child',
      mode,
      String(bytes),
    ],
    { cwd: process.cwd(), env, maxBuffer: 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as ChildResult;
}

async function runChild(mode: Mode, uploadBytes: number): Promise<ChildResult> {
  const s3 = createS3ClientFromEnv();
  const client = createKeepnetClientFromEnv();
  const bucket = process.env.EXPORT_BUCKET ?? 'keepnet-exports';
  const ctx: ExportContext = {
    client,
    s3,
    bucket,
    prefix: normalisePrefix('bench/'),
    scheduledTime: new Date(),
    partSize,
    queueSize,
  };
  // Warm up what every mode shares (token, connections, SDK), so the baseline holds the loaded modules.
  await client.searchGroups({ pageSize: 1 });
  globalThis.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  // Diagnostic: with BENCH_EXPORT_GC_MS, collect garbage that often, to tell live memory from garbage
  // V8 has not collected yet.
  const gcEvery = Number(process.env.BENCH_EXPORT_GC_MS);
  const collector = gcEvery > 0 && globalThis.gc ? setInterval(() => globalThis.gc?.(), gcEvery) : undefined;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  let bytes = 0;
  if (mode === 'export') {
    const result = await runExportJob({ what: 'groups', format: 'CSV', name: 'bench' }, ctx);
    bytes = result.bytes;
  } else if (mode === 'download') {
    const download = await client.exportGroups({ exportType: 'CSV', reportAllPages: true });
    for await (const chunk of download.body) bytes += (chunk as Buffer).length;
  } else {
    bytes = uploadBytes;
    await new Upload({
      client: s3,
      partSize,
      queueSize,
      params: { Bucket: bucket, Key: 'bench/raw-upload.bin', Body: Readable.from(zeroes(uploadBytes)) },
    }).done();
  }
  const ms = Math.round(performance.now() - started);
  clearInterval(sampler);
  clearInterval(collector);
  peak = Math.max(peak, process.memoryUsage.rss());
  s3.destroy();
  await resetKeepnetClientFromEnv();
  return { mode, bytes, ms, baselineRssMb: mb(baseline), peakRssMb: mb(peak), vmHwmMb: vmHwmMb() };
}

/** The same byte count as the export, from memory: 64 KiB chunks, like a socket delivers. */
function* zeroes(total: number): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  for (let sent = 0; sent < total; sent += chunk.length) {
    yield total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
  }
}

function vmHwmMb(): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? round((Number(match[1]) * 1024) / 2 ** 20, 1) : null;
  } catch {
    return null;
  }
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const childAt = process.argv.indexOf('--child');
  const s3At = process.argv.indexOf('--s3-server');
  if (s3At >= 0) {
    startS3({ buckets: [process.argv[s3At + 1] ?? 'keepnet-exports'] }).then((s3) => console.log(s3.url));
  } else if (childAt >= 0) {
    const mode = process.argv[childAt + 1] as Mode;
    runChild(mode, Number(process.argv[childAt + 2] ?? 0)).then(
      (result) => {
        console.log(JSON.stringify(result));
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    benchExport({ quick: process.argv.includes('--quick') }).then(
      (result) => console.log(JSON.stringify(result, null, 2)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
