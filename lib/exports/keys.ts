// Where each object of a run lands. Every key derives from the run's scheduled time (never from "now"),
// so re-running the same scheduled time writes the same keys: it overwrites, it never duplicates.
// Keys of one kind sort chronologically (fixed-width date and timestamp), which is how the previous
// membership snapshot is found (see membership-snapshot.ts).

import type { ExportFormat } from './job';

/** The Content-Type each export format is stored with (the nightly report is an Excel file too). */
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  Excel: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Extensions of the files a run writes. */
export type FileExtension = 'csv' | 'xlsx' | 'json' | 'jsonl';

/** `20261128T020000Z`: ISO 8601 basic format, UTC, second precision. */
export function utcTimestamp(time: Date): string {
  return time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * `20261128T020005.123Z`, optionally `-<requestId>`: the stamp of an on-demand export (runExportJob).
 * Its time is "now", not a schedule slot, so second precision let two requests in the same second
 * overwrite each other's file; milliseconds (and a request id, when the caller has one) keep them apart.
 * Still sorts chronologically among on-demand keys of one kind (fixed width up to the suffix).
 */
export function onDemandStamp(time: Date, requestId?: string): string {
  const stamp = time.toISOString().replace(/[-:]/g, '');
  if (requestId === undefined) return stamp;
  if (!/^[A-Za-z0-9-]{1,64}$/.test(requestId)) {
    throw new Error(`requestId: must be 1-64 letters, digits or '-' (it becomes part of the object key)`);
  }
  return `${stamp}-${requestId}`;
}

/** `2026-11-28` (UTC). */
export function utcDate(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** `${prefix}<what>/date=YYYY-MM-DD/<what>-<stamp>.<ext>`; the stamp is the UTC timestamp unless given. */
export function objectKey(
  prefix: string,
  what: string,
  scheduledTime: Date,
  ext: FileExtension,
  stamp: string = utcTimestamp(scheduledTime),
): string {
  return `${prefix}${what}/date=${utcDate(scheduledTime)}/${fileName(what, scheduledTime, ext, stamp)}`;
}

/** `<what>-<stamp>.<ext>`, the stamp defaulting to the scheduled time's. */
export function fileName(
  what: string,
  scheduledTime: Date,
  ext: FileExtension,
  stamp: string = utcTimestamp(scheduledTime),
): string {
  return `${what}-${stamp}.${ext}`;
}

/** The folder under which every object of kind `what` lives (for listing). */
export function kindPrefix(prefix: string, what: string): string {
  return `${prefix}${what}/date=`;
}

/** An empty prefix, or one ending in exactly one `/`. */
export function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? 'exports/').replace(/^\/+/, '');
  if (trimmed === '') return '';
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
