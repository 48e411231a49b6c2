// One vocabulary for export formats: Keepnet's `CSV | Excel` is the canonical form every answer uses;
// callers may write either in any case (and `xlsx`, the file's extension), on the CLI and the HTTP API.
import type { ExportType } from '../keepnet/types';

/** The spellings accepted, case-insensitively. Anchored, no repetition: safe on any (capped) input. */
export const EXPORT_FORMAT_PATTERN = /^(csv|excel|xlsx)$/i;

/** What a refusal says about the accepted spellings. */
export const EXPORT_FORMAT_RULE = 'must be CSV or Excel (any case; xlsx also means Excel)';

/** The canonical `CSV | Excel` for an accepted spelling; undefined for anything else. */
export function canonicalExportFormat(value: string): ExportType | undefined {
  if (!EXPORT_FORMAT_PATTERN.test(value)) return undefined;
  return value.toLowerCase() === 'csv' ? 'CSV' : 'Excel';
}
