// The scheduled `reconcile` run: read the desired-state file (and attributes CSV) from S3, plan it
// against Keepnet, publish the drift, and in apply mode queue the changes for the onboarding worker (the
// one writer). Report mode never writes. A bad file fails the run, naming its line and field, so the
// schedule's failure path (retries, failed-events queue, the function's Errors alarm) sees it.
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { ENV } from '../config/variables';
import type { OperationRequest, SubmitResult } from '../group-queue/submit';
import type { KeepnetApi } from '../keepnet/types';
import { logger, metrics } from '../observability/powertools';
import type { OperationRecord } from '../operations/operation';
import { applyPlan } from './apply';
import { MAX_ATTRIBUTES_BYTES, parseAttributes } from './attributes';
import { MAX_FILE_BYTES } from './format';
import { parseDesiredState } from './parse';
import { changesIn, type Plan } from './plan';
import { type DesiredStateInputs, planFromFile } from './plan-keepnet';
import type { ReconcileConfig, S3Location } from './reconcile-config';

/** Metric names `reconcile` publishes (namespace and `service` dimension as every function's). */
export const RECONCILE_METRICS = {
  /** Members to add + members to remove + groups to create: 0 when Keepnet matches the file. */
  drift: 'ReconcileDrift',
  membersToAdd: 'ReconcileMembersToAdd',
  membersToRemove: 'ReconcileMembersToRemove',
  groupsToCreate: 'ReconcileGroupsToCreate',
  operationsQueued: 'ReconcileOperationsQueued',
} as const;

/** Clients for one reconcile run; `submit` only in apply mode. */
export interface ReconcileDependencies {
  keepnet: KeepnetApi;
  s3: S3Client;
  /** Queues a group operation (apply mode only). */
  submit?: (request: OperationRequest) => Promise<SubmitResult>;
}

/** What one run found and did. */
export interface ReconcileSummary {
  mode: ReconcileConfig['mode'];
  file: string;
  drift: number;
  groupsToCreate: number;
  membersToAdd: number;
  membersToRemove: number;
  groupsUnchanged: number;
  unmanaged: number;
  /** apply mode: the operations queued (the worker applies them; their records say how it went). */
  operations: { operationId: string; groupId: string; kind: string; companies: number }[];
  groupsCreated: string[];
  /** apply mode without RECONCILE_ALLOW_REMOVALS: removals planned and not queued (still drift). */
  removalsWithheld: number;
}

/** The desired-state file or the attributes CSV cannot be read or used; the message names the object. */
export class ReconcileInputError extends Error {
  override readonly name = 'ReconcileInputError';
}

const uri = (location: S3Location) => `s3://${location.bucket}/${location.key}`;

/** An object's text, its size checked before the body is read. */
async function readObject(s3: S3Client, location: S3Location, variable: string, maxBytes: number) {
  let output: GetObjectCommandOutput;
  try {
    output = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  } catch (error) {
    const name = (error as Error).name;
    throw new ReconcileInputError(
      `${variable} ${uri(location)}: cannot read it (${name === 'NoSuchKey' ? 'no such object' : name})`,
    );
  }
  if (output.ContentLength !== undefined && output.ContentLength > maxBytes) {
    throw new ReconcileInputError(
      `${variable} ${uri(location)}: ${output.ContentLength} bytes; the limit is ${maxBytes}`,
    );
  }
  if (!output.Body) throw new ReconcileInputError(`${variable} ${uri(location)}: no body`);
  return output.Body.transformToString('utf8');
}

/** The file and the CSV from S3, parsed and validated before Keepnet is read. */
async function readInputs(s3: S3Client, config: ReconcileConfig): Promise<DesiredStateInputs> {
  const text = await readObject(s3, config.file, ENV.reconcileFileS3Uri, MAX_FILE_BYTES);
  const parsed = parseDesiredState(text, uri(config.file));
  if (!config.attributes) return { parsed };
  const csv = await readObject(s3, config.attributes, ENV.reconcileAttributesS3Uri, MAX_ATTRIBUTES_BYTES);
  return { parsed, attributes: parseAttributes(csv, uri(config.attributes)) };
}

function publishDrift(plan: Plan): number {
  const { groupsToCreate, membersToAdd, membersToRemove } = plan.summary;
  const drift = groupsToCreate + membersToAdd + membersToRemove;
  metrics.addMetric(RECONCILE_METRICS.drift, 'Count', drift);
  metrics.addMetric(RECONCILE_METRICS.groupsToCreate, 'Count', groupsToCreate);
  metrics.addMetric(RECONCILE_METRICS.membersToAdd, 'Count', membersToAdd);
  metrics.addMetric(RECONCILE_METRICS.membersToRemove, 'Count', membersToRemove);
  return drift;
}

/**
 * One run: plan, publish, and in apply mode queue. Operations are queued, not awaited: the worker
 * applies them in order per group, and the next run's plan (and drift) shows whether it converged.
 * Their Idempotency-Keys derive from the plan, so a redelivered run with the same plan finds its
 * operations instead of queueing new ones.
 */
export async function runReconcile(
  config: ReconcileConfig,
  deps: ReconcileDependencies,
): Promise<ReconcileSummary> {
  const inputs = await readInputs(deps.s3, config);
  const plan = await planFromFile(deps.keepnet, inputs);
  const drift = publishDrift(plan);
  const summary: ReconcileSummary = {
    mode: config.mode,
    file: uri(config.file),
    drift,
    ...plan.summary,
    operations: [],
    groupsCreated: [],
    removalsWithheld: 0,
  };
  // Counts and group names only: member lists can be long, and the plan is re-made on every run.
  logger.info('reconcile plan', {
    ...plan.summary,
    drift,
    mode: config.mode,
    changing: plan.groups
      .filter(changesIn)
      .map((g) => ({ name: g.name, create: g.groupId === null, add: g.add.length, remove: g.remove.length })),
  });
  if (config.mode !== 'apply' || drift === 0) return summary;
  if (!deps.submit) throw new Error('reconcile: apply mode needs the operation queue');

  // Without the opt-in, removals are left out (and stay in the drift) rather than failing the run: the
  // additions still converge, and the alarm keeps saying what is left.
  const groups = config.allowRemovals
    ? plan.groups
    : plan.groups.map((g) => {
        summary.removalsWithheld += g.remove.length;
        return { ...g, remove: [] };
      });
  const queued = new Map<string, OperationRecord>();
  const submit = deps.submit;
  const applied = await applyPlan(
    plan,
    groups,
    {
      keepnet: deps.keepnet,
      submit: async (request) => {
        const result = await submit({ ...request, source: 'reconcile' });
        queued.set(result.record.operationId, result.record);
        return result;
      },
      wait: async (id) => queued.get(id)!,
      progress: (line) => logger.info(line),
    },
    { allowRemovals: config.allowRemovals },
  );
  for (const group of applied) {
    if (group.created) summary.groupsCreated.push(group.name);
    for (const record of group.operations) {
      const change = record.change;
      summary.operations.push({
        operationId: record.operationId,
        groupId: record.groupId,
        kind: change.kind,
        companies: change.kind === 'rename' ? 0 : change.companyResourceIds.length,
      });
    }
  }
  metrics.addMetric(RECONCILE_METRICS.operationsQueued, 'Count', summary.operations.length);
  logger.info('reconcile queued', {
    operations: summary.operations.length,
    groupsCreated: summary.groupsCreated.length,
    removalsWithheld: summary.removalsWithheld,
  });
  return summary;
}
