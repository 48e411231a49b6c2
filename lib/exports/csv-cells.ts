// Cells of CSV files this project writes itself (the membership diff; any other CSV we generate) are
// made safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
// return would be read as a formula (OWASP "CSV injection"), and group names come from webhook senders
// and API callers. Such a cell gets a leading `'`, which spreadsheets show as text and do not evaluate.
// Keepnet's own export files are never touched: they are stored byte for byte.

const FORMULA_START = /^[=+\-@\t\r]/;

/** `value`, or `'value` when a spreadsheet would take it for a formula. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Every string cell of a record neutralised (for csv-stringify's input). */
export function neutraliseRecord<T extends Record<string, string>>(record: T): T {
  const safe = {} as Record<string, string>;
  for (const [column, value] of Object.entries(record)) safe[column] = neutraliseCell(value);
  return safe as T;
}
