// What the app contains, apart from the process it runs in: shared by infra/app.ts and the tests, so
// the tests build exactly what `cdk synth` builds.
import type { App, Environment } from 'aws-cdk-lib';
import { readDeploymentConfig } from './config';
import { KeepnetAutomationStack } from './stack';

/**
 * Reads the deployment settings from the app's context and adds the stack; throws DeploymentConfigError
 * naming the keys at fault.
 */
export function defineKeepnetAutomation(
  app: App,
  options: { repoRoot: string; env?: Environment },
): KeepnetAutomationStack {
  const config = readDeploymentConfig(app.node);
  return new KeepnetAutomationStack(app, config.stackName, {
    config,
    repoRoot: options.repoRoot,
    description: 'Keepnet Labs company-group automation for MSPs: onboarding, nightly exports, HTTP API',
    ...(options.env ? { env: options.env } : {}),
  });
}
