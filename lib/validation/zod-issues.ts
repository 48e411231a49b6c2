// Turns zod issues into one log-safe line that names each field and the rule it broke,
// e.g. `detail.companyResourceId: Invalid input: expected string, received number`.
// Only paths and zod's messages are used, never the received values (they may hold anything).
import type * as z from 'zod';

/**
 * A zod issue path as a caller reads it: `detail.groupNames[2]`, `body.name`. Segments may also be
 * Standard Schema `{ key }` objects (as Powertools' router reports them). `empty` names a path with no
 * segments and no root.
 */
export function issuePath(path: readonly unknown[], root?: string, empty = '(root)'): string {
  let out = root ?? '';
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null && 'key' in segment ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? empty : out;
}

/** zod reports a bad record key as "Invalid key in record"; the rule it broke is in the nested issues. */
function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues.length > 0) {
    return `${issue.message}: ${issue.issues.map((inner) => inner.message).join(', ')}`;
  }
  return issue.message;
}

export function formatIssues(error: z.core.$ZodError, root?: string, max = 5): string {
  const lines = error.issues
    .slice(0, max)
    .map((issue) => `${issuePath(issue.path, root)}: ${describe(issue)}`);
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return lines.join('; ') + more;
}

/** The first offending field, for callers that report one (e.g. an HTTP 400 body). */
export function firstField(error: z.core.$ZodError, root?: string): string {
  const first = error.issues[0];
  return first ? issuePath(first.path, root) : (root ?? '(root)');
}
