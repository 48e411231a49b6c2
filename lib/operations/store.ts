// Where operations, repair records and the write journal live: JSON objects under one S3 prefix, in
// the bucket that already holds the poller's state (OPERATIONS_BUCKET, OPERATIONS_PREFIX).
//
//   <prefix>records/<operationId>.json        the operation's record (pending → succeeded | failed)
//   <prefix>repair/<groupId>.json             members a failed batch must restore (lib/membership)
//   <prefix>journal/date=<day>/<stamp>-<group>-<n>.json   one entry per verified write

import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { mapConcurrently } from '../concurrency';
import type { ResourceId } from '../keepnet/types';
import type { AppliedWrite, RepairLog } from '../membership/apply';
import { isNoSuchKey, keyExists } from '../storage/key-exists';
import { formatIssues } from '../validation/zod-issues';
import { type OperationRecord, OperationRecordSchema } from './operation';

/** The S3 bucket and prefix the store keeps everything under. */
export interface OperationStoreLocation {
  bucket: string;
  /** Ends with `/`, or is empty. */
  prefix: string;
}

/** One verified write, as the journal keeps it. */
export const JournalEntrySchema = z.object({
  at: z.iso.datetime(),
  groupId: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  restored: z.array(z.string()),
  renamedTo: z.string().optional(),
  /** The operations (or onboarding event ids) this write carried out. */
  operationIds: z.array(z.string()),
});
/** One verified write (see `JournalEntrySchema`). */
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

const RepairRecordSchema = z.object({
  groupId: z.string(),
  members: z.array(z.string()),
  savedAt: z.iso.datetime(),
});

/** Reads of one object before its failure is reported. */
const READ_ATTEMPTS = 3;
/** Journal objects read at once. */
const JOURNAL_READ_LANES = 16;
/** A diff spanning more days than this (a snapshot missing for a month) reads only the first ones. */
const MAX_JOURNAL_DAYS = 45;

/** An object of the store that is not JSON (after the read retries) or does not match its schema. */
export class OperationStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationStoreError';
  }
}

/**
 * Records, repair log and journal over one S3 prefix.
 *
 * Why S3 and not DynamoDB: every function that needs it already talks to S3, the records are small,
 * written a few times and read by id (S3 is strongly consistent for that), the journal is read as a
 * day's listing by the nightly diff (a prefix listing, no index needed), and expiry is a lifecycle rule
 * on the prefix. Locally it runs on the same s3rver as everything else. What DynamoDB would add
 * (conditional writes on a record, TTL per item) the single writer per group does not need.
 */
export class OperationStore {
  constructor(
    private readonly s3: S3Client,
    readonly location: OperationStoreLocation,
  ) {}

  /** The record of an operation, or undefined when there is none (never asked for, or expired). */
  async get(operationId: string): Promise<OperationRecord | undefined> {
    const json = await this.getJson(this.recordKey(operationId));
    if (json === undefined) return undefined;
    const parsed = OperationRecordSchema.safeParse(json);
    if (!parsed.success) {
      throw new OperationStoreError(
        `Operation record ${operationId} is unreadable: ${formatIssues(parsed.error)}`,
      );
    }
    return parsed.data;
  }

  async put(record: OperationRecord): Promise<void> {
    await this.putJson(this.recordKey(record.operationId), record);
  }

  /** The repair log lib/membership keeps a batch's members in, from before its first write until verified. */
  readonly repairLog: RepairLog = {
    load: async (groupId: ResourceId) => {
      const json = await this.getJson(this.repairKey(groupId));
      if (json === undefined) return undefined;
      const parsed = RepairRecordSchema.safeParse(json);
      // An unreadable record cannot say who to restore: fail loudly rather than forget them.
      if (!parsed.success) throw new OperationStoreError(`Repair record of group ${groupId} is unreadable`);
      return parsed.data.members.length > 0 ? parsed.data.members : undefined;
    },
    save: async (groupId, members) => {
      await this.putJson(this.repairKey(groupId), {
        groupId,
        members: [...members],
        savedAt: new Date().toISOString(),
      });
    },
    // Cleared by overwriting with no members, never by deleting: the record of a group is one small
    // object for good, and the worker needs no s3:DeleteObject.
    clear: async (groupId) => {
      await this.putJson(this.repairKey(groupId), {
        groupId,
        members: [],
        savedAt: new Date().toISOString(),
      });
    },
  };

  /** Journals one verified write. */
  async journal(write: AppliedWrite, operationIds: readonly string[], at = new Date()): Promise<string> {
    const entry: JournalEntry = {
      at: at.toISOString(),
      groupId: write.groupId,
      added: write.added,
      removed: write.removed,
      restored: write.restored,
      ...(write.renamedTo === undefined ? {} : { renamedTo: write.renamedTo }),
      operationIds: [...operationIds],
    };
    const stamp = entry.at.replace(/[-:.]/g, '');
    const key = `${this.journalPrefix(at.toISOString().slice(0, 10))}${stamp}-${write.groupId}-${randomUUID().slice(0, 8)}.json`;
    await this.putJson(key, entry);
    return key;
  }

  /** Every journal entry of one UTC day (`YYYY-MM-DD`), oldest first. */
  async journalOf(day: string): Promise<JournalEntry[]> {
    return this.readJournal(await this.journalKeys(day));
  }

  /** Every journal entry of the UTC days from `from` to `to` (inclusive, at most MAX_JOURNAL_DAYS days). */
  async journalBetween(from: Date, to: Date): Promise<JournalEntry[]> {
    const days: string[] = [];
    const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    for (let t = start; t <= to.getTime() && days.length < MAX_JOURNAL_DAYS; t += 86_400_000)
      days.push(new Date(t).toISOString().slice(0, 10));
    // Every day's keys first, then one set of read lanes over all of them: the lanes bound the reads of
    // the whole range, not of each day.
    return this.readJournal((await Promise.all(days.map((day) => this.journalKeys(day)))).flat());
  }

  /** The journal's keys of one UTC day. */
  private async journalKeys(day: string): Promise<string[]> {
    const prefix = this.journalPrefix(day);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** The entries at `keys`, oldest first (keys sort by date, then time), read in parallel lanes. */
  private async readJournal(keys: string[]): Promise<JournalEntry[]> {
    const entries = await mapConcurrently(keys.sort(), JOURNAL_READ_LANES, async (key) => {
      const parsed = JournalEntrySchema.safeParse(await this.readJson(key));
      return parsed.success ? parsed.data : undefined;
    });
    return entries.filter((entry): entry is JournalEntry => entry !== undefined);
  }

  private recordKey(operationId: string) {
    return `${this.location.prefix}records/${operationId}.json`;
  }
  private repairKey(groupId: string) {
    return `${this.location.prefix}repair/${groupId}.json`;
  }
  private journalPrefix(day: string) {
    return `${this.location.prefix}journal/date=${day}/`;
  }

  /** The object at `key`, or undefined when there is none (told by listing it: lib/storage/key-exists). */
  private async getJson(key: string): Promise<unknown> {
    if (!(await keyExists(this.s3, this.location.bucket, key))) return undefined;
    return this.readJson(key);
  }

  /** The object at a key known to exist (listed). */
  private async readJson(key: string): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      let text: string;
      try {
        const reply = await this.s3.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
        text = await reply.Body!.transformToString('utf8');
      } catch (error) {
        if (isNoSuchKey(error)) return undefined;
        // The SDK retries a failed request, not a body cut off while it streams (a reset connection, or
        // the local S3 rewriting the object in place): read it again a couple of times.
        if (attempt >= READ_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      try {
        return JSON.parse(text);
      } catch {
        // A record is rewritten whole (PutObject); a half one is a read racing that write locally.
        if (attempt >= READ_ATTEMPTS)
          throw new OperationStoreError(`s3://${this.location.bucket}/${key} is not JSON`);
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  private async putJson(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }
}
