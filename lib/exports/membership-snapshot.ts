import { pipeline, Readable } from 'node:stream';
import * as z from 'zod';
import { KeepnetNotFoundError } from '../keepnet/errors';
import { ByteMeter } from './byte-meter';
import { readJsonLines } from './json-lines';
import { kindPrefix, objectKey } from './keys';
import { latestKeyUnder } from './latest-key';
import type { ManifestObject } from './manifest';
import type { GroupSnapshot, Membership } from './membership-diff';
import { callOptionsOf, type ExportContext } from './run-export-job';
import { uploadRunObject } from './run-object';

/** The snapshot's folder and file-name stem under the export prefix. */
export const SNAPSHOT_KIND = 'membership-snapshot';
/** JSON Lines: one group per line. */
export const SNAPSHOT_CONTENT_TYPE = 'application/x-ndjson';

const GroupSnapshotLine = z.object({
  resourceId: z.string(),
  name: z.string(),
  createTime: z.string().nullable(),
  members: z.array(z.object({ companyResourceId: z.string(), companyName: z.string().nullable() })),
});

/** The snapshot's manifest entry (`rows`: groups, i.e. lines) and the membership it holds. */
export interface SnapshotWritten extends ManifestObject {
  membership: Membership;
}

/**
 * Reads every group and its members and streams them into `<prefix>membership-snapshot/…jsonl`.
 * The membership is also kept in memory (ids and names only) for the diff: O(total memberships).
 */
export async function writeMembershipSnapshot(ctx: ExportContext): Promise<SnapshotWritten> {
  const key = objectKey(ctx.prefix, SNAPSHOT_KIND, ctx.scheduledTime, 'jsonl');
  const opts = callOptionsOf(ctx);
  const membership = new Map<string, GroupSnapshot>();

  async function* lines(): AsyncGenerator<string> {
    const byCreation = { orderBy: 'CreateTime', ascending: true };
    for await (const group of ctx.client.iterateGroups(byCreation, opts)) {
      const members: GroupSnapshot['members'] = [];
      try {
        for await (const company of ctx.client.iterateGroupMembers(group.resourceId, byCreation, opts)) {
          members.push({ companyResourceId: company.companyResourceId, companyName: company.companyName });
        }
      } catch (error) {
        // Deleted between the group list and its members: it is not part of this snapshot.
        if (error instanceof KeepnetNotFoundError) continue;
        throw error;
      }
      const snapshot: GroupSnapshot = {
        resourceId: group.resourceId,
        name: group.name,
        createTime: group.createTime ?? null,
        members,
      };
      membership.set(group.resourceId, snapshot);
      yield `${JSON.stringify(snapshot)}\n`;
    }
  }

  const meter = new ByteMeter();
  // pipeline (not pipe): a Keepnet failure while listing must destroy the meter, failing the upload.
  const body = pipeline(Readable.from(lines()), meter, () => undefined);
  const object = await uploadRunObject(
    ctx,
    {
      kind: 'membership-snapshot',
      job: SNAPSHOT_KIND,
      key,
      ext: 'jsonl',
      contentType: SNAPSHOT_CONTENT_TYPE,
      label: 'membership snapshot',
      rows: () => membership.size,
    },
    body,
    meter,
  );
  return { ...object, membership };
}

/** The latest snapshot key strictly before `currentKey`, or null when none. */
export function findPreviousSnapshotKey(ctx: ExportContext, currentKey: string): Promise<string | null> {
  return latestKeyUnder(ctx.s3, ctx.bucket, kindPrefix(ctx.prefix, SNAPSHOT_KIND), '.jsonl', currentKey);
}

/** Streams a snapshot back, line by line. A malformed line names the key and the line number. */
export async function readMembershipSnapshot(ctx: ExportContext, key: string): Promise<Membership> {
  const membership = new Map<string, GroupSnapshot>();
  for await (const group of readJsonLines(ctx.s3, ctx.bucket, key, GroupSnapshotLine, 'snapshot')) {
    membership.set(group.resourceId, group);
  }
  return membership;
}
