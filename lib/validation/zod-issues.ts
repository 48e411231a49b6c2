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
    else out += out === '' ? clip(String(key), MAX_KEY_CHARS) : `.${clip(String(key), MAX_KEY_CHARS)}`;
    if (out.length > MAX_PATH_CHARS) return clip(out, MAX_PATH_CHARS);
  }
  return out === '' ? empty : out;
}

/**
 * Longest reported key (characters). Paths and messages are bounded too: keys come from the input (a
 * record's keys), and a 160 KB key must not become a 160 KB message (then a log line every pattern has to scan).
 */
export const MAX_KEY_CHARS = 64;
/** Longest reported path (characters). */
export const MAX_PATH_CHARS = 256;
/** Longest reported issue message (characters). */
export const MAX_MESSAGE_CHARS = 300;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** An issue's message cut to MAX_MESSAGE_CHARS (zod quotes unknown keys, which come from the input). */
export function clipMessage(message: string): string {
  return clip(message, MAX_MESSAGE_CHARS);
}

/**
 * zod reports a bad record key as "Invalid key in record"; the rule it broke is in the nested issues.
 * Cut to MAX_MESSAGE_CHARS: some messages quote the input ("Unrecognized key: <the key>").
 */
function describe(issue: z.core.$ZodIssue): string {
  const text =
    issue.code === 'invalid_key' && issue.issues.length > 0
      ? `${issue.message}: ${issue.issues.map((inner) => inner.message).join(', ')}`
      : issue.message;
  return clipMessage(text);
}

/**
 * The first `max` issues as one log-safe line, `path: message; path: message (and N more)`, paths under
 * `root` (e.g. `detail`). Never includes a received value.
 */
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
