// What the app contains, apart from the process it runs in: shared by infra/app.ts and the tests, so
// the tests build exactly what `cdk synth` builds.
import type { App, Environment } from 'aws-cdk-lib';
import { readDeploymentConfig } from './config';
import { KeepnetAutomationStack } from './stack';

export const DEFAULT_STACK_NAME = 'KeepnetAutomation';

export function defineKeepnetAutomation(
  app: App,
  options: { repoRoot: string; env?: Environment },
): KeepnetAutomationStack {
  const config = readDeploymentConfig(app.node);
  const stackName: unknown = app.node.tryGetContext('stackName');
  return new KeepnetAutomationStack(
    app,
    typeof stackName === 'string' && stackName !== '' ? stackName : DEFAULT_STACK_NAME,
    {
      config,
      repoRoot: options.repoRoot,
      description: 'Keepnet Labs company-group automation for MSPs: onboarding, nightly exports, HTTP API',
      ...(options.env ? { env: options.env } : {}),
    },
  );
}
