// Cold start, as far as our code decides it: each function's deployed bundle (infra/bundling.ts
// options) is imported by fresh Node 24 processes, and its module-init time (performance.now around the
// dynamic import, inside the process) is compared with that of a reference bundle that imports only the
// same AWS SDK clients and undici. The ratio isolates what our code and other dependencies add on top of
// the floor every Lambda talking to AWS and Keepnet pays. Goal: ratio ≤ 1.15.
//
// Run alone: `npx tsx bench/cold-start.ts [--quick]`, or through `npm run bench`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { BUNDLE, bundleFunction, esbuildOptions, FUNCTION_NAMES, type FunctionName } from '../infra/bundling';

const run = promisify(execFile);

export const COLD_START_RATIO_GOAL = 1.15;

export interface Contributor {
  /** npm package (`@aws-sdk/client-s3`), or a project folder (`lib/exports`). */
  name: string;
  bytes: number;
}

export interface ColdStartFunctionResult {
  name: FunctionName;
  bytes: number;
  referenceBytes: number;
  /** Median module-init time of the function's bundle, ms. */
  initMs: number;
  /** Median module-init time of the reference bundle, ms. */
  referenceInitMs: number;
  /** initMs ÷ referenceInitMs. */
  ratio: number;
  /** What the reference imports: the SDK clients found in the bundle, and undici if it is there. */
  reference: string[];
  largestContributors: Contributor[];
}

export interface ColdStartResult {
  node: string;
  runsPerBundle: number;
  goal: number;
  functions: ColdStartFunctionResult[];
}

/**
 * What Lambda would give the process (the stack's variables, dummy values), so a handler that validates its
 * environment when it loads can load. Shared with test/infra/bundle-budget.test.ts.
 */
export const LAMBDA_LIKE_ENV: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  KEEPNET_SECRET_ID: 'KeepnetAutomation/keepnet-api',
  WEBHOOK_SECRET_ID: 'KeepnetAutomation/webhook-hmac-key',
  ONBOARDING_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/onboarding.fifo',
  GROUP_RULES: '[]',
  PARTICIPANTS_MODE: 'union',
  EXPORT_BUCKET: 'exports-bucket',
  EXPORT_PREFIX: 'exports/',
  EVENT_BUS_NAME: 'default',
  EVENT_SOURCE: 'keepnet.automation',
  POLLER_STATE_BUCKET: 'exports-bucket',
  POLLER_STATE_KEY: 'state/company-poller/watermark.json',
  RECONCILE_FILE_S3_URI: 's3://exports-bucket/groups/groups.yaml',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  NODE_OPTIONS: '--enable-source-maps',
};

/** Client class names whose package name does not Pascal-case into them. */
const CLIENT_CLASS: Record<string, string> = {
  'client-s3': 'S3Client',
  'client-sqs': 'SQSClient',
  'client-sns': 'SNSClient',
  'client-eventbridge': 'EventBridgeClient',
  'client-secrets-manager': 'SecretsManagerClient',
};

function clientClass(pkg: string): string {
  return (
    CLIENT_CLASS[pkg] ??
    `${pkg
      .replace(/^client-/, '')
      .split('-')
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('')}Client`
  );
}

/** Package (or project folder) an esbuild input path belongs to. */
function ownerOf(input: string): string {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.replace(/\\/g, '/'));
  if (match?.[1]) {
    // The innermost node_modules wins: nested copies are attributed to themselves.
    const all = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
    return all.at(-1)?.[1] ?? match[1];
  }
  const parts = input.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

export function largestContributors(metafile: Metafile, top = 8): Contributor[] {
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith(BUNDLE.outFile))?.[1];
  if (!output) return [];
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const owner = ownerOf(input);
    totals.set(owner, (totals.get(owner) ?? 0) + bytesInOutput);
  }
  return [...totals.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/** The AWS SDK client packages and undici that a bundle contains, per its metafile. */
export function referenceImports(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const owner = ownerOf(input);
    if (/^@aws-sdk\/client-/.test(owner) || owner === 'undici') found.add(owner);
  }
  return [...found].sort();
}

/** Entry of the reference bundle: the same clients and undici, kept alive by re-exporting them. */
export function referenceSource(imports: string[]): string {
  const lines = imports.map((pkg, index) =>
    pkg === 'undici'
      ? `export { Agent as undiciAgent${index} } from 'undici';`
      : `export { ${clientClass(pkg.replace('@aws-sdk/', ''))} } from '${pkg}';`,
  );
  // A handler export keeps the shape of a function bundle.
  return `${lines.join('\n')}\nexport const handler = async () => undefined;\n`;
}

async function buildReference(imports: string[], outfile: string, repoRoot: string): Promise<number> {
  const { entryPoints: _unused, ...options } = esbuildOptions('reference', outfile);
  const result = await build({
    ...options,
    stdin: {
      contents: referenceSource(imports),
      resolveDir: repoRoot,
      sourcefile: 'reference.ts',
      loader: 'ts',
    },
    absWorkingDir: repoRoot,
    metafile: true,
  });
  return (
    Object.entries(result.metafile.outputs).find(([file]) => file.endsWith(BUNDLE.outFile))?.[1].bytes ?? 0
  );
}

/** One fresh process: time of `await import(bundle)`, measured inside it. */
async function initTimeMs(bundle: string): Promise<number> {
  const url = JSON.stringify(pathToFileURL(bundle).href);
  const script = `const t0 = performance.now(); await import(${url}); process.stdout.write(String(performance.now() - t0));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...LAMBDA_LIKE_ENV, PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`could not read an init time from: ${stdout}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function benchColdStart(opts: { quick?: boolean } = {}): Promise<ColdStartResult> {
  const runs = opts.quick ? 15 : 31;
  const repoRoot = process.cwd();
  const work = await mkdtemp(path.join(tmpdir(), 'keepnet-cold-start-'));
  try {
    const functions: ColdStartFunctionResult[] = [];
    for (const name of FUNCTION_NAMES) {
      const fnDir = path.join(work, name);
      const { bytes, metafile } = await bundleFunction(name, { outdir: fnDir, repoRoot });
      const imports = referenceImports(metafile);
      const referenceFile = path.join(work, `${name}-reference`, BUNDLE.outFile);
      const referenceBytes = await buildReference(imports, referenceFile, repoRoot);

      const fnFile = path.join(fnDir, BUNDLE.outFile);
      // Warm the file cache once, then alternate so drift in machine load hits both sides alike.
      await initTimeMs(fnFile);
      await initTimeMs(referenceFile);
      const fnTimes: number[] = [];
      const refTimes: number[] = [];
      for (let i = 0; i < runs; i++) {
        fnTimes.push(await initTimeMs(fnFile));
        refTimes.push(await initTimeMs(referenceFile));
      }
      const initMs = median(fnTimes);
      const referenceInitMs = median(refTimes);
      functions.push({
        name,
        bytes,
        referenceBytes,
        initMs,
        referenceInitMs,
        ratio: initMs / referenceInitMs,
        reference: imports,
        largestContributors: largestContributors(metafile),
      });
    }
    return { node: process.version, runsPerBundle: runs, goal: COLD_START_RATIO_GOAL, functions };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export function formatColdStart(result: ColdStartResult): string {
  const lines = [
    `Cold start (module init, median of ${result.runsPerBundle} fresh processes, ${result.node}); goal: ratio ≤ ${result.goal}`,
    `${'function'.padEnd(18)} ${'bundle'.padStart(9)} ${'init ms'.padStart(8)} ${'ref KiB'.padStart(8)} ${'ref ms'.padStart(7)} ${'ratio'.padStart(6)}`,
  ];
  for (const f of result.functions) {
    const verdict = f.ratio <= result.goal ? 'ok' : 'OVER GOAL';
    lines.push(
      `${f.name.padEnd(18)} ${kib(f.bytes).padStart(9)} ${f.initMs.toFixed(1).padStart(8)} ${kib(f.referenceBytes).padStart(8)} ${f.referenceInitMs.toFixed(1).padStart(7)} ${f.ratio.toFixed(2).padStart(6)}  ${verdict}`,
    );
    lines.push(`${' '.repeat(19)}reference imports: ${f.reference.join(', ') || '(nothing)'}`);
    lines.push(
      `${' '.repeat(19)}largest: ${f.largestContributors.map((c) => `${c.name} ${kib(c.bytes)}`).join(', ')}`,
    );
  }
  return lines.join('\n');
}

// Runnable alone (no import.meta: keeps the module loadable by Jest's CommonJS transform).
if (process.argv[1] && /cold-start\.ts$/.test(process.argv[1])) {
  benchColdStart({ quick: process.argv.includes('--quick') })
    .then((result) => console.log(formatColdStart(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
