// Deployment settings, read from CDK context (defaults in cdk.json, overridable with `-c key=value`)
// and validated with zod, so a wrong value fails `cdk synth` with the key and the rule instead of
// surfacing as a broken deployment or a function that fails at run time.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';
import { parseS3Uri } from '../lib/desired-state/reconcile-config';
import { parseExportJobs } from '../lib/exports/job';
import { GroupRulesSchema } from '../lib/rules/group-rules';

const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);
const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone').concat('UTC'));

/**
 * `-c key=value` always yields a string; cdk.json yields JSON values. Non-string settings accept both
 * by parsing a string as JSON first (a string that is not JSON is left for the schema to reject).
 */
function fromJsonText<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);
}

const int = (min: number, max: number) => fromJsonText(z.number().int().min(min).max(max));

/** A secret to import (name, or ARN), or absent/empty to have the stack create one. */
const secretReference = z
  .string()
  .trim()
  .regex(/^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+|[\w/+=.@-]{1,512})$/, {
    message: 'must be a Secrets Manager secret name or ARN',
  })
  .optional()
  .or(z.literal('').transform(() => undefined));

const dailyTime = z.strictObject({ hour: int(0, 23), minute: int(0, 59) });

/**
 * Keys under this prefix of the bucket hold the stack's own state (the poller's watermark), never
 * exports: the export and API roles may not write there, and the export lifecycle rule must not expire it.
 */
export const STATE_PREFIX = 'state/';
/** Key prefix (and object) where the poller keeps its watermark. */
export const POLLER_STATE_PREFIX = `${STATE_PREFIX}company-poller/`;

/** `s3://bucket/key`, checked as the reconcile function checks it; absent or empty: not set. */
const s3ObjectUri = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    try {
      parseS3Uri(value, 'value');
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an S3 object URI, s3://bucket/key' });
    }
  })
  .optional()
  .or(z.literal('').transform(() => undefined));

/** An IAM role ARN (any partition, any path). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Every deployment setting, its default and its rule; `cdk synth` fails naming the key that breaks one. */
export const DeploymentConfigSchema = z.strictObject({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, {
      message: 'must be a CloudFormation stack name (a letter, then letters, digits or "-")',
    })
    .default('KeepnetAutomation'),
  /** Existing secret holding `{ clientId, clientSecret, baseUrl? }`; absent: created, to be filled. */
  keepnetSecret: secretReference,
  /** Existing secret holding the webhook HMAC key; absent: created with a random value. */
  webhookSecret: secretReference,
  keepnetBaseUrl: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
  participantsMode: z.enum(['union', 'additive']).default('union'),
  /**
   * Rules mapping company attributes to group names (GROUP_RULES), checked with the router's own schema.
   * The value is passed to the function as written (defaults and trimming are the router's business).
   */
  groupRules: fromJsonText(z.unknown())
    .superRefine((value, ctx) => {
      const result = GroupRulesSchema.safeParse(value);
      for (const issue of result.error?.issues ?? []) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      }
    })
    .default([]),
  /** Export jobs (EXPORT_JOBS), checked with the export function's parser; absent: its default set. */
  exportJobs: fromJsonText(z.unknown())
    .superRefine((value, ctx) => {
      try {
        parseExportJobs(value, 'exportJobs');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  exportPrefix: z
    .string()
    .max(512, { message: 'must be at most 512 characters' })
    .regex(/^([\w.-]+\/)+$/, { message: 'must be one or more path segments ending in "/", e.g. "exports/"' })
    // Either inside the other would let the export roles write the stack's state, and the export
    // lifecycle rule expire it.
    .refine((prefix) => !prefix.startsWith(STATE_PREFIX) && !STATE_PREFIX.startsWith(prefix), {
      message: `must not overlap "${STATE_PREFIX}", where the stack keeps its own state (the poller's watermark)`,
    })
    .default('exports/'),
  exportSchedule: fromJsonText(dailyTime).default({ hour: 2, minute: 0 }),
  /** At least 5: longer than the poller's 2-minute timeout, so two runs never overlap on the watermark. */
  pollerIntervalMinutes: int(5, 1440).default(15),
  /** Where the poller starts when it has no watermark yet (UTC, as the poller requires); absent: its default. */
  pollerStartTime: z.iso
    .datetime({ message: 'must be an ISO 8601 UTC date-time, e.g. 2026-01-01T00:00:00Z' })
    .optional(),
  scheduleTimeZone: z
    .string()
    .refine((zone) => TIME_ZONES.has(zone), { message: 'must be an IANA time zone, e.g. "Europe/London"' })
    .default('UTC'),
  /**
   * Name of the dedicated onboarding bus the stack creates (CompanyCreated arrives there, the poller
   * publishes there); absent or empty: `<stackName>-onboarding`. Never the account's default bus, which
   * anyone in the account allowed PutEvents may write to.
   */
  eventBusName: z
    .string()
    .regex(/^[\w.-]{1,256}$/, { message: 'must be an event bus name (letters, digits, . _ -)' })
    .refine((name) => name !== 'default', {
      message: 'must not be "default": onboarding gets a bus of its own, open to named producers only',
    })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * IAM roles (ARNs) besides the poller's and the API's that may put CompanyCreated on the onboarding
   * bus: a CRM or PSA integration. Everyone else is refused by the bus policy.
   */
  eventProducerRoleArns: fromJsonText(
    z
      .array(
        z
          .string()
          .regex(ROLE_ARN, { message: 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)' }),
      )
      .max(20, { message: 'must list at most 20 roles' }),
  ).default([]),
  eventSource: z
    .string()
    .regex(/^[\w.-]{1,256}$/, { message: 'must be an event source (letters, digits, . _ -)' })
    .refine((source) => !source.startsWith('aws.'), { message: 'must not start with "aws." (reserved)' })
    .default('keepnet.automation'),
  dlqMaxReceiveCount: int(1, 1000).default(5),
  /** Upper bound on concurrent worker invocations: keeps the Keepnet API (undocumented rate limit) calm. */
  onboardingMaxConcurrency: int(2, 1000).default(2),
  logRetentionDays: fromJsonText(
    z.number().refine((days) => RETENTION_DAYS.includes(days), {
      message: `must be one of ${RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values)`,
    }),
  ).default(90),
  exportRetention: fromJsonText(
    z
      .strictObject({
        /** Move exports to S3 Standard-IA after this many days (30 minimum for IA); null: never. */
        infrequentAccessAfterDays: int(30, 3650).nullable().default(30),
        expireAfterDays: int(1, 3650).default(365),
        /** Overwritten or deleted versions are kept this long (the bucket is versioned). */
        noncurrentVersionsExpireAfterDays: int(1, 3650).default(30),
      })
      .refine(
        (value) =>
          value.infrequentAccessAfterDays === null || value.infrequentAccessAfterDays < value.expireAfterDays,
        {
          message: 'infrequentAccessAfterDays must be less than expireAfterDays',
          path: ['infrequentAccessAfterDays'],
        },
      ),
  ).default({ infrequentAccessAfterDays: 30, expireAfterDays: 365, noncurrentVersionsExpireAfterDays: 30 }),
  accessLogRetentionDays: int(1, 3650).default(365),
  apiThrottle: fromJsonText(
    z.strictObject({ rateLimit: int(1, 10_000).default(10), burstLimit: int(1, 5_000).default(20) }),
  ).default({ rateLimit: 10, burstLimit: 20 }),
  /**
   * The desired-state file the scheduled `reconcile` function plans against Keepnet (s3://bucket/key, in
   * any bucket of the account); absent or empty: no reconcile function is deployed.
   */
  reconcileFileS3Uri: s3ObjectUri,
  /** Optional attributes CSV (the CRM export) for the file's `csv.` rules (s3://bucket/key). */
  reconcileAttributesS3Uri: s3ObjectUri,
  /** `report` (default): publish the drift only; `apply`: also queue the changes for the worker. */
  reconcileMode: z.enum(['report', 'apply']).default('report'),
  /** apply mode: take companies out of groups too (otherwise removals stay as drift). */
  reconcileAllowRemovals: fromJsonText(z.boolean()).default(false),
  /** How often reconcile runs (EventBridge Scheduler rate); at least 15 minutes. */
  reconcileIntervalMinutes: int(15, 10080).default(1440),
  alarmEmail: z
    .email({ message: 'must be an e-mail address' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

/** The validated deployment settings the stack is built from. */
export type DeploymentConfig = z.output<typeof DeploymentConfigSchema>;
/** The settings' names: the context keys read (another camelCase key is refused as a likely typo). */
export const CONFIG_KEYS = Object.keys(DeploymentConfigSchema.shape) as (keyof DeploymentConfig)[];

/** A context value breaks its rule; the message lists every key at fault. */
export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
}

/** Validates raw settings (context values keyed by name); throws one error listing every problem. */
export function parseDeploymentConfig(raw: Record<string, unknown>): DeploymentConfig {
  const result = DeploymentConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(context)';
    return `  - ${key}: ${issue.message}`;
  });
  throw new DeploymentConfigError(
    `Invalid CDK context (cdk.json "context" or -c key=value):\n${problems.join('\n')}`,
  );
}

/**
 * Reads every known key from the construct tree's context (cdk.json, -c, App props). A camelCase key
 * that is not a setting is almost certainly a typo (`-c dlqMaxRecieveCount=3` would otherwise be
 * ignored in silence), so it fails too. CDK's own keys (feature flags, `aws:cdk:*`) contain ":" or "@".
 */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const all = node.getAllContext() as Record<string, unknown>;
  const known = new Set<string>(CONFIG_KEYS);
  const unknown = Object.keys(all).filter((key) => /^[a-z][A-Za-z0-9]*$/.test(key) && !known.has(key));
  if (unknown.length > 0) {
    throw new DeploymentConfigError(
      `Unknown CDK context key(s): ${unknown.join(', ')}. Known settings: ${CONFIG_KEYS.join(', ')}.`,
    );
  }
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value: unknown = all[key];
    if (value !== undefined && value !== null) raw[key] = value;
  }
  return parseDeploymentConfig(raw);
}
