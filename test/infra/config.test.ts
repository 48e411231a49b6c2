// Context validation: defaults, `-c` strings, and a synth that fails naming the key and the rule.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  CONFIG_KEYS,
  DeploymentConfigError,
  parseDeploymentConfig,
  readDeploymentConfig,
} from '../../infra/config';
import { defineKeepnetAutomation } from '../../infra/define';
import { cdkJsonContext, REPO_ROOT } from './helpers';

const problemsOf = (raw: Record<string, unknown>): string => {
  try {
    parseDeploymentConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('deployment configuration', () => {
  it('has working defaults without any context', () => {
    expect(parseDeploymentConfig({})).toEqual({
      stackName: 'KeepnetAutomation',
      participantsMode: 'union',
      groupRules: [],
      exportPrefix: 'exports/',
      exportSchedule: { hour: 2, minute: 0 },
      pollerIntervalMinutes: 15,
      scheduleTimeZone: 'UTC',
      eventProducerRoleArns: [],
      eventSource: 'keepnet.automation',
      dlqMaxReceiveCount: 5,
      onboardingMaxConcurrency: 2,
      logRetentionDays: 90,
      exportRetention: {
        infrequentAccessAfterDays: 30,
        expireAfterDays: 365,
        noncurrentVersionsExpireAfterDays: 30,
      },
      accessLogRetentionDays: 365,
      apiThrottle: { rateLimit: 10, burstLimit: 20 },
      reconcileMode: 'report',
      reconcileAllowRemovals: false,
      reconcileIntervalMinutes: 1440,
    });
  });

  it('takes the reconcile file as s3://bucket/key and refuses anything else, naming the key', () => {
    expect(
      parseDeploymentConfig({
        reconcileFileS3Uri: 's3://msp-config/groups.yaml',
        reconcileAllowRemovals: 'true',
      }),
    ).toMatchObject({ reconcileFileS3Uri: 's3://msp-config/groups.yaml', reconcileAllowRemovals: true });
    expect(() => parseDeploymentConfig({ reconcileFileS3Uri: 'msp-config/groups.yaml' })).toThrow(
      /reconcileFileS3Uri: must be an S3 object URI, s3:\/\/bucket\/key/,
    );
    expect(() => parseDeploymentConfig({ reconcileMode: 'fix' })).toThrow(/reconcileMode/);
  });

  it('spells out every setting in cdk.json and documents it in docs/architecture.md', () => {
    const docs = readFileSync(path.join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8');
    for (const key of CONFIG_KEYS) {
      expect(docs).toContain(`| \`${key}\` |`);
      // Optional settings whose absence means "the function's own default" have no value to write down.
      if (key !== 'keepnetBaseUrl' && key !== 'exportJobs' && key !== 'pollerStartTime') {
        expect(cdkJsonContext()).toHaveProperty([key]);
      }
    }
  });

  it('accepts cdk.json as committed', () => {
    const app = new App({ context: cdkJsonContext() });
    expect(() => readDeploymentConfig(app.node)).not.toThrow();
  });

  it('reads -c values, which arrive as strings, as JSON where the setting is not a string', () => {
    const config = parseDeploymentConfig({
      dlqMaxReceiveCount: '3',
      exportSchedule: '{"hour":23,"minute":15}',
      groupRules: '[{"when":{"region":"EU"},"groups":["EU"]}]',
      apiThrottle: '{"rateLimit":50}',
      keepnetSecret: '',
      alarmEmail: '',
    });
    expect(config).toMatchObject({
      dlqMaxReceiveCount: 3,
      exportSchedule: { hour: 23, minute: 15 },
      groupRules: [{ when: { region: 'EU' }, groups: ['EU'] }],
      apiThrottle: { rateLimit: 50, burstLimit: 20 },
    });
    expect(config.keepnetSecret).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
  });

  it.each([
    [{ dlqMaxReceiveCount: 0 }, 'dlqMaxReceiveCount: Too small'],
    [{ stackName: 'my_stack' }, 'stackName: must be a CloudFormation stack name'],
    [{ pollerIntervalMinutes: 1 }, 'pollerIntervalMinutes: Too small: expected number to be >=5'],
    [{ dlqMaxReceiveCount: 'five' }, 'dlqMaxReceiveCount: Invalid input: expected number'],
    [{ scheduleTimeZone: 'Mars/Olympus_Mons' }, 'scheduleTimeZone: must be an IANA time zone'],
    [{ exportSchedule: { hour: 24, minute: 0 } }, 'exportSchedule.hour: Too big'],
    [{ exportSchedule: { hour: 2, minute: 0, second: 1 } }, 'exportSchedule: Unrecognized key: "second"'],
    [{ participantsMode: 'replace' }, 'participantsMode: Invalid option'],
    [{ logRetentionDays: 45 }, 'logRetentionDays: must be one of 1, 3, 5, 7'],
    [{ alarmEmail: 'ops-at-example' }, 'alarmEmail: must be an e-mail address'],
    [{ keepnetBaseUrl: 'http://api.keepnetlabs.com' }, 'keepnetBaseUrl: must be an https:// URL'],
    [{ keepnetSecret: 'has spaces' }, 'keepnetSecret: must be a Secrets Manager secret name or ARN'],
    [{ eventSource: 'aws.events' }, 'eventSource: must not start with "aws."'],
    [{ exportPrefix: '/exports' }, 'exportPrefix: must be one or more path segments ending in "/"'],
    // The stack's own state lives under state/: exports there could overwrite or expire the watermark.
    [{ exportPrefix: 'state/' }, 'exportPrefix: must not overlap "state/"'],
    [{ exportPrefix: 'state/company-poller/' }, 'exportPrefix: must not overlap "state/"'],
    [{ exportPrefix: 'state/exports/' }, 'exportPrefix: must not overlap "state/"'],
    [{ eventBusName: 'default' }, 'eventBusName: must not be "default"'],
    [
      { eventProducerRoleArns: ['arn:aws:iam::123456789012:user/alice'] },
      'eventProducerRoleArns.0: must be an IAM role ARN',
    ],
    [{ eventProducerRoleArns: '["*"]' }, 'eventProducerRoleArns.0: must be an IAM role ARN'],
    [{ pollerStartTime: 'yesterday' }, 'pollerStartTime: must be an ISO 8601 UTC date-time'],
    [{ pollerStartTime: '2026-01-01T00:00:00+03:00' }, 'pollerStartTime: must be an ISO 8601 UTC date-time'],
    [
      { exportRetention: { infrequentAccessAfterDays: 400, expireAfterDays: 365 } },
      'exportRetention.infrequentAccessAfterDays: infrequentAccessAfterDays must be less than expireAfterDays',
    ],
    // Rules and jobs are checked by the same code the functions run at cold start.
    [{ groupRules: [{ when: {}, groups: ['X'] }] }, 'groupRules.0.when: a rule needs at least one condition'],
    [{ groupRules: '[{"groups":' }, 'groupRules: Invalid input: expected array'],
    [
      { exportJobs: [{ what: 'groups', format: 'PDF' }] },
      'exportJobs: invalid export job configuration: exportJobs[0]: format: Invalid option',
    ],
  ])('rejects %j naming the key and the rule', (raw, expected) => {
    const message = problemsOf(raw);
    expect(message).toContain('Invalid CDK context');
    expect(message).toContain(`  - ${expected}`);
  });

  it('accepts export prefixes beside the state prefix, and producer roles with paths', () => {
    for (const exportPrefix of ['exports/', 'statements/', 'reports/state/']) {
      expect(parseDeploymentConfig({ exportPrefix }).exportPrefix).toBe(exportPrefix);
    }
    const role = 'arn:aws:iam::123456789012:role/integrations/crm-hubspot';
    expect(parseDeploymentConfig({ eventProducerRoleArns: [role] }).eventProducerRoleArns).toEqual([role]);
  });

  it('lists every problem at once', () => {
    const message = problemsOf({ dlqMaxReceiveCount: -1, scheduleTimeZone: 'Nowhere' });
    expect(message).toMatch(/dlqMaxReceiveCount/);
    expect(message).toMatch(/scheduleTimeZone/);
  });

  it('fails on an unknown setting, which is most likely a typo', () => {
    const app = new App({ context: { ...cdkJsonContext(), dlqMaxRecieveCount: '3' } });
    expect(() => readDeploymentConfig(app.node)).toThrow(
      /Unknown CDK context key\(s\): dlqMaxRecieveCount\./,
    );
  });

  it('fails the synth of the app on bad context', () => {
    const app = new App({ context: { ...cdkJsonContext(), dlqMaxReceiveCount: '0' } });
    expect(() => defineKeepnetAutomation(app, { repoRoot: REPO_ROOT })).toThrow(
      /dlqMaxReceiveCount: Too small/,
    );
  });
});
