// The user's own company attributes (their CRM export) for rules: a CSV whose first column names the
// company (resource id or exact name) and whose other columns are attributes, read by rules as
// `csv.<column>`. Parsed with csv-parse; rows keep their line numbers for error messages.
import { CsvError, parse } from 'csv-parse/sync';
import { DesiredStateError } from './errors';

/** Largest attributes CSV read (bytes): a file is hostile input like any other. */
export const MAX_ATTRIBUTES_BYTES = 20 * 1024 * 1024;
const MAX_COLUMNS = 100;

/** One data row: the company reference as written, and its attribute values by column. */
export interface AttributeRow {
  line: number;
  companyRef: string;
  values: Readonly<Record<string, string>>;
}

/** A parsed attributes CSV: its columns and rows, with the file name for messages. */
export interface AttributeTable {
  file: string;
  /** Attribute columns (the first, naming the company, excluded). */
  columns: readonly string[];
  rows: readonly AttributeRow[];
}

interface Parsed {
  record: string[];
  info: { lines: number };
}

/** Parses the attributes CSV. Throws DesiredStateError naming the line and column at fault. */
export function parseAttributes(text: string, file: string): AttributeTable {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_ATTRIBUTES_BYTES) {
    throw new DesiredStateError(file, [
      { field: '(file)', message: `is ${bytes} bytes; the limit is ${MAX_ATTRIBUTES_BYTES}` },
    ]);
  }
  let records: Parsed[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: 64 * 1024,
    }) as unknown as Parsed[];
  } catch (error) {
    const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined;
    throw new DesiredStateError(file, [
      { ...(line ? { line } : {}), field: '(csv)', message: (error as Error).message },
    ]);
  }
  const [header, ...data] = records;
  if (!header || header.record.length < 2) {
    throw new DesiredStateError(file, [
      {
        line: 1,
        field: '(header)',
        message:
          'needs a header: the company column (companyResourceId or companyName), then attribute columns',
      },
    ]);
  }
  const columns = header.record.slice(1);
  const problems = [];
  if (columns.length > MAX_COLUMNS)
    problems.push({ line: 1, field: '(header)', message: `has more than ${MAX_COLUMNS} attribute columns` });
  const seenColumns = new Set<string>();
  for (const column of columns) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_ .-]{0,63}$/.test(column))
      problems.push({
        line: 1,
        field: `column "${column}"`,
        message: 'attribute columns are 1..64 letters, digits, " ", "_", "." or "-"',
      });
    if (seenColumns.has(column.toLowerCase()))
      problems.push({ line: 1, field: `column "${column}"`, message: 'appears twice' });
    seenColumns.add(column.toLowerCase());
  }
  if (problems.length > 0) throw new DesiredStateError(file, problems);
  const rows = data.map(({ record, info }): AttributeRow => {
    const values: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = record[i + 1];
      if (value !== undefined && value !== '') values[column] = value;
    });
    return { line: info.lines, companyRef: record[0] ?? '', values };
  });
  return { file, columns, rows };
}
