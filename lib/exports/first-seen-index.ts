import { pipeline, Readable } from 'node:stream';
import * as z from 'zod';
import { ByteMeter } from './byte-meter';
import { readJsonLines } from './json-lines';
import { kindPrefix, objectKey } from './keys';
import { latestKeyUnder } from './latest-key';
import type { ManifestObject } from './manifest';
import type { Membership } from './membership-diff';
import { SNAPSHOT_CONTENT_TYPE } from './membership-snapshot';
import type { ExportContext } from './run-export-job';
import { uploadRunObject } from './run-object';

/** The index's folder and file-name stem under the export prefix. */
export const FIRST_SEEN_KIND = 'membership-first-seen';

const IndexLine = z.object({
  groupResourceId: z.string(),
  since: z.record(z.string(), z.string()),
});

/** Group id → company id → first seen (ISO). */
export type FirstSeenIndex = Map<string, Map<string, string>>;

/**
 * Tonight's first-seen times for every membership of `current`, from the previous index (if any) and
 * the previous snapshot (if any). Times are shared strings: one per distinct night, not per membership.
 */
export function carryFirstSeen(
  current: Membership,
  scheduledTime: Date,
  previousIndex: FirstSeenIndex | null,
  previous: { time: Date; membership: Membership } | null,
): FirstSeenIndex {
  const tonight = scheduledTime.toISOString();
  const lastNight = previous?.time.toISOString();
  const index: FirstSeenIndex = new Map();
  for (const group of current.values()) {
    const known = previousIndex?.get(group.resourceId);
    const before = previous?.membership.get(group.resourceId);
    const wasMember = new Set(before?.members.map((m) => m.companyResourceId));
    const since = new Map<string, string>();
    for (const { companyResourceId: id } of group.members) {
      const carried = known?.get(id) ?? (wasMember.has(id) ? lastNight : undefined);
      since.set(id, carried ?? tonight);
    }
    index.set(group.resourceId, since);
  }
  return index;
}

/** The latest index strictly before tonight's key, or null (first night, or the index is new). */
export async function readPreviousFirstSeen(ctx: ExportContext): Promise<FirstSeenIndex | null> {
  const key = firstSeenKey(ctx);
  const folder = kindPrefix(ctx.prefix, FIRST_SEEN_KIND);
  const previousKey = await latestKeyUnder(ctx.s3, ctx.bucket, folder, '.jsonl', key);
  if (previousKey === null) return null;
  const index: FirstSeenIndex = new Map();
  const times = new Map<string, string>();
  for await (const parsed of readJsonLines(ctx.s3, ctx.bucket, previousKey, IndexLine, 'first-seen index')) {
    const since = new Map<string, string>();
    for (const [company, time] of Object.entries(parsed.since)) {
      // Interned: a few distinct nights for millions of memberships.
      const shared = times.get(time) ?? time;
      times.set(time, shared);
      since.set(company, shared);
    }
    index.set(parsed.groupResourceId, since);
  }
  return index;
}

/** Streams tonight's index to S3 (all or nothing) and describes it for the manifest. */
export async function writeFirstSeen(ctx: ExportContext, index: FirstSeenIndex): Promise<ManifestObject> {
  const key = firstSeenKey(ctx);
  function* lines(): Generator<string> {
    for (const [groupResourceId, since] of index) {
      yield `${JSON.stringify({ groupResourceId, since: Object.fromEntries(since) })}\n`;
    }
  }
  const meter = new ByteMeter();
  const body = pipeline(Readable.from(lines()), meter, () => undefined);
  return uploadRunObject(
    ctx,
    {
      kind: 'membership-first-seen',
      job: FIRST_SEEN_KIND,
      key,
      ext: 'jsonl',
      contentType: SNAPSHOT_CONTENT_TYPE,
      label: 'first-seen index',
      rows: index.size,
    },
    body,
    meter,
  );
}

function firstSeenKey(ctx: Pick<ExportContext, 'prefix' | 'scheduledTime'>): string {
  return objectKey(ctx.prefix, FIRST_SEEN_KIND, ctx.scheduledTime, 'jsonl');
}
