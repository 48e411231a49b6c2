// The one test that bundles through NodejsFunction for real (the other infra tests skip bundling):
// the deployed asset must be byte-identical to what `npm run build`, the budget test and the bench
// measure. One function is enough to prove the options are the same (they come from one module); the
// api is the largest bundle and the one carrying undici, which needs the createRequire banner.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { LogLevel } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUNDLE, bundleFunction, esbuildOptions, nodejsFunctionBundling } from '../../infra/bundling';
import { KeepnetFunction } from '../../infra/constructs/keepnet-function';
import { REPO_ROOT } from './helpers';

describe('deployed bundle', () => {
  it('prints only warnings and errors: no size summary flagging every bundle over 1 MB on each synth', () => {
    expect(nodejsFunctionBundling().logLevel).toBe(LogLevel.WARNING);
    expect(esbuildOptions('entry.ts', 'out.mjs').logLevel).toBe('warning');
  });

  const outdir = mkdtempSync(path.join(tmpdir(), 'keepnet-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is exactly the bundle `npm run build` makes', async () => {
    // Asset metadata (on under the CLI) says which asset directory belongs to the function.
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'BundlingProbe');
    const fn = new KeepnetFunction(stack, 'Api', {
      name: 'api',
      description: 'bundling probe',
      memorySize: 512,
      timeout: Duration.seconds(29),
      logRetention: RetentionDays.ONE_DAY,
      environment: {},
      metricsNamespace: 'Test',
      repoRoot: REPO_ROOT,
    });
    const template = app.synth().getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, { Metadata?: Record<string, string> }>;
    };
    const logicalId = stack.getLogicalId(fn.function.node.defaultChild as CfnElement);
    const assetDir = template.Resources[logicalId]?.Metadata?.['aws:asset:path'];
    expect(assetDir).toBeDefined();

    const deployed = readFileSync(path.join(outdir, assetDir!, BUNDLE.outFile));
    const built = await bundleFunction('api');
    expect(deployed.byteLength).toBe(built.bytes);
    expect(readFileSync(path.join(outdir, assetDir!, `${BUNDLE.outFile}.map`)).byteLength).toBeGreaterThan(0);
    // ESM, with the banner that gives CommonJS dependencies a `require`.
    expect(deployed.subarray(0, 300).toString()).toContain(BUNDLE.banner);
  }, 30_000);
});
