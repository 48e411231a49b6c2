// cdk-nag's AWS Solutions pack over the whole stack: zero unacknowledged findings, and every
// acknowledgement names its rule (and finding) and gives a reason a reviewer can check.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from './helpers';

const ACKNOWLEDGED_RULES = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;

interface Report {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === ACKNOWLEDGED_RULES)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutionsChecks', () => {
  const outdirs: string[] = [];
  const outdir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keepnet-nag-'));
    outdirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finds nothing unacknowledged in the stack', () => {
    const dir = outdir();
    const { app } = buildApp({}, { outdir: dir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();

    const report = JSON.parse(readFileSync(path.join(dir, 'validation-report.json'), 'utf8')) as Report;
    const [solutions] = report.pluginReports;
    expect(solutions).toMatchObject({ pluginName: 'AwsSolutions', conclusion: 'success', violations: [] });
    // Acknowledged findings are still evaluated and reported: the list is what a reviewer signs off.
    const suppressed = solutions!.suppressedViolations.map((v) => v.ruleName).sort();
    expect([...new Set(suppressed)].map((rule) => rule.replace(/[0-9A-F]{8}\.Arn/g, '.Arn'))).toEqual([
      'AwsSolutions-APIG2',
      'AwsSolutions-APIG3',
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'AwsSolutions-IAM5[Resource::<CompanyPollerFunction.Arn>:*]',
      'AwsSolutions-IAM5[Resource::<ExportStorageExports.Arn>/exports/*]',
      'AwsSolutions-IAM5[Resource::<ExportStorageExports.Arn>/state/company-poller/*]',
      'AwsSolutions-IAM5[Resource::<ExportStorageExports.Arn>/state/operations/*]',
      'AwsSolutions-IAM5[Resource::<ExportStorageExports.Arn>/state/operations/journal/*]',
      'AwsSolutions-IAM5[Resource::<ExportStorageExports.Arn>/state/operations/records/*]',
      'AwsSolutions-IAM5[Resource::<ScheduledExportFunction.Arn>:*]',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
  });

  it('finds nothing unacknowledged with reconcile deployed in apply mode', () => {
    const dir = outdir();
    const { app } = buildApp(
      { reconcileFileS3Uri: 's3://msp-config/groups.yaml', reconcileMode: 'apply' },
      { outdir: dir },
    );
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
    const report = JSON.parse(readFileSync(path.join(dir, 'validation-report.json'), 'utf8')) as Report;
    const [solutions] = report.pluginReports;
    expect(solutions).toMatchObject({ conclusion: 'success', violations: [] });
    const reconcileFindings = solutions!.suppressedViolations
      .filter((v) => v.violatingConstructs.some((c) => c.constructPath.includes('/Reconcile')))
      .map((v) => v.ruleName.replace(/[0-9A-F]{8}\.Arn/g, '.Arn'));
    expect([...new Set(reconcileFindings)].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::<ExportStorageExports.Arn>/state/operations/records/*]',
      'AwsSolutions-IAM5[Resource::<ReconcileFunction.Arn>:*]',
    ]);
  });

  it('fails the synth on a finding nobody acknowledged (the check is live)', () => {
    const { app, stack } = buildApp({}, { outdir: outdir() });
    new Queue(stack, 'UnencryptedQueueWithoutDlq', { enforceSSL: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('gives every acknowledgement a fully qualified rule id and a real reason', () => {
    const { stack } = buildApp();
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThanOrEqual(10);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(60);
    }
    // Wildcard findings are acknowledged one resource at a time, never for a whole rule.
    for (const ack of acks.filter((a) => a.id.includes('-IAM5'))) {
      expect(ack.id).toMatch(/IAM5\[Resource::<\w+\.Arn>[^*]*\*\]$/);
    }
  });
});
