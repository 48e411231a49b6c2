// Where the CLI writes, kept apart from process.* so commands run the same in tests and in a terminal.
// Results go to stdout (a table, or JSON with --json); progress and errors go to stderr, so
// `keepnet-groups groups list --json | jq` always sees clean JSON.

/** Something text is written to (a stream, or a buffer in tests). */
export interface TextSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Where the CLI writes and what it reads from the process, injected so tests run commands in-process. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  /** Relative output paths resolve against this. */
  cwd: string;
}

/** The real process's stdout, stderr, environment and working directory. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** One column of `formatTable`: its header, the cell of a row, and its alignment. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

/** A plain, aligned text table: greppable, no box drawing, one row per line. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => String(column.value(row) ?? '')));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i]!.length)),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header)), ...cells.map(render)].join('\n').concat('\n');
}

/** Prints `rows` as JSON with `--json`, else as a table of `columns` (what every list command does). */
export function writeRows<T>(
  io: CliIo,
  rows: readonly T[],
  columns: readonly Column<T>[],
  json?: boolean,
): void {
  if (json) writeJson(io, rows);
  else io.stdout.write(formatTable(rows, columns));
}

/** Prints `value` as indented JSON on stdout. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A byte count for people: `512 B`, `1.5 KiB`, `20.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
