// company-poller: Keepnet has no webhooks or event feed, so new companies are found by searching
// companies newest first down to a watermark, and announced as CompanyCreated events on EventBridge.
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { ResourceIdSchema } from '../../keepnet/identifiers';
import type { CompanySummary, KeepnetApi } from '../../keepnet/types';
import { logger } from '../../observability/powertools';
import { COMPANY_CREATED_DETAIL_TYPE, type CompanyCreatedDetail } from '../company-created';
import { putEventsWithRetry } from './emit';
import { readWatermark, type Watermark, type WatermarkLocation, writeWatermark } from './watermark';

/** Where the watermark is kept, where events go, and how the walk pages. */
export interface PollerConfig {
  state: WatermarkLocation;
  eventBusName: string;
  source: string;
  /** ISO time the first run starts from; default: the newest existing company. */
  startTime?: string;
  pageSize: number;
}

/** Clients for one run; `deadline` (epoch ms) bounds the Keepnet calls. */
export interface PollerDeps {
  keepnet: KeepnetApi;
  s3: S3Client;
  eventBridge: EventBridgeClient;
  deadline?: number;
}

/** What one run did: the handler logs it and turns `found` into a metric. */
export interface PollSummary {
  firstRun: boolean;
  /** Companies announced this run. */
  emitted: number;
  emittedIds: string[];
  /** Companies found newer than the watermark (emitted + refused). */
  found: number;
  watermark: string;
  putEventsCalls: number;
}

/** EventBridge refused some events after retries: the watermark advanced over the accepted prefix only. */
export class PollerEmitError extends Error {
  constructor(
    message: string,
    readonly summary: PollSummary,
  ) {
    super(message);
    this.name = 'PollerEmitError';
  }
}

/** Keepnet times may come without a zone; they are UTC. */
export function parseCreateTime(value: string): number {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new Error(`Unreadable createTime "${value}"`);
  return ms;
}

/**
 * A row's time, or null when it has none (the spec lets createTime be null) or an unreadable one: such
 * a row cannot be placed against the watermark. Logged; see the rule in announceOnceWithoutTime.
 */
function rowTime(company: CompanySummary): number | null {
  if (company.createTime === null) {
    logger.warn('company without createTime: announced once by id, never re-announced', {
      companyResourceId: company.companyResourceId,
    });
    return null;
  }
  try {
    return parseCreateTime(company.createTime);
  } catch {
    logger.warn('company with an unreadable createTime: handled like one without a time', {
      companyResourceId: company.companyResourceId,
      createTime: company.createTime.slice(0, 64),
    });
    return null;
  }
}

/** The most ids without a time the watermark keeps (newest kept); ~200 KB of JSON at most. */
export const MAX_IDS_WITHOUT_TIME = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();

interface Found {
  company: CompanySummary;
  /** null: Keepnet gave no (readable) createTime. */
  time: number | null;
}

/** Re-walks allowed when a walk spanned several pages (see findNewCompanies). */
const MAX_WALKS = 4;

/**
 * Companies created after the watermark (or at it, when not yet emitted), newest first.
 *
 * Paging newest first, an insert pushes rows down a page (seen again, de-duplicated), but a DELETE of
 * a row on an earlier page pulls every later row UP one: the row that moves from the top of page n+1
 * to the bottom of page n is never read. Were it newer than the watermark, it would be passed over for
 * good (the watermark moves beyond it). So a walk that needed more than one page is repeated until
 * one finds nothing new; a single page is one consistent reply and needs no second look.
 */
async function findNewCompanies(deps: PollerDeps, config: PollerConfig, from: Watermark): Promise<Found[]> {
  const found = new Map<string, Found>();
  for (let walk = 1; walk <= MAX_WALKS; walk++) {
    const { added, rowsRead } = await walkDownToWatermark(deps, config, from, found);
    // Companies still being created (a bulk import) add rows to every walk: stop after MAX_WALKS
    // rather than never finishing; what was found is announced all the same.
    if (rowsRead <= config.pageSize || (walk > 1 && added === 0)) break;
  }
  return [...found.values()];
}

async function walkDownToWatermark(
  deps: PollerDeps,
  config: PollerConfig,
  from: Watermark,
  found: Map<string, Found>,
): Promise<{ added: number; rowsRead: number }> {
  const watermark = parseCreateTime(from.watermark);
  const skip = new Set(from.idsAtWatermark);
  const knownWithoutTime = new Set(from.idsWithoutTime ?? []);
  let added = 0;
  let rowsRead = 0;
  const companies = deps.keepnet.iterateCompanies(
    { orderBy: 'CreateTime', ascending: false, pageSize: config.pageSize },
    deps.deadline ? { deadline: deps.deadline } : {},
  );
  for await (const company of companies) {
    rowsRead++;
    const time = rowTime(company);
    if (time === null) {
      // No time: it neither stops the walk nor moves the watermark; announced once (by id).
      if (!knownWithoutTime.has(company.companyResourceId) && !found.has(company.companyResourceId)) {
        found.set(company.companyResourceId, { company, time: null });
        added++;
      }
      continue;
    }
    if (time < watermark) {
      // A nested child (read before its parent) may be older than the watermark while its parent's
      // row, read next, decides whether the walk stops.
      if (company.parentCompanyResourceId !== undefined) continue;
      break;
    }
    if (found.has(company.companyResourceId)) continue;
    if (time === watermark && skip.has(company.companyResourceId)) continue;
    found.set(company.companyResourceId, { company, time });
    added++;
  }
  return { added, rowsRead };
}

/** The watermark where the newest company stands now (first run). */
async function startingPoint(deps: PollerDeps, config: PollerConfig): Promise<Watermark> {
  const now = iso(Date.now());
  if (config.startTime)
    return { version: 1, watermark: config.startTime, idsAtWatermark: [], updatedAt: now };
  const page = await deps.keepnet.searchCompanies(
    { orderBy: 'CreateTime', ascending: false, pageSize: config.pageSize },
    deps.deadline ? { deadline: deps.deadline } : {},
  );
  const timed = page.results.map((c) => ({ id: c.companyResourceId, time: rowTime(c) }));
  // Companies without a time that exist now are not new: deploying the poller re-onboards nobody.
  const idsWithoutTime = timed.filter((c) => c.time === null).map((c) => c.id);
  const newest = timed.find((c) => c.time !== null)?.time ?? null;
  // No company with a time at all: everything that appears later is new.
  if (newest === null)
    return { version: 1, watermark: iso(0), idsAtWatermark: [], idsWithoutTime, updatedAt: now };
  const atNewest = timed.filter((c) => c.time === newest).map((c) => c.id);
  return { version: 1, watermark: iso(newest), idsAtWatermark: atNewest, idsWithoutTime, updatedAt: now };
}

/** The CompanyCreated detail announced for a company (industry and license type as attributes). */
export function toCompanyCreatedDetail(company: CompanySummary): CompanyCreatedDetail {
  const attributes: Record<string, string> = {};
  // Cut to the detail schema's bounds: one over-long value must not make the whole event invalid.
  if (company.industryName) attributes.industry = company.industryName.slice(0, 256);
  if (company.licenseTypeName) attributes.licenseType = company.licenseTypeName.slice(0, 256);
  return {
    companyResourceId: company.companyResourceId,
    ...(company.companyName ? { companyName: company.companyName.slice(0, 256) } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/** The watermark after emitting `accepted` (oldest first, those without a time last) on top of `from`. */
function advance(from: Watermark, accepted: Found[]): Watermark {
  if (accepted.length === 0) return from;
  const withoutTime = accepted.filter((f) => f.time === null).map((f) => f.company.companyResourceId);
  const next: Watermark = { ...from, updatedAt: iso(Date.now()) };
  if (withoutTime.length > 0) {
    next.idsWithoutTime = [...(from.idsWithoutTime ?? []), ...withoutTime].slice(-MAX_IDS_WITHOUT_TIME);
  }
  const timed = accepted.filter((f): f is Found & { time: number } => f.time !== null);
  const last = timed.at(-1);
  if (!last) return next;
  const previous = parseCreateTime(from.watermark);
  const atLast = timed.filter((f) => f.time === last.time).map((f) => f.company.companyResourceId);
  const ids = last.time === previous ? [...new Set([...from.idsAtWatermark, ...atLast])] : atLast;
  return { ...next, watermark: iso(last.time), idsAtWatermark: ids };
}

/**
 * One poller run: finds the companies created since the watermark and announces them as
 * CompanyCreated events, oldest first, then advances the watermark over what EventBridge accepted.
 *
 * - First run (no watermark yet, no `startTime`): emits nothing and starts from the newest existing
 *   company (Keepnet's own clock, so no skew between our "now" and its createTimes).
 * - Equal createTimes: the ids already emitted at the watermark time are kept and skipped next time.
 * - Paging newest-first while companies are created shifts items down a page (seen ids are
 *   de-duplicated); a company deleted meanwhile shifts them up, which can hide one: a walk over several
 *   pages is repeated until it finds nothing new.
 * Throws `PollerEmitError` when events are refused (the rest is retried next schedule), `WatermarkError`
 * when the stored watermark is unreadable.
 */
export async function pollCompanies(deps: PollerDeps, config: PollerConfig): Promise<PollSummary> {
  const stored = await readWatermark(deps.s3, config.state);
  if (!stored && !config.startTime) {
    const start = await startingPoint(deps, config);
    await writeWatermark(deps.s3, config.state, start, undefined);
    return {
      firstRun: true,
      emitted: 0,
      emittedIds: [],
      found: 0,
      watermark: start.watermark,
      putEventsCalls: 0,
    };
  }
  const from = stored?.state ?? (await startingPoint(deps, config));

  const found = (await findNewCompanies(deps, config, from))
    // Ids Keepnet would never accept back are not announced (they would only fill the DLQ).
    .filter((f) => ResourceIdSchema.safeParse(f.company.companyResourceId).success)
    .sort(
      (a, b) =>
        (a.time ?? Number.POSITIVE_INFINITY) - (b.time ?? Number.POSITIVE_INFINITY) ||
        (a.company.companyResourceId < b.company.companyResourceId ? -1 : 1),
    );

  const entries: PutEventsRequestEntry[] = found.map((f) => ({
    EventBusName: config.eventBusName,
    Source: config.source,
    DetailType: COMPANY_CREATED_DETAIL_TYPE,
    Detail: JSON.stringify(toCompanyCreatedDetail(f.company)),
    ...(f.time === null ? {} : { Time: new Date(f.time) }),
  }));
  const result = entries.length > 0 ? await putEventsWithRetry(deps.eventBridge, entries) : undefined;
  const firstRefused = result ? result.accepted.indexOf(false) : -1;
  const acceptedPrefix = firstRefused === -1 ? found : found.slice(0, firstRefused);

  const next = advance(from, acceptedPrefix);
  if (next !== from || !stored) await writeWatermark(deps.s3, config.state, next, stored?.etag);

  const summary: PollSummary = {
    firstRun: !stored,
    emitted: acceptedPrefix.length,
    emittedIds: acceptedPrefix.map((f) => f.company.companyResourceId),
    found: found.length,
    watermark: next.watermark,
    putEventsCalls: result?.calls ?? 0,
  };
  if (firstRefused !== -1) {
    const codes = [...(result?.errors.values() ?? [])];
    throw new PollerEmitError(
      `EventBridge refused ${found.length - acceptedPrefix.length} of ${found.length} CompanyCreated events ` +
        `(${[...new Set(codes)].join(', ')}); watermark advanced over the ${acceptedPrefix.length} accepted`,
      summary,
    );
  }
  return summary;
}
