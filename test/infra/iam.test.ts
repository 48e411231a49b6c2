// Least privilege, asserted exhaustively: every statement of every policy in the template, per role,
// with its actions and resources. A new grant anywhere fails this test until it is listed here.
import type { Template } from 'aws-cdk-lib/assertions';
import { synthTemplate } from './helpers';

type Json = unknown;

/** Logical ids end in an 8-hex-digit hash; strip it so expectations read like the construct tree. */
const stripHash = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');

/** Renders a CloudFormation value the way a reviewer reads it: `Bucket.Arn/prefix/*`, `Queue`. */
function render(value: Json): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, Json>;
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return `${stripHash(id)}.${attr}`;
    }
    if ('Ref' in v) return stripHash(v.Ref as string);
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, Json[]];
      return parts.map(render).join(sep);
    }
  }
  return JSON.stringify(value);
}

const asList = (value: Json): Json[] => (Array.isArray(value) ? value : [value]);

interface Statement {
  actions: string[];
  resources: string[];
  condition?: Json;
}

/** Policy statements by (hash-stripped) role logical id. */
function statementsByRole(template: Template): Record<string, Statement[]> {
  const byRole: Record<string, Statement[]> = {};
  for (const resource of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const props = resource.Properties as {
      Roles: Json[];
      PolicyDocument: { Statement: Record<string, Json>[] };
    };
    for (const role of props.Roles) {
      const name = render(role);
      for (const statement of props.PolicyDocument.Statement) {
        expect(statement.Effect).toBe('Allow');
        expect(statement).not.toHaveProperty('NotAction');
        expect(statement).not.toHaveProperty('NotResource');
        const statements = byRole[name] ?? [];
        statements.push({
          actions: asList(statement.Action).map(String).sort(),
          resources: asList(statement.Resource).map(render).sort(),
          ...(statement.Condition ? { condition: statement.Condition } : {}),
        });
        byRole[name] = statements;
      }
    }
  }
  return byRole;
}

describe('IAM policies', () => {
  const template = synthTemplate();
  const byRole = statementsByRole(template);

  it('grants each role exactly the statements its function or service uses', () => {
    const logs = (fn: string) => ({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${fn}Logs.Arn`],
    });
    const keepnetSecret = { actions: ['secretsmanager:GetSecretValue'], resources: ['KeepnetCredentials'] };

    expect(byRole).toEqual({
      OnboardingRouterRole: [
        logs('OnboardingRouter'),
        // Its FIFO messages, and its async-invocation failures.
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn', 'OnboardingQueue.Arn'] },
      ],
      OnboardingWorkerRole: [
        logs('OnboardingWorker'),
        keepnetSecret,
        // Re-enqueueing name-keyed messages, and dead-lettering poison ones on their first receive:
        // the DLQ is sent to only, never read.
        { actions: ['sqs:SendMessage'], resources: ['OnboardingDeadLetters.Arn', 'OnboardingQueue.Arn'] },
        // Operation records, repair records and the journal; a missing record is told by listing it.
        {
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: ['ExportStorageExports.Arn/state/operations/*'],
        },
        {
          actions: ['s3:ListBucket'],
          resources: ['ExportStorageExports.Arn'],
          condition: { StringLike: { 's3:prefix': ['state/operations/*'] } },
        },
        {
          // The event source mapping's consume grant, without sqs:GetQueueUrl (nobody calls it).
          actions: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:ReceiveMessage',
          ],
          resources: ['OnboardingQueue.Arn'],
        },
      ],
      CompanyPollerRole: [
        logs('CompanyPoller'),
        keepnetSecret,
        {
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: ['ExportStorageExports.Arn/state/company-poller/*'],
        },
        // Listing only its own prefix (S3 checks it, with the key as prefix, to answer 404 not 403).
        {
          actions: ['s3:ListBucket'],
          resources: ['ExportStorageExports.Arn'],
          condition: { StringLike: { 's3:prefix': ['state/company-poller/*'] } },
        },
        {
          actions: ['events:PutEvents'],
          resources: ['OnboardingBus.Arn'],
          condition: {
            StringEquals: { 'events:source': 'keepnet.automation', 'events:detail-type': 'CompanyCreated' },
          },
        },
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn'] },
      ],
      ScheduledExportRole: [
        logs('ScheduledExport'),
        keepnetSecret,
        {
          actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
          resources: ['ExportStorageExports.Arn/exports/*'],
        },
        // Listing only under the prefix: finding the previous membership snapshot.
        {
          actions: ['s3:ListBucket'],
          resources: ['ExportStorageExports.Arn'],
          condition: { StringLike: { 's3:prefix': ['exports/*'] } },
        },
        // The write journal, read only: who made each change in the nightly diff.
        { actions: ['s3:GetObject'], resources: ['ExportStorageExports.Arn/state/operations/journal/*'] },
        {
          actions: ['s3:ListBucket'],
          resources: ['ExportStorageExports.Arn'],
          condition: { StringLike: { 's3:prefix': ['state/operations/journal/*'] } },
        },
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn'] },
      ],
      ApiRole: [
        logs('Api'),
        { actions: ['secretsmanager:GetSecretValue'], resources: ['KeepnetCredentials', 'WebhookKey'] },
        { actions: ['sqs:SendMessage'], resources: ['OnboardingQueue.Arn'] },
        {
          actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
          resources: ['ExportStorageExports.Arn/exports/*'],
        },
        // GET /reports/latest: listing the report folder only.
        {
          actions: ['s3:ListBucket'],
          resources: ['ExportStorageExports.Arn'],
          condition: { StringLike: { 's3:prefix': ['exports/report/*'] } },
        },
        // The records of the operations it queues (202) and reads back (GET /operations/{id}).
        {
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: ['ExportStorageExports.Arn/state/operations/records/*'],
        },
        {
          actions: ['s3:ListBucket'],
          resources: ['ExportStorageExports.Arn'],
          condition: { StringLike: { 's3:prefix': ['state/operations/records/*'] } },
        },
      ],
      NightlyExportScheduleRole: [
        {
          actions: ['lambda:InvokeFunction'],
          resources: ['ScheduledExportFunction.Arn', 'ScheduledExportFunction.Arn:*'],
        },
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn'] },
      ],
      CompanyPollerScheduleRole: [
        {
          actions: ['lambda:InvokeFunction'],
          resources: ['CompanyPollerFunction.Arn', 'CompanyPollerFunction.Arn:*'],
        },
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn'] },
      ],
    });
  });

  it('grants reconcile only what it calls: the file and CSV objects; the queue and records only to apply', () => {
    const FILE = 'arn:aws:s3:::msp-config/groups/groups.yaml';
    const CSV = 'arn:aws:s3:::msp-config/crm.csv';
    const ownRoles = (roles: Record<string, Statement[]>) =>
      Object.fromEntries(Object.entries(roles).filter(([role]) => role.startsWith('Reconcile')));
    const schedule = {
      ReconcileScheduleRole: [
        {
          actions: ['lambda:InvokeFunction'],
          resources: ['ReconcileFunction.Arn', 'ReconcileFunction.Arn:*'],
        },
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn'] },
      ],
    };
    const base = [
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['ReconcileLogs.Arn'] },
      { actions: ['secretsmanager:GetSecretValue'], resources: ['KeepnetCredentials'] },
    ];
    const report = statementsByRole(
      synthTemplate({ reconcileFileS3Uri: 's3://msp-config/groups/groups.yaml' }),
    );
    expect(ownRoles(report)).toEqual({
      ReconcileRole: [
        ...base,
        { actions: ['s3:GetObject'], resources: [FILE] },
        // Its async-invocation failures.
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn'] },
      ],
      ...schedule,
    });
    // Every other role is exactly as without reconcile.
    const others = (roles: Record<string, Statement[]>) =>
      Object.fromEntries(Object.entries(roles).filter(([role]) => !role.startsWith('Reconcile')));
    expect(others(report)).toEqual(byRole);

    const apply = statementsByRole(
      synthTemplate({
        reconcileFileS3Uri: 's3://msp-config/groups/groups.yaml',
        reconcileAttributesS3Uri: 's3://msp-config/crm.csv',
        reconcileMode: 'apply',
      }),
    );
    expect(ownRoles(apply)).toEqual({
      ReconcileRole: [
        ...base,
        { actions: ['s3:GetObject'], resources: [CSV, FILE] },
        // The onboarding queue, and its async-invocation failures (merged into one statement).
        { actions: ['sqs:SendMessage'], resources: ['FailedEvents.Arn', 'OnboardingQueue.Arn'] },
        // Its operations' records: an Idempotency-Key finds the earlier one; a missing one is listed.
        {
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: ['ExportStorageExports.Arn/state/operations/records/*'],
        },
        {
          actions: ['s3:ListBucket'],
          resources: ['ExportStorageExports.Arn'],
          condition: { StringLike: { 's3:prefix': ['state/operations/records/*'] } },
        },
      ],
      ...schedule,
    });
    expect(others(apply)).toEqual(byRole);
  });

  it('admits only the named producers to the onboarding bus: poller, API, context roles; refuses the rest', () => {
    const crm = 'arn:aws:iam::210987654321:role/integrations/crm-hubspot';
    const withCrm = synthTemplate({ eventProducerRoleArns: JSON.stringify([crm]) });
    const producers = ['ApiRole.Arn', 'CompanyPollerRole.Arn', crm].sort();
    const BUS_ARN = 'arn:aws:events:eu-west-1:123456789012:event-bus/KeepnetAutomation-onboarding';
    withCrm.resourceCountIs('AWS::Events::EventBusPolicy', 0); // the whole policy sits on the bus
    const [bus, ...others] = Object.values(withCrm.findResources('AWS::Events::EventBus'));
    expect(others).toHaveLength(0);
    const { Policy: document } = bus!.Properties as { Policy: { Statement: Record<string, Json>[] } };
    const policies = document.Statement.map((statement) => {
      const principal = (statement.Principal as { AWS: Json }).AWS;
      const condition = statement.Condition as Record<string, Record<string, Json>>;
      return {
        sid: statement.Sid,
        effect: statement.Effect,
        principals: asList(principal).map(render).sort(),
        actions: asList(statement.Action),
        resources: asList(statement.Resource).map(render),
        condition: Object.fromEntries(
          Object.entries(condition).map(([op, keys]) => [
            op,
            Object.fromEntries(
              Object.entries(keys).map(([key, value]) => [
                key,
                Array.isArray(value) ? value.map(render).sort() : value,
              ]),
            ),
          ]),
        ),
      };
    });
    expect(policies).toEqual([
      {
        sid: 'AdmitNamedProducers',
        effect: 'Allow',
        principals: producers,
        actions: ['events:PutEvents'],
        resources: [BUS_ARN],
        condition: {
          StringEquals: { 'events:source': 'keepnet.automation', 'events:detail-type': 'CompanyCreated' },
        },
      },
      {
        // Within the account an identity policy alone would do: everyone not named is denied outright.
        sid: 'RefuseEveryoneElse',
        effect: 'Deny',
        principals: ['*'],
        actions: ['events:PutEvents'],
        resources: [BUS_ARN],
        condition: { ArnNotEquals: { 'aws:PrincipalArn': producers } },
      },
    ]);
    // The rule takes events from the producers' accounts only.
    withCrm.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { account: ['123456789012', '210987654321'] },
    });
  });

  it('uses no wildcard resource', () => {
    for (const statements of Object.values(byRole)) {
      for (const { resources } of statements) expect(resources).not.toContain('*');
    }
  });

  it('attaches no AWS managed policy to a function or scheduler role', () => {
    const roles = template.findResources('AWS::IAM::Role');
    const withManaged = Object.entries(roles)
      .filter(([, role]) => (role.Properties as { ManagedPolicyArns?: unknown[] }).ManagedPolicyArns)
      .map(([id]) => stripHash(id));
    // API Gateway's account-level logging role is the one exception (its documented managed policy).
    expect(withManaged).toEqual(['HttpApiCloudWatchRole']);
  });

  it('lets only the scheduler service assume the schedule roles, from this account', () => {
    const roles = template.findResources('AWS::IAM::Role');
    const scheduleRoles = Object.entries(roles).filter(([id]) => id.includes('ScheduleRole'));
    expect(scheduleRoles).toHaveLength(2);
    for (const [, role] of scheduleRoles) {
      expect((role.Properties as { AssumeRolePolicyDocument: unknown }).AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          },
        ],
      });
    }
  });

  it('scopes imported secrets by name to that name (with the 6-character ARN suffix)', () => {
    const imported = statementsByRole(
      synthTemplate({
        keepnetSecret: 'ops/keepnet',
        webhookSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops/hook-AbC123',
      }),
    );
    expect(imported.ApiRole).toContainEqual({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops/hook-AbC123',
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops/keepnet-??????',
      ],
    });
  });
});
