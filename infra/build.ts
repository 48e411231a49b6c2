// `npm run build`: one bundle per function under dist/<name>/ (index.mjs, index.mjs.map, meta.json),
// built with the options the CDK stack deploys (infra/bundling.ts). meta.json is esbuild's metafile:
// load it into https://esbuild.github.io/analyze/, or see `npm run bench`'s list of largest inputs.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleFunction, FUNCTION_NAMES } from './bundling';

async function main(): Promise<number> {
  const root = process.cwd();
  const dist = path.join(root, 'dist');
  await rm(dist, { recursive: true, force: true });
  const failed: string[] = [];
  for (const name of FUNCTION_NAMES) {
    const outdir = path.join(dist, name);
    try {
      const { bytes, metafile } = await bundleFunction(name, { outdir, repoRoot: root });
      await writeFile(path.join(outdir, 'meta.json'), JSON.stringify(metafile));
      console.log(`${name.padEnd(20)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB  dist/${name}/index.mjs`);
    } catch (error) {
      // esbuild has already printed its diagnostics (file, line, message); anything else is ours to show.
      if (!(error instanceof Error && 'errors' in error)) console.error(error);
      failed.push(name);
    }
  }
  if (failed.length > 0) console.error(`build failed for: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();
