// Where each object of a run lands. Every key derives from the run's scheduled time (never from "now"),
// so re-running the same scheduled time writes the same keys: it overwrites, it never duplicates.
// Keys of one kind sort chronologically (fixed-width date and timestamp), which is how the previous
// membership snapshot is found (see membership-snapshot.ts).

export type FileExtension = 'csv' | 'xlsx' | 'json' | 'jsonl';

/** `20261128T020000Z`: ISO 8601 basic format, UTC, second precision. */
export function utcTimestamp(time: Date): string {
  return time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `2026-11-28` (UTC). */
export function utcDate(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** `${prefix}<what>/date=YYYY-MM-DD/<what>-<UTC timestamp>.<ext>` */
export function objectKey(prefix: string, what: string, scheduledTime: Date, ext: FileExtension): string {
  return `${prefix}${what}/date=${utcDate(scheduledTime)}/${fileName(what, scheduledTime, ext)}`;
}

export function fileName(what: string, scheduledTime: Date, ext: FileExtension): string {
  return `${what}-${utcTimestamp(scheduledTime)}.${ext}`;
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
