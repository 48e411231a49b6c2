// Reading a desired-state file: YAML or JSON (JSON is read by the same YAML 1.2 parser, so both get
// line numbers), then the zod schema. Every problem names its line and field path: the parser keeps
// the document's nodes and a LineCounter, and a zod issue's path is walked back to the node it names.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type * as z from 'zod';
import { DesiredStateError, type FileProblem, fieldPath } from './errors';
import {
  type DesiredState,
  DesiredStateSchema,
  duplicateGroups,
  duplicateMessage,
  MAX_FILE_BYTES,
} from './format';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** A parsed, valid file, with the means to point at any of its fields (for later checks). */
export interface ParsedDesiredState {
  file: string;
  state: DesiredState;
  /** Where the field at `path` is written in the file (its key when `key` is set). */
  locate(path: readonly PropertyKey[], key?: boolean): Position | undefined;
}

/** An alias bomb is refused long before it expands. */
const MAX_ALIASES = 50;

type Locate = ParsedDesiredState['locate'];

function locator(contents: unknown, lines: LineCounter): Locate {
  const at = (node: { range?: readonly number[] | null } | null | undefined): Position | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  return (path, key = false) => {
    let node = contents as Node | null | undefined;
    let best = at(node);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return best;
        if (last && key) return at(pair.key as Node) ?? best;
        node = (pair.value as Node | null) ?? (pair.key as Node);
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment] as Node | undefined;
        if (!node) return best;
      } else {
        return best;
      }
      best = at(node) ?? best;
    }
    return best;
  };
}

/** A problem at `path` of the file, with the line and column of the value (or with `key`, of its key). */
export function problemAt(
  locate: Locate,
  path: readonly PropertyKey[],
  message: string,
  key = false,
): FileProblem {
  const position = locate(path, key);
  return {
    ...(position ? { line: position.line, column: position.column } : {}),
    field: fieldPath(path),
    message,
  };
}

/** One problem per zod issue; an unknown key is pinned to the key itself. */
function issueProblems(error: z.ZodError, locate: Locate): FileProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((name) =>
        problemAt(
          locate,
          [...path, name],
          `unknown key "${name}" (not part of version 1 of the format)`,
          true,
        ),
      );
    }
    if (issue.code === 'invalid_key') {
      const inner = issue.issues.map((i) => i.message).join(', ');
      return [problemAt(locate, path, inner || issue.message, true)];
    }
    return [problemAt(locate, path, issue.message)];
  });
}

/**
 * Parses and validates a desired-state file's text. Throws DesiredStateError listing every problem with
 * its line and field. The size is checked before any parsing.
 */
export function parseDesiredState(text: string, file: string): ParsedDesiredState {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) {
    throw new DesiredStateError(file, [
      { field: '(file)', message: `is ${bytes} bytes; the limit is ${MAX_FILE_BYTES}` },
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const locate = locator(doc.contents, lines);
  if (doc.errors.length > 0) {
    throw new DesiredStateError(
      file,
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { line, column: col, field: '(syntax)', message: error.message.split('\n')[0] ?? error.code };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new DesiredStateError(file, [{ field: '(file)', message: (error as Error).message }]);
  }
  if (data === null || data === undefined) {
    throw new DesiredStateError(file, [
      { field: '(file)', message: 'is empty: expected `version: 1` and `groups`' },
    ]);
  }
  const result = DesiredStateSchema.safeParse(data);
  if (!result.success) {
    const problems = issueProblems(result.error, locate);
    // The schema checks duplicates only once everything else holds: report them now as well.
    if (!problems.some((p) => p.message.startsWith('duplicate group'))) {
      const groups = (data as { groups?: unknown }).groups;
      for (const duplicate of duplicateGroups(groups)) {
        problems.push(problemAt(locate, ['groups', duplicate.index, 'name'], duplicateMessage(duplicate)));
      }
    }
    throw new DesiredStateError(file, problems);
  }
  return { file, state: result.data, locate };
}
