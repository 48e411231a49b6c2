// One vocabulary for export formats: Keepnet's `CSV | Excel` is the canonical form every answer uses;
// callers may write either in any case (and `xlsx`, the file's extension), on the CLI and the HTTP API.
import type { ExportType } from '../keepnet/types';

/** `csv` → `[cC][sS][vV]`: case-insensitive without the `i` flag, which JSON Schema's `pattern` cannot carry. */
const anyCase = (word: string) => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');

/**
 * The spellings accepted (csv, excel, xlsx), in any case. Anchored, no repetition: safe on any (capped)
 * input; flag-free, so the OpenAPI document states the same rule the router applies.
 */
export const EXPORT_FORMAT_PATTERN = new RegExp(`^(${['csv', 'excel', 'xlsx'].map(anyCase).join('|')})$`);

/** What a refusal says about the accepted spellings. */
export const EXPORT_FORMAT_RULE = 'must be CSV or Excel (any case; xlsx also means Excel)';

/** The canonical `CSV | Excel` for an accepted spelling; undefined for anything else. */
export function canonicalExportFormat(value: string): ExportType | undefined {
  if (!EXPORT_FORMAT_PATTERN.test(value)) return undefined;
  return value.toLowerCase() === 'csv' ? 'CSV' : 'Excel';
}
