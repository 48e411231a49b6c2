// How many records an export should hold, and the rule for comparing that with what was streamed.
// The expected count comes from the same search the export runs (same filter), one row per page:
// `totalNumberOfRecords`. Keepnet's data can change while a large export streams (a company joins or
// leaves a group), so when the streamed count differs, the search is asked again: a count between the
// one before and the one after is accepted (and logged); anything else is an error. A body that just
// stops never passes: with no change in Keepnet, before and after are equal and the count must match.

import type { CallOptions, KeepnetApi } from '../keepnet/types';
import { logger } from '../observability/powertools';
import { ExportContentError } from './errors';
import type { ExportTarget } from './export-target';

/** `totalNumberOfRecords` of a one-row page of the export's search; null when Keepnet does not say. */
export async function countExportRecords(
  client: KeepnetApi,
  target: ExportTarget,
  opts: CallOptions,
): Promise<number | null> {
  const search = { ...target.search, pageNumber: 1, pageSize: 1 };
  const page =
    target.groupId === null
      ? await client.searchGroups(search, opts)
      : await client.searchGroupMembers(target.groupId, search, opts);
  // A page with rows but a zero total did not report its total (the reader defaults it to 0).
  if (page.totalNumberOfRecords === 0 && page.results.length > 0) return null;
  return page.totalNumberOfRecords;
}

/**
 * Throws ExportContentError ("expected N, got M") unless `got` equals `before`, or lies between
 * `before` and the count `recount` gives now. `before` null: Keepnet reports no count; nothing to
 * compare (the structural checks still ran).
 */
export async function verifyRecordCount(check: {
  label: string;
  before: number | null;
  got: number;
  recount: () => Promise<number | null>;
}): Promise<void> {
  const { label, before, got } = check;
  if (before === null) {
    logger.warn('export not count-checked: Keepnet reported no totalNumberOfRecords', { export: label, got });
    return;
  }
  if (got === before) return;
  const after = await check.recount();
  if (
    after !== null &&
    after !== before &&
    got >= Math.min(before, after) &&
    got <= Math.max(before, after)
  ) {
    logger.warn('export record count moved during the export; accepted within the counts before and after', {
      export: label,
      before,
      after,
      got,
    });
    return;
  }
  const moved = after !== null && after !== before ? ` (${after} after the export)` : '';
  throw new ExportContentError(
    `${label}: expected ${before} records${moved}, got ${got}; the body is incomplete (or holds extra records), upload aborted`,
  );
}
