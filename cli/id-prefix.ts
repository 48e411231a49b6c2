// Operators copy ids as the docs and narrow tables show them: cut short, sometimes with the ellipsis
// still attached ("6f0c…"). A unique prefix names an id; an ambiguous one is refused before anything
// is done with it, naming the candidates.
import { UsageError } from './exit-codes';

/** Shorter prefixes would match by accident too easily (message ids are 36-character UUIDs). */
const MIN_PREFIX_LENGTH = 4;

/**
 * The id among `known` that `ref` names: itself when exact, else the one id it is a prefix of (a
 * trailing "…" or "..." is ignored). `undefined` when none matches (the caller reports it as missing).
 * Throws a UsageError when the prefix is too short or matches more than one id.
 */
export function resolveIdPrefix(ref: string, known: readonly string[], what: string): string | undefined {
  if (known.includes(ref)) return ref;
  const prefix = ref.trim().replace(/(…|\.\.\.)$/u, '');
  if (known.includes(prefix)) return prefix;
  if (prefix.length < MIN_PREFIX_LENGTH) {
    throw new UsageError(
      `${what} "${ref}": give the full id or at least ${MIN_PREFIX_LENGTH} of its first characters`,
    );
  }
  const matches = known.filter((id) => id.startsWith(prefix));
  if (matches.length > 1) {
    throw new UsageError(
      `${what} "${ref}" matches ${matches.length} ids (${matches.join(', ')}): give more characters`,
    );
  }
  return matches[0];
}
