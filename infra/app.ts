// The CDK app: `npm run synth` (cdk.json "app") and `cdk deploy`. Settings come from context
// (cdk.json defaults, `-c key=value` overrides) and are validated before anything is built.
// Account and region come from the CLI's environment (CDK_DEFAULT_*); synth needs neither.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeploymentConfigError } from './config';
import { defineKeepnetAutomation } from './define';

const app = new App();
try {
  defineKeepnetAutomation(app, {
    repoRoot: process.cwd(),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (error) {
  // A configuration mistake is the operator's to fix: the message names it; a stack trace would bury it.
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// AWS Solutions checks on every synth: a finding without a reasoned acknowledgement fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
