// A whole nightly run of the scheduled export.
import { logger, metrics } from '../observability/powertools';
import { ExportConfigurationError, ExportDeadlineError, ExportRunError } from './errors';
import { type ExportTarget, searchOf, targetOf } from './export-target';
import { carryFirstSeen, readPreviousFirstSeen, writeFirstSeen } from './first-seen-index';
import type { ExportJob } from './job';
import { jobName } from './job';
import { CONTENT_TYPES, objectKey } from './keys';
import type { Manifest, ManifestFailure, ManifestObject } from './manifest';
import { writeManifest } from './manifest';
import {
  attributeChanges,
  diffMembership,
  diffToCsv,
  isEmptyDiff,
  type Membership,
  type MembershipDiff,
  outsideRemovals,
} from './membership-diff';
import {
  findPreviousSnapshotKey,
  readMembershipSnapshot,
  SNAPSHOT_KIND,
  writeMembershipSnapshot,
} from './membership-snapshot';
import { REPORT_FILE_KIND } from './report-keys';
import { callOptionsOf, type ExportContext, exportTarget } from './run-export-job';
import { putSmallObject } from './s3-upload';

/** The diff's folder and file-name stem under the export prefix. */
export const DIFF_KIND = 'membership-diff';

/** What a run writes besides the jobs' files. */
export interface RunOptions {
  /** Write the membership snapshot and diff (default true). */
  snapshot?: boolean;
}

/** What a run wrote, as returned to the handler (and logged). */
export interface RunSummary {
  scheduledTime: string;
  bucket: string;
  manifestKey: string;
  objects: ManifestObject[];
  membershipDiff: Manifest['membershipDiff'];
  /** The report people open (`…/report/date=…/company-groups-report-<stamp>.xlsx`); null when not written. */
  reportKey: string | null;
}

/**
 * A whole nightly run: every job (all-group-members expanded to one file per group), then the membership
 * snapshot and its diff against the previous one, then the manifest, written last. Jobs are independent:
 * one failing does not stop the others, but the run then throws (after writing the manifest) so the
 * schedule's retry and alarm see it. Past the deadline nothing new is started.
 */
export async function runScheduledExport(
  jobs: readonly ExportJob[],
  ctx: ExportContext,
  options: RunOptions = {},
): Promise<RunSummary> {
  const objects: ManifestObject[] = [];
  const failures: Array<{ job: string; error: Error }> = [];
  const record = (job: string, error: unknown): void => {
    const err = error instanceof Error ? error : new Error(String(error));
    failures.push({ job, error: err });
    logger.error('export job failed', { job, error: err });
    metrics.addMetric('ExportJobFailed', 'Count', 1);
  };
  const pastDeadline = (): boolean => ctx.deadline !== undefined && Date.now() >= ctx.deadline;
  /** Target name → the job it came from: names are keys, so two targets must not share one. */
  const started = new Map<string, string>();

  for (const job of jobs) {
    if (pastDeadline()) {
      record(jobName(job), new ExportDeadlineError(`export ${jobName(job)}`, 'not started'));
      continue;
    }
    let targets: ExportTarget[];
    try {
      targets = await expandJob(job, ctx);
    } catch (error) {
      record(jobName(job), error);
      continue;
    }
    for (const target of targets) {
      // e.g. a `group-members` job and an `all-group-members` one both naming group X: one file, once.
      const sameName = started.get(target.name);
      if (sameName !== undefined) {
        record(target.name, new ExportConfigurationError(`would overwrite the file of job "${sameName}"`));
        continue;
      }
      started.set(target.name, jobName(job));
      if (pastDeadline()) {
        record(target.name, new ExportDeadlineError(`export ${target.name}`, 'not started'));
        continue;
      }
      try {
        const result = await exportTarget(target, ctx);
        const object: ManifestObject = { kind: 'export', ...result };
        objects.push(object);
        logger.info('export written', {
          job: result.job,
          key: result.key,
          bytes: result.bytes,
          rows: result.rows,
        });
        metrics.addMetric('ExportBytes', 'Bytes', result.bytes);
      } catch (error) {
        record(target.name, error);
      }
    }
  }

  let membershipDiff: Manifest['membershipDiff'] = null;
  if (options.snapshot ?? true) {
    if (pastDeadline()) {
      record(SNAPSHOT_KIND, new ExportDeadlineError(SNAPSHOT_KIND, 'not started'));
    } else {
      try {
        const written = await writeSnapshotAndDiff(ctx);
        objects.push(...written.objects);
        membershipDiff = written.membershipDiff;
        // Its own step: a report that fails leaves the snapshot and diff standing (and fails the run).
        try {
          objects.push(...(await writeReport(ctx, written.nights)));
        } catch (error) {
          record(REPORT_FILE_KIND, error);
        }
      } catch (error) {
        record(SNAPSHOT_KIND, error);
      }
    }
  }

  const manifest: Manifest = {
    manifestVersion: 1,
    scheduledTime: ctx.scheduledTime.toISOString(),
    generatedAt: new Date().toISOString(),
    bucket: ctx.bucket,
    status: failures.length === 0 ? 'complete' : 'failed',
    objects,
    failures: failures.map(toManifestFailure),
    membershipDiff,
  };
  const written = await writeManifest(ctx, manifest);
  const manifestKey = written.key;
  // The check before writing may have found objects overwritten since (a concurrent same-stamp run).
  for (const failure of written.manifest.failures.slice(manifest.failures.length)) {
    record(failure.job, Object.assign(new Error(failure.error.message), { name: failure.error.name }));
  }
  if (failures.length > 0) throw new ExportRunError(failures, manifestKey);
  return {
    scheduledTime: manifest.scheduledTime,
    bucket: ctx.bucket,
    manifestKey,
    objects: written.manifest.objects,
    membershipDiff,
    reportKey: written.manifest.objects.find((o) => o.kind === 'report')?.key ?? null,
  };
}

/** `all-group-members` becomes one target per group (named `<job>-<groupId>`); other jobs are one target. */
async function expandJob(job: ExportJob, ctx: ExportContext): Promise<ExportTarget[]> {
  if (job.what !== 'all-group-members') return [targetOf(job)];
  const targets: ExportTarget[] = [];
  const byCreation = { orderBy: 'CreateTime', ascending: true };
  for await (const group of ctx.client.iterateGroups(byCreation, callOptionsOf(ctx))) {
    targets.push({
      name: `${jobName(job)}-${group.resourceId}`,
      format: job.format,
      search: searchOf(job),
      groupId: group.resourceId,
    });
  }
  return targets;
}

/** Tonight's snapshot, the previous night's (null the first night) and the diff between them. */
interface Nights {
  current: Membership;
  previous: { time: Date; membership: Membership } | null;
  diff: MembershipDiff | null;
}

async function writeSnapshotAndDiff(
  ctx: ExportContext,
): Promise<{ objects: ManifestObject[]; membershipDiff: Manifest['membershipDiff']; nights: Nights }> {
  const snapshotKey = objectKey(ctx.prefix, SNAPSHOT_KIND, ctx.scheduledTime, 'jsonl');
  // Found before writing: a re-run compares against the same earlier snapshot, not against itself.
  const previousKey = await findPreviousSnapshotKey(ctx, snapshotKey);
  const snapshot = await writeMembershipSnapshot(ctx);
  const { membership: _held, ...snapshotObject } = snapshot;
  const objects: ManifestObject[] = [snapshotObject];
  if (previousKey === null) {
    logger.info('first membership snapshot: no diff written', { key: snapshot.key });
    return {
      objects,
      membershipDiff: null,
      nights: { current: snapshot.membership, previous: null, diff: null },
    };
  }
  const previous = await readMembershipSnapshot(ctx, previousKey);
  let diff = diffMembership(previous, snapshot.membership);
  let outside: number | undefined;
  if (ctx.journal) {
    // Every write since the previous snapshot's day: a change in the diff was made by this system
    // when one of them made exactly it.
    diff = attributeChanges(
      diff,
      await ctx.journal(snapshotDay(previousKey, ctx.scheduledTime), ctx.scheduledTime),
    );
    outside = outsideRemovals(diff);
    metrics.addMetric('OutsideRemovals', 'Count', outside);
    if (outside > 0) logger.warn('members removed from outside this system', { outsideRemovals: outside });
  }
  objects.push(...(await writeDiff(ctx, diff, previousKey, snapshot.key)));
  logger.info('membership diff written', { previousKey, empty: isEmptyDiff(diff) });
  return {
    objects,
    membershipDiff: {
      previousSnapshotKey: previousKey,
      groupsCreated: diff.groupsCreated.length,
      groupsDeleted: diff.groupsDeleted.length,
      groupsRenamed: diff.groupsRenamed.length,
      joined: diff.joined.length,
      left: diff.left.length,
      ...(outside === undefined ? {} : { outsideRemovals: outside }),
    },
    nights: {
      current: snapshot.membership,
      previous: { time: snapshotTime(previousKey, ctx.scheduledTime), membership: previous },
      diff,
    },
  };
}

/** The first-seen index carried forward, then the report built from it and the two nights. */
async function writeReport(ctx: ExportContext, nights: Nights): Promise<ManifestObject[]> {
  const index = carryFirstSeen(
    nights.current,
    ctx.scheduledTime,
    await readPreviousFirstSeen(ctx),
    nights.previous,
  );
  const indexObject = await writeFirstSeen(ctx, index);
  // Loaded here, not at the top: exceljs is most of the function's bundle, and only this step uses it
  // (kept out of the cold start, and out of the api, which imports lib/exports for on-demand exports).
  const { writeMembershipReport } = await import('./membership-report');
  const report = await writeMembershipReport(ctx, {
    companiesTotal: await companiesTotal(ctx),
    scheduledTime: ctx.scheduledTime,
    current: nights.current,
    previous: nights.previous,
    diff: nights.diff,
    firstSeen: (group, company) =>
      new Date(index.get(group)?.get(company) ?? ctx.scheduledTime.toISOString()),
  });
  logger.info('report written', { key: report.key, bytes: report.bytes });
  return [indexObject, report];
}

/**
 * How many companies the reseller has: one one-row company search (its totalNumberOfRecords). With the
 * snapshot's members it gives the companies in no group; unknown (null) when Keepnet does not answer.
 */
async function companiesTotal(ctx: ExportContext): Promise<number | null> {
  try {
    const page = await ctx.client.searchCompanies({ pageNumber: 1, pageSize: 1 }, callOptionsOf(ctx));
    return Number.isInteger(page.totalNumberOfRecords) ? page.totalNumberOfRecords : null;
  } catch (error) {
    logger.warn('company count unavailable: the report says companies in no group are not known', {
      error: { name: (error as Error).name, message: (error as Error).message },
    });
    return null;
  }
}

/** The scheduled time a snapshot key names (`…-YYYYMMDDTHHMMSSZ.jsonl`), else its day (snapshotDay). */
function snapshotTime(key: string, fallback: Date): Date {
  const stamp = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.jsonl$/.exec(key);
  if (stamp === null) return snapshotDay(key, fallback);
  const [, y, mo, d, h, mi, se] = stamp;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}.000Z`);
}

/** The day a snapshot key names (`…/date=YYYY-MM-DD/…`), else the day before `fallback`. */
function snapshotDay(key: string, fallback: Date): Date {
  const day = /\/date=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
  return day ? new Date(`${day}T00:00:00.000Z`) : new Date(fallback.getTime() - 86_400_000);
}

async function writeDiff(
  ctx: ExportContext,
  diff: MembershipDiff,
  previousKey: string,
  currentKey: string,
): Promise<ManifestObject[]> {
  const json = `${JSON.stringify(
    {
      scheduledTime: ctx.scheduledTime.toISOString(),
      previousSnapshotKey: previousKey,
      snapshotKey: currentKey,
      ...diff,
    },
    null,
    2,
  )}\n`;
  const csv = diffToCsv(diff);
  const csvRows =
    diff.groupsCreated.length +
    diff.groupsDeleted.length +
    diff.groupsRenamed.length +
    diff.joined.length +
    diff.left.length;
  const files = [
    { ext: 'json' as const, body: json, contentType: 'application/json', rows: undefined },
    { ext: 'csv' as const, body: csv, contentType: CONTENT_TYPES.CSV, rows: csvRows },
  ];
  const objects: ManifestObject[] = [];
  for (const file of files) {
    const key = objectKey(ctx.prefix, DIFF_KIND, ctx.scheduledTime, file.ext);
    const put = await putSmallObject({
      s3: ctx.s3,
      bucket: ctx.bucket,
      key,
      body: file.body,
      contentType: file.contentType,
      metadata: {
        job: DIFF_KIND,
        'scheduled-time': ctx.scheduledTime.toISOString(),
        'previous-snapshot': encodeURIComponent(previousKey),
      },
      kmsKeyId: ctx.kmsKeyId,
      signal: ctx.signal,
    });
    objects.push({
      kind: 'membership-diff',
      job: DIFF_KIND,
      key,
      bytes: put.bytes,
      contentType: file.contentType,
      checksum: put.sha256,
      checksumAlgorithm: 'SHA-256',
      ...(put.s3Checksum === undefined ? {} : { s3Checksum: put.s3Checksum }),
      ...(put.etag === undefined ? {} : { etag: put.etag }),
      ...(file.rows === undefined ? {} : { rows: file.rows }),
    });
  }
  return objects;
}

function toManifestFailure({ job, error }: { job: string; error: Error }): ManifestFailure {
  return { job, error: { name: error.name, message: error.message } };
}
