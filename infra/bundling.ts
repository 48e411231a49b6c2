// The one definition of how a function is bundled. The CDK stack (NodejsFunction) and `npm run build`
// (esbuild's JS API, infra/build.ts) both derive their options from BUNDLE below, so the bundle that the
// budget test and the cold-start bench measure is byte-for-byte the bundle that is deployed.
import path from 'node:path';
import { type BundlingOptions, LogLevel, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile } from 'esbuild';

/** Every Lambda function of the project: `functions/<name>/handler.ts`, exporting `handler`. */
export const FUNCTION_NAMES = [
  'onboarding-router',
  'onboarding-worker',
  'company-poller',
  'scheduled-export',
  'api',
  'reconcile',
] as const;
/** A function's name: its folder under functions/ and its Powertools service name. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * ESM output needs a real `require` for the CommonJS packages esbuild wraps (undici requires
 * `node:assert` and friends at run time: "Dynamic require of ... is not supported" otherwise).
 */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

/**
 * The esbuild options shared by the stack's NodejsFunction bundling and `npm run build`, so what is tested
 * is what is deployed.
 */
export const BUNDLE = {
  /** Must match the Lambda runtime (nodejs24.x). */
  target: 'node24',
  format: 'esm',
  /** NodejsFunction names ESM output index.mjs; `npm run build` uses the same name. */
  outFile: 'index.mjs',
  minify: true,
  /** Linked `index.mjs.map`; the stack sets NODE_OPTIONS=--enable-source-maps so stack traces use it. */
  sourcemap: true,
  /**
   * Stack traces only need the mappings: without the sources the api's map is ~2 MB instead of ~6 MB, which
   * halves the deployment package and leaves less for Node to read under --enable-source-maps.
   */
  sourcesContent: false,
  /** ESM entry points first: the AWS SDK and Powertools tree-shake far better from them. */
  mainFields: ['module', 'main'],
  banner: CREATE_REQUIRE_BANNER,
  /**
   * Nothing is external: the bundled AWS SDK is smaller and loads faster than the runtime's copy
   * (TOOLCHAIN.md), and pins the SDK version we test against.
   */
  external: [] as string[],
} as const;

/** Absolute path of a function's entry point, resolved from the repository root. */
export function functionEntry(name: FunctionName, repoRoot: string = process.cwd()): string {
  return path.join(repoRoot, 'functions', name, 'handler.ts');
}

/** Options for NodejsFunction's `bundling` prop. */
export function nodejsFunctionBundling(): BundlingOptions {
  return {
    target: BUNDLE.target,
    format: OutputFormat.ESM,
    minify: BUNDLE.minify,
    sourceMap: BUNDLE.sourcemap,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: BUNDLE.banner,
    externalModules: [...BUNDLE.external],
    // esbuild's CLI defaults to `info`, whose size summary flags every output over 1 MB with ⚠️: four
    // lines on every synth that are not problems (sizes have their own budget test). Warnings and errors
    // still print.
    logLevel: LogLevel.WARNING,
  };
}

/**
 * Options for esbuild's JS API, equivalent to the command line NodejsFunction runs
 * (`esbuild --bundle <entry> --platform=node --target --format --outfile --minify --sourcemap ...`).
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLE.target,
    format: BUNDLE.format,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: [...BUNDLE.external],
    logLevel: 'warning', // as the stack's NodejsFunction bundling (below)
  };
}

/** One function's bundle as `npm run build` writes it. */
export interface BundleResult {
  name: FunctionName;
  /** Size of index.mjs: what Lambda loads (the source map is read only when a stack trace is printed). */
  bytes: number;
  metafile: Metafile;
}

/**
 * Bundles one function with the deployed options. `outdir` given: writes `index.mjs`, its map and
 * `meta.json` there; otherwise everything stays in memory (the budget test and the bench).
 */
export async function bundleFunction(
  name: FunctionName,
  options: { outdir?: string; repoRoot?: string } = {},
): Promise<BundleResult> {
  const repoRoot = options.repoRoot ?? process.cwd();
  const outdir = options.outdir ?? path.join(repoRoot, 'dist', name);
  const outfile = path.join(outdir, BUNDLE.outFile);
  const result = await build({
    ...esbuildOptions(functionEntry(name, repoRoot), outfile),
    absWorkingDir: repoRoot,
    metafile: true,
    write: options.outdir !== undefined,
  });
  const bytes = options.outdir
    ? result.metafile.outputs[path.relative(repoRoot, outfile)]?.bytes
    : result.outputFiles?.find((file) => file.path === outfile)?.contents.byteLength;
  if (bytes === undefined) throw new Error(`esbuild produced no ${BUNDLE.outFile} for ${name}`);
  return { name, bytes, metafile: result.metafile };
}
