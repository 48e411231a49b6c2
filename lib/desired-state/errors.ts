// Problems found in a desired-state file (or its --attributes CSV), each pinned to a line and a field,
// so the operator can go straight to it. Messages carry names and paths from the file, never secrets.

/** One problem: where (1-based line and column when known), which field, what rule it broke. */
export interface FileProblem {
  line?: number;
  column?: number;
  /** The field path as the file spells it: `groups[2].members[0]`. */
  field: string;
  message: string;
}

/** How many problems one error lists before "and N more". */
const MAX_LISTED = 20;

/** `groups.yaml:12:7: groups[1].members[0]: no company with id or name "Acme"` */
export function formatProblem(file: string, problem: FileProblem): string {
  const where =
    problem.line === undefined
      ? file
      : `${file}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return `${where}: ${problem.field}: ${problem.message}`;
}

/** A desired-state or attributes file that cannot be used as it stands. Nothing was written. */
export class DesiredStateError extends Error {
  override readonly name = 'DesiredStateError';
  constructor(
    readonly file: string,
    readonly problems: readonly FileProblem[],
  ) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => formatProblem(file, p));
    const more = problems.length > MAX_LISTED ? [`… and ${problems.length - MAX_LISTED} more`] : [];
    super(
      `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${[...listed, ...more].join('\n  ')}`,
    );
  }
}

/** `['groups', 2, 'members', 0]` → `groups[2].members[0]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(file)' : out;
}
