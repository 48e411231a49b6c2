// The one text fingerprint the project uses: lower-case hex SHA-256 (de-duplication ids, operation ids,
// request and state fingerprints).
import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of `text` (UTF-8). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
