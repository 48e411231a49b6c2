// The cold-start bench's bookkeeping (the measurement itself runs in `npm run bench`): what the
// reference bundle imports, and how bundle bytes are attributed to packages.
import { build, type Metafile } from 'esbuild';
import { largestContributors, referenceImports, referenceSource } from '../../bench/cold-start';
import { REPO_ROOT } from './helpers';

const input = (bytesInOutput: number) => ({ bytesInOutput });

const metafile = {
  inputs: {
    'node_modules/@aws-sdk/client-s3/dist-es/S3Client.js': { bytes: 1, imports: [] },
    'node_modules/@aws-sdk/client-sqs/dist-es/SQSClient.js': { bytes: 1, imports: [] },
    'node_modules/@aws-sdk/lib-storage/dist-es/Upload.js': { bytes: 1, imports: [] },
    'node_modules/undici/index.js': { bytes: 1, imports: [] },
    'lib/exports/run-export-job.ts': { bytes: 1, imports: [] },
  },
  outputs: {
    'dist/scheduled-export/index.mjs': {
      bytes: 1000,
      inputs: {
        'node_modules/undici/index.js': input(500),
        'node_modules/undici/lib/core.js': input(100),
        'node_modules/@aws-sdk/client-s3/dist-es/S3Client.js': input(300),
        'node_modules/@aws-sdk/lib-storage/node_modules/@smithy/core/dist-es/x.js': input(50),
        'lib/exports/run-export-job.ts': input(40),
        'lib/exports/keys.ts': input(10),
      },
      imports: [],
      exports: ['handler'],
    },
  },
} as unknown as Metafile;

describe('cold-start bench', () => {
  it('attributes bundle bytes to packages (innermost node_modules) and project folders, largest first', () => {
    expect(largestContributors(metafile, 4)).toEqual([
      { name: 'undici', bytes: 600 },
      { name: '@aws-sdk/client-s3', bytes: 300 },
      { name: '@smithy/core', bytes: 50 },
      { name: 'lib/exports', bytes: 50 },
    ]);
  });

  it('gives the reference the same SDK clients and undici, nothing else', () => {
    expect(referenceImports(metafile)).toEqual(['@aws-sdk/client-s3', '@aws-sdk/client-sqs', 'undici']);
  });

  it('writes a reference entry that bundles and keeps the clients', async () => {
    const result = await build({
      stdin: {
        contents: referenceSource(['@aws-sdk/client-sqs', 'undici']),
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).join('\n');
    expect(inputs).toMatch(/node_modules\/@aws-sdk\/client-sqs\//);
    expect(inputs).toMatch(/node_modules\/undici\//);
    expect(result.outputFiles[0]!.text).toMatch(/SQSClient/);
  });
});
