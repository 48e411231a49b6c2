// Bundle byte budgets (bench/budgets.json): each function, bundled in memory with the deployed options,
// must stay within its budget, and must load on Node 24 as an ES module and export `handler`.
// A budget is raised deliberately, in review, never by accident through a new dependency.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_LIKE_ENV } from '../../bench/cold-start';
import { BUNDLE, esbuildOptions, FUNCTION_NAMES, functionEntry } from '../../infra/bundling';
import { REPO_ROOT } from './helpers';

const run = promisify(execFile);

interface Budgets {
  bytes: Record<string, number>;
}
const budgets = JSON.parse(readFileSync(path.join(REPO_ROOT, 'bench', 'budgets.json'), 'utf8')) as Budgets;

describe('function bundles', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'keepnet-bundles-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('has a budget for every function and none for a function that does not exist', () => {
    expect(Object.keys(budgets.bytes).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it.each(FUNCTION_NAMES)(
    '%s stays within its byte budget and loads',
    async (name) => {
      const outfile = path.join(outdir, name, BUNDLE.outFile);
      const result = await build({
        ...esbuildOptions(functionEntry(name, REPO_ROOT), outfile),
        write: false,
      });
      const bundle = result.outputFiles.find((file) => file.path === outfile);
      expect(bundle).toBeDefined();
      expect(bundle!.contents.byteLength).toBeLessThanOrEqual(budgets.bytes[name]!);

      // Load it the way Lambda does: a fresh Node 24 process importing index.mjs (map beside it).
      mkdirSync(path.dirname(outfile), { recursive: true });
      for (const file of result.outputFiles) writeFileSync(file.path, file.contents);
      const script = `const m = await import(${JSON.stringify(pathToFileURL(outfile).href)}); console.log(typeof m.handler);`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...LAMBDA_LIKE_ENV, PATH: process.env.PATH ?? '' },
        timeout: 15_000,
      });
      expect(stdout.trim()).toBe('function');
    },
    30_000,
  );
});
