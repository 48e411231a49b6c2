// When each company was first seen in each group, carried forward from night to night in a small index
// object (`membership-first-seen/date=…/membership-first-seen-<stamp>.jsonl`, one group per line:
// `{"groupResourceId": …, "since": {companyResourceId: ISO time}}`). Tonight's value for a membership:
// the previous index's, else the previous snapshot's time when it was already a member then (the night
// before the index existed), else tonight. A company that leaves and rejoins starts again: "since" is the
// start of its current stay. A re-run of the same scheduled time reads the same previous index (the
// latest strictly before its own key), so it writes the same values.
import { createInterface } from 'node:readline';
import { pipeline, Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { ByteMeter } from './byte-meter';
import { objectKey } from './keys';
import type { ManifestObject } from './manifest';
import type { Membership } from './membership-diff';
import { findPreviousSnapshotKey } from './membership-snapshot';
import type { ExportContext } from './run-export-job';
import { uploadRunObject } from './run-object';

/** The index's folder and file-name stem under the export prefix. */
export const FIRST_SEEN_KIND = 'membership-first-seen';
const CONTENT_TYPE = 'application/x-ndjson';

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
  const previousKey = await findPreviousSnapshotKey(ctx, key, FIRST_SEEN_KIND);
  if (previousKey === null) return null;
  const output = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: previousKey }));
  if (!(output.Body instanceof Readable))
    throw new Error(`first-seen index s3://${ctx.bucket}/${previousKey}: no body`);
  const index: FirstSeenIndex = new Map();
  const times = new Map<string, string>();
  let lineNumber = 0;
  for await (const line of createInterface({ input: output.Body, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++;
    if (line.trim() === '') continue;
    let parsed: z.infer<typeof IndexLine>;
    try {
      parsed = IndexLine.parse(JSON.parse(line));
    } catch (error) {
      throw new Error(
        `first-seen index s3://${ctx.bucket}/${previousKey} line ${lineNumber}: ${(error as Error).message}`,
      );
    }
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
      contentType: CONTENT_TYPE,
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
