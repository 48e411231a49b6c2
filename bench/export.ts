// Nightly export throughput and memory. For each size, fresh Node processes run against one local stack
// (simulator with a synthetic export of that size; s3rver in a process of its own):
//   export:   runExportJob, Keepnet → S3 streamed and verified (the real path), sampling its own RSS;
//   download: the same export drained to nowhere (how fast Keepnet alone delivers the bytes);
//   upload:   the same byte count from memory through the same upload code and S3 settings (S3 alone);
//   pipe:     download piped straight into upload, no meter or counter (the streaming floor).
// ratio = export time ÷ max(download, upload): 1.0 means streaming costs nothing over the slower side.
// Fairness: one warm-up export per size is discarded; then BENCH_EXPORT_RUNS (default 3) rounds run every
// mode once, interleaved and rotated, and the times are medians. All modes move the same bytes, run as the
// same kind of child process with the same V8 flags, against the same simulator and s3rver process.
// Goals: ratio ≤ 1.1; RSS growth (peak − baseline before the export) ≤ 64 MB whatever the size.
// CPU times are reported too: on a machine with few cores the simulator, s3rver and the exporter compete
// for them, and the wall-clock ratio then measures that contention as much as the code.
// Knobs: BENCH_EXPORT_PART_SIZE / BENCH_EXPORT_QUEUE_SIZE (experiments), BENCH_EXPORT_GC_MS (forces GC that
// often, to tell live memory from garbage V8 has not collected), BENCH_EXPORT_DEBUG (raw child results),
// BENCH_EXPORT_RUNS, BENCH_EXPORT_SIZES_MB (e.g. "50"), BENCH_EXPORT_LAMBDA_MEMORY_MB, and
// BENCH_EXPORT_NODE_FLAGS (extra flags for every child, experiments only).
//
// Run alone: `npx tsx bench/export.ts [--quick]`, or through `npm run bench`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createS3ClientFromEnv, type ExportContext, normalisePrefix, runExportJob } from '../lib/exports';
import { DEFAULT_PART_SIZE, DEFAULT_QUEUE_SIZE, streamToS3 } from '../lib/exports/s3-upload';
import { createKeepnetClientFromEnv, resetKeepnetClientFromEnv } from '../lib/keepnet';
import { startEmulators } from '../local/emulators';
import { startS3 } from '../local/s3';

const run = promisify(execFile);
// Tuning knobs (bytes, parts in flight): the library's defaults unless overridden for an experiment.
const partSize = Number(process.env.BENCH_EXPORT_PART_SIZE) || DEFAULT_PART_SIZE;
const queueSize = Number(process.env.BENCH_EXPORT_QUEUE_SIZE) || DEFAULT_QUEUE_SIZE;
const MB = 1_000_000;

export const EXPORT_RATIO_GOAL = 1.1;
export const EXPORT_RSS_GROWTH_GOAL_MB = 64;

/** `pipe`: the export's download straight into the same upload, without meter or counter. */
type Mode = 'export' | 'download' | 'upload' | 'pipe';
const MODES: readonly Mode[] = ['download', 'export', 'upload', 'pipe'];

/**
 * Every child runs with the V8 heap flags the Lambda Node.js runtime derives from the function's memory
 * (its bootstrap: new space 5% of memory, semi-space half of that, old space the rest), so RSS is
 * measured under the GC sizing production has. scheduled-export has 1024 MB (infra/stack.ts). Set
 * BENCH_EXPORT_LAMBDA_MEMORY_MB=0 to run with Node's defaults instead.
 */
const lambdaMemoryMb =
  process.env.BENCH_EXPORT_LAMBDA_MEMORY_MB === undefined
    ? 1024
    : Number(process.env.BENCH_EXPORT_LAMBDA_MEMORY_MB) || null;
function lambdaV8Flags(): string[] {
  if (lambdaMemoryMb === null) return [];
  const newSpace = Math.floor(lambdaMemoryMb / 20);
  return [
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${lambdaMemoryMb - newSpace}`,
  ];
}

/** The run with the median time (runs are few and odd by default; the upper middle one otherwise). */
function median(results: ChildResult[]): ChildResult {
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor(sorted.length / 2)] as ChildResult;
}

interface ChildResult {
  mode: Mode;
  bytes: number;
  ms: number;
  /** User + system CPU time of the process during the run (load-independent, unlike `ms`). */
  cpuMs: number;
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
  /**
   * CPU of the export process ÷ (CPU of the download process + CPU of the upload process): what the
   * streaming itself adds (meter, counter, piping), independent of how busy the machine is.
   */
  cpuRatio: number;
  exportCpuMs: number;
  downloadCpuMs: number;
  uploadCpuMs: number;
  /** The same download piped into the same upload without meter or counter: the streaming floor. */
  pipeMs: number;
  pipeCpuMs: number;
  /** exportMs ÷ pipeMs: what verifying (SHA-256, Content-Length, row count) adds to the wall time. */
  verificationRatio: number;
  baselineRssMb: number;
  peakRssMb: number;
  rssGrowthMb: number;
  vmHwmMb: number | null;
  /** Every measured run (ms), in order; the figures above are their medians. */
  exportRunsMs: number[];
  downloadRunsMs: number[];
  uploadRunsMs: number[];
  pipeRunsMs: number[];
}

export interface ExportBenchResult {
  node: string;
  /** Simulator, S3 and the measured process share these; below 4, the export competes for CPU. */
  cpus: number;
  partSize: number;
  queueSize: number;
  /** Measured runs per mode and size (after one discarded warm-up); times are medians. */
  runs: number;
  /** The V8 flags every child ran with (those of a Lambda with this memory), or none. */
  lambdaMemoryMb: number | null;
  v8Flags: string[];
  sizes: ExportBenchSize[];
  goals: { ratio: number; rssGrowthMb: number };
  /** Worst ratio and largest growth over the sizes. */
  worstRatio: number;
  worstRssGrowthMb: number;
  pass: boolean;
}

export async function benchExport(opts: { quick?: boolean } = {}): Promise<ExportBenchResult> {
  const sizes = process.env.BENCH_EXPORT_SIZES_MB
    ? process.env.BENCH_EXPORT_SIZES_MB.split(',').map((mb) => Number(mb) * MB)
    : opts.quick
      ? [5 * MB, 50 * MB]
      : [10 * MB, 500 * MB];
  const runs = Number(process.env.BENCH_EXPORT_RUNS) || 3;
  const stack = await startEmulators();
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
      // Warm-up, discarded: the first run against a fresh s3rver and simulator pays their JIT, disk and
      // connection set-up. Its download's byte count (the synthetic export overshoots its target a
      // little) sizes the upload baseline, so every mode moves exactly the same bytes.
      const warm = await child('download', 0, env);
      await child('export', 0, env);
      const samples: Record<Mode, ChildResult[]> = { export: [], download: [], upload: [], pipe: [] };
      for (let round = 0; round < runs; round++) {
        // Interleaved and rotated, so a burst of load from other processes hits every mode alike.
        const order = MODES.map((_, i) => MODES[(i + round) % MODES.length] as Mode);
        for (const mode of order)
          samples[mode].push(await child(mode, mode === 'upload' ? warm.bytes : 0, env));
      }
      if (process.env.BENCH_EXPORT_DEBUG) console.log(JSON.stringify(samples));
      for (const mode of MODES) {
        for (const sample of samples[mode]) {
          if (sample.bytes !== warm.bytes) {
            throw new Error(`${mode} moved ${sample.bytes} bytes but the download had ${warm.bytes}`);
          }
        }
      }
      const exported = median(samples.export);
      const download = median(samples.download);
      const upload = median(samples.upload);
      const pipe = median(samples.pipe);
      // Memory: the worst export run, not the median one.
      const worstRss = samples.export.reduce((a, b) =>
        b.peakRssMb - b.baselineRssMb > a.peakRssMb - a.baselineRssMb ? b : a,
      );
      const size: ExportBenchSize = {
        targetBytes,
        bytes: exported.bytes,
        exportMs: exported.ms,
        downloadMs: download.ms,
        uploadMs: upload.ms,
        ratio: round(exported.ms / Math.max(download.ms, upload.ms)),
        cpuRatio: round(exported.cpuMs / (download.cpuMs + upload.cpuMs)),
        exportCpuMs: exported.cpuMs,
        downloadCpuMs: download.cpuMs,
        uploadCpuMs: upload.cpuMs,
        pipeMs: pipe.ms,
        pipeCpuMs: pipe.cpuMs,
        verificationRatio: round(exported.ms / pipe.ms),
        baselineRssMb: worstRss.baselineRssMb,
        peakRssMb: worstRss.peakRssMb,
        rssGrowthMb: round(worstRss.peakRssMb - worstRss.baselineRssMb, 1),
        vmHwmMb: worstRss.vmHwmMb,
        exportRunsMs: samples.export.map((r) => r.ms),
        downloadRunsMs: samples.download.map((r) => r.ms),
        uploadRunsMs: samples.upload.map((r) => r.ms),
        pipeRunsMs: samples.pipe.map((r) => r.ms),
      };
      results.push(size);
      console.log(
        `export ${(size.bytes / MB).toFixed(0)} MB (median of ${runs}): ${size.exportMs} ms vs download ${size.downloadMs} ms, ` +
          `upload ${size.uploadMs} ms → ratio ${size.ratio} (goal ≤ ${EXPORT_RATIO_GOAL}); ` +
          `CPU ${size.exportCpuMs} vs ${size.downloadCpuMs} + ${size.uploadCpuMs} ms → ${size.cpuRatio}; ` +
          `unverified pipe ${size.pipeMs} ms → verification ×${size.verificationRatio}; ` +
          `RSS ${size.baselineRssMb} → ${size.peakRssMb} MB, growth ${size.rssGrowthMb} MB ` +
          `(goal ≤ ${EXPORT_RSS_GROWTH_GOAL_MB}; VmHWM ${size.vmHwmMb ?? 'n/a'} MB)`,
      );
    }
    const worstRatio = Math.max(...results.map((r) => r.ratio));
    const worstRssGrowthMb = Math.max(...results.map((r) => r.rssGrowthMb));
    return {
      node: process.version,
      cpus: availableParallelism(),
      partSize,
      queueSize,
      runs,
      lambdaMemoryMb,
      v8Flags: lambdaV8Flags(),
      sizes: results,
      goals: { ratio: EXPORT_RATIO_GOAL, rssGrowthMb: EXPORT_RSS_GROWTH_GOAL_MB },
      worstRatio,
      worstRssGrowthMb,
      pass: worstRatio <= EXPORT_RATIO_GOAL && worstRssGrowthMb <= EXPORT_RSS_GROWTH_GOAL_MB,
    };
  } finally {
    const exited = once(s3Server.process, 'exit');
    s3Server.process.kill('SIGTERM');
    await exited;
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
      ...lambdaV8Flags(),
      ...(process.env.BENCH_EXPORT_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
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
  const cpuAtStart = process.cpuUsage();
  let bytes = 0;
  if (mode === 'export') {
    const result = await runExportJob({ what: 'groups', format: 'CSV', name: 'bench' }, ctx);
    bytes = result.bytes;
  } else if (mode === 'pipe') {
    const download = await client.exportGroups({ exportType: 'CSV', reportAllPages: true });
    download.body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    await streamToS3({
      s3,
      bucket,
      key: 'bench/pipe.csv',
      body: download.body,
      contentType: 'text/csv',
      partSize,
      queueSize,
      label: 'pipe',
    });
  } else if (mode === 'download') {
    const download = await client.exportGroups({ exportType: 'CSV', reportAllPages: true });
    for await (const chunk of download.body) bytes += (chunk as Buffer).length;
  } else {
    // The export's own upload path and S3 settings (checksum, encryption), fed from memory.
    bytes = uploadBytes;
    await streamToS3({
      s3,
      bucket,
      key: 'bench/raw-upload.bin',
      body: Readable.from(zeroes(uploadBytes)),
      contentType: 'application/octet-stream',
      partSize,
      queueSize,
      label: 'raw upload',
    });
  }
  const ms = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  clearInterval(sampler);
  clearInterval(collector);
  peak = Math.max(peak, process.memoryUsage.rss());
  s3.destroy();
  await resetKeepnetClientFromEnv();
  return { mode, bytes, ms, cpuMs, baselineRssMb: mb(baseline), peakRssMb: mb(peak), vmHwmMb: vmHwmMb() };
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
    startS3({ buckets: [process.argv[s3At + 1] ?? 'keepnet-exports'] }).then((s3) => {
      // Stopped with SIGTERM by the parent: close so s3rver's temp directory (GBs at full size) goes too.
      process.once('SIGTERM', () => void s3.close().finally(() => process.exit(0)));
      console.log(s3.url);
    });
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
