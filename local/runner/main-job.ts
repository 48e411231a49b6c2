// The main job of `npm start`: onboarding through router → queue → worker, one poller cycle, and the
// nightly exports, all through the real handlers against the local system. Returns what happened; the
// caller prints it. Throws when a step fails or onboarding does not give the expected groups.
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  ScheduledEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { RunSummary } from '../../lib/exports';
import { COMPANY_CREATED_DETAIL_TYPE, type CompanyCreatedDetail } from '../../lib/onboarding/company-created';
import type { KeepnetSimulator } from '../keepnet-simulator/types';
import { callApi } from '../lambda-events';
import { eventBridgeEvent, scheduledEvent } from './events';
import { runGroupsAsCode } from './groups-as-code';
import { invoke, loadHandler } from './handlers';
import type { LocalSystem } from './local-system';
import { plainFilePath, syncPlainFiles } from './plain-files';
import type { Progress } from './progress';
import { StepUnavailableError } from './progress';
import { companiesForPoller, onboardingCases, SEEDED_GROUP_FOR_IDS } from './scenario';

/** One onboarded company: the groups expected and the groups it really is in. */
export interface CompanyReport {
  resourceId: string;
  name: string;
  via: 'event' | 'poller';
  /** Written out by hand in scenario.ts: the run fails when onboarding disagrees. */
  expectedGroups: string[];
  /** Read from the simulator after the run, not from what the functions said they did. */
  groups: string[];
}

/** One export object the run wrote. */
export interface ExportReport {
  key: string;
  bytes: number;
  /** A copy named as its key (local/runner/plain-files.ts): open it directly. */
  path: string;
}

/** What the main job did, for formatSummary; `problems` non-empty means the run failed. */
export interface MainJobReport {
  tag: string;
  companies: CompanyReport[];
  exports: ExportReport[];
  bucket: string;
  apiCalls: Record<string, number>;
  skipped: string[];
  /** What did not turn out as expected; the run exits non-zero when this is not empty. */
  problems: string[];
  queue: { invocations: number; records: number; retried: number; deadLettered: number };
  /** The group operation the run sent through the HTTP API, and its status before and after the worker. */
  operation?: { operationId: string; group: string; before: string; after: string };
}

const EVENT_SOURCE = 'keepnet.local';

function groupsOf(simulator: KeepnetSimulator, companyId: string): string[] {
  return simulator.state
    .groups()
    .filter((group) => simulator.state.groupMemberIds(group.resourceId).includes(companyId))
    .map((group) => group.name)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * Runs onboarding (events and poller), one group operation through the API, and the nightly exports
 * against `system`, reporting each step on `progress`. Throws when a step fails.
 */
export async function runMainJob(
  system: LocalSystem,
  progress: Progress,
  tag: string,
): Promise<MainJobReport> {
  const { simulator } = system;
  const skipped: string[] = [];
  const problems: string[] = [];
  const companies: CompanyReport[] = [];
  const queueTotals = { invocations: 0, records: 0, retried: 0, deadLettered: 0 };
  let operation: MainJobReport['operation'];

  const router = () => loadHandler<unknown, unknown>('onboarding-router');
  const drainQueue = async () => {
    if (!system.queue) throw new StepUnavailableError('local SQS FIFO queue (local/sqs-fifo) not available');
    const worker = await loadHandler<SQSEvent, SQSBatchResponse | undefined>('onboarding-worker');
    const result = await system.queue.drain((event) => invoke('onboarding-worker', worker, event));
    for (const key of ['invocations', 'records', 'retried', 'deadLettered'] as const)
      queueTotals[key] += result[key];
    progress.detail(
      `worker: ${result.invocations} invocation(s), ${result.records} record(s), ${result.retried} returned for retry, ${result.deadLettered} dead-lettered`,
    );
  };
  const note = (outcome: { status: string; note?: string }, what: string) => {
    if (outcome.status === 'skipped') skipped.push(`${what}: ${outcome.note}`);
    return outcome.status === 'done';
  };

  // 1. CompanyCreated events → router → FIFO queue.
  const seededGroup = simulator.state.groupByName(SEEDED_GROUP_FOR_IDS);
  if (!seededGroup) throw new Error(`the simulator seed has no "${SEEDED_GROUP_FOR_IDS}" group`);
  const cases = onboardingCases(tag);
  const routed = await progress.step(`onboarding-router: ${cases.length} CompanyCreated events`, async () => {
    const handler = await router();
    for (const c of cases) {
      const company = simulator.state.addCompany(c.company);
      const detail: CompanyCreatedDetail = {
        companyResourceId: company.resourceId,
        ...c.detail({ seededGroupId: seededGroup.resourceId }),
      };
      await invoke(
        'onboarding-router',
        handler,
        eventBridgeEvent(COMPANY_CREATED_DETAIL_TYPE, EVENT_SOURCE, detail),
      );
      progress.detail(`${company.name} (${company.resourceId}): ${c.shows}`);
      companies.push({
        resourceId: company.resourceId,
        name: company.name,
        via: 'event',
        expectedGroups: c.expectedGroups,
        groups: [],
      });
    }
  });
  if (note(routed, 'onboarding')) {
    note(await progress.step('onboarding-worker: drain the queue', drainQueue), 'onboarding worker');
  }

  // 2. Poller: a baseline run sets the watermark; companies created afterwards are found by the next run.
  const polled = await progress.step(
    'company-poller: baseline run, 2 new companies, second run',
    async () => {
      const poller = await loadHandler<ScheduledEvent, unknown>('company-poller');
      if (!system.events)
        throw new StepUnavailableError('EventBridge stand-in (local/eventbridge) not available');
      const baseline = await invoke('company-poller', poller, scheduledEvent('company-poller'));
      progress.detail(`baseline run: ${JSON.stringify(baseline)}`);
      await system.events.takeCompanyCreated(); // a baseline announces nothing new; drop anything it sent
      const created = companiesForPoller(tag).map(({ company, expectedGroups }) => ({
        company: simulator.state.addCompany(company),
        expectedGroups,
      }));
      const summary = await invoke('company-poller', poller, scheduledEvent('company-poller'));
      progress.detail(`second run: ${JSON.stringify(summary)}`);
      const events = await system.events.takeCompanyCreated();
      progress.detail(`poller published ${events.length} CompanyCreated event(s)`);
      const handler = await router();
      for (const event of events) await invoke('onboarding-router', handler, event);
      for (const { company, expectedGroups } of created) {
        companies.push({
          resourceId: company.resourceId,
          name: company.name,
          via: 'poller',
          expectedGroups,
          groups: [],
        });
      }
      const found = new Set(
        events.map((e) => (e as { detail?: { companyResourceId?: string } }).detail?.companyResourceId),
      );
      const missed = created.map((c) => c.company).filter((c) => !found.has(c.resourceId));
      if (missed.length > 0)
        problems.push(`the poller did not report ${missed.map((c) => c.name).join(', ')}`);
    },
  );
  if (note(polled, 'poller') && system.queue) {
    note(
      await progress.step('onboarding-worker: drain the queue (poller events)', drainQueue),
      'onboarding worker',
    );
  }

  // 3. A group operation through the HTTP API: 202 with an operation id, applied by the worker in the
  //    group's message group, read back with GET /operations/{id} (pending, then succeeded).
  const operated = await progress.step(
    'api: a group operation (202 → onboarding-worker → GET /operations/{id})',
    async () => {
      if (!system.queue)
        throw new StepUnavailableError('local SQS FIFO queue (local/sqs-fifo) not available');
      const api = await loadHandler<APIGatewayProxyEvent, APIGatewayProxyResult>('api');
      const call = (method: string, path: string, body?: unknown) =>
        callApi((event) => invoke('api', api, event), { method, path, body });
      const created = await call('POST', '/groups', { name: `Pilot wave 2 ${tag}` });
      const groupId = (created.body as { resourceId?: string }).resourceId;
      if (created.status !== 201 || !groupId) throw new Error(`POST /groups answered ${created.status}`);
      const members = simulator.state
        .companies()
        .slice(0, 3)
        .map((c) => c.resourceId);
      const accepted = await call('PUT', `/groups/${groupId}/companies`, { companyResourceIds: members });
      const { operationId, location } = accepted.body as { operationId: string; location: string };
      const before = (await call('GET', location)).body as { status: string };
      progress.detail(
        `PUT /groups/${groupId}/companies → ${accepted.status}, ${operationId}: ${before.status}`,
      );
      await drainQueue();
      const after = (await call('GET', location)).body as { status: string; result?: { added: string[] } };
      progress.detail(
        `GET ${location} → ${after.status}, added ${after.result?.added.length ?? 0} companies`,
      );
      operation = { operationId, group: groupId, before: before.status, after: after.status };
      if (after.status !== 'succeeded') problems.push(`operation ${operationId} ended ${after.status}`);
    },
  );
  note(operated, 'api operation');

  // 3b. Groups as code: the operator CLI plans a desired-state file, applies it through the worker and
  //     plans again (nothing left to do); the reconcile function, report mode, finds no drift either.
  const asCode = await progress.step(
    'keepnet-groups plan → apply → plan, reconcile (report): groups as code',
    async () => {
      await runGroupsAsCode(system, tag, (line) => progress.detail(line));
    },
  );
  note(asCode, 'groups as code');

  // 4. Nightly exports, as the schedule rule triggers them.
  const exports: ExportReport[] = [];
  const exported = await progress.step('scheduled-export: nightly exports to S3', async () => {
    const handler = await loadHandler<ScheduledEvent, RunSummary>('scheduled-export');
    const summary = await invoke('scheduled-export', handler, scheduledEvent('nightly-export'));
    exports.push(...(await objectsOfRun(system, summary)));
    if (exports.length === 0) throw new Error('scheduled-export wrote no object');
  });
  note(exported, 'exports');

  // 5. What actually happened, read from the simulator.
  for (const company of companies) company.groups = groupsOf(simulator, company.resourceId);
  if (routed.status === 'done' && !skipped.some((s) => s.startsWith('onboarding'))) {
    const quoted = (names: string[]) => names.map((g) => `"${g}"`).join(', ');
    for (const c of companies) {
      const missing = c.expectedGroups.filter((g) => !c.groups.includes(g));
      const unexpected = c.groups.filter((g) => !c.expectedGroups.includes(g));
      if (missing.length > 0) problems.push(`${c.name} is not in ${quoted(missing)}`);
      if (unexpected.length > 0) problems.push(`${c.name} is also in ${quoted(unexpected)}`);
    }
  }
  if (queueTotals.deadLettered > 0)
    problems.push(`${queueTotals.deadLettered} onboarding message(s) dead-lettered`);

  return {
    tag,
    companies,
    exports,
    bucket: system.s3.bucket,
    apiCalls: simulator.counts(),
    skipped,
    problems,
    queue: queueTotals,
    ...(operation ? { operation } : {}),
  };
}

/**
 * The objects this run wrote, as the function itself reports them (its manifest's list plus the
 * manifest), with their sizes as S3 stores them: exact keys, whatever earlier runs left in the bucket.
 */
async function objectsOfRun(system: LocalSystem, summary: RunSummary): Promise<ExportReport[]> {
  const s3 = new S3Client({ endpoint: system.s3.endpoint, forcePathStyle: true });
  await syncPlainFiles(system.s3.directory, system.s3.files);
  try {
    const keys = [...summary.objects.map((o) => o.key), summary.manifestKey];
    const found = await Promise.all(
      keys.map(async (key) => {
        const head = await s3.send(new HeadObjectCommand({ Bucket: summary.bucket, Key: key }));
        return {
          key,
          bytes: head.ContentLength ?? 0,
          path: plainFilePath(system.s3.files, `${summary.bucket}/${key}`),
        };
      }),
    );
    return found.sort((a, b) => a.key.localeCompare(b.key));
  } finally {
    s3.destroy();
  }
}
