// The file name of an export, from Content-Disposition (RFC 6266).

/**
 * The file name (base name only) a Content-Disposition header gives, or null when it gives none:
 * `filename*` (RFC 8187, `UTF-8''percent-encoded`) wins over `filename` (quoted or token), which is used
 * when `filename*` is absent or cannot be decoded. Hand-written:
 * no dependency carries this in the project's package.json (the `content-disposition` package here is
 * only a transitive dev dependency).
 */
export function fileNameFromContentDisposition(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const params = parseParameters(value);
  const extended = params.get('filename*');
  if (extended !== undefined) {
    const decoded = decodeExtendedValue(extended);
    if (decoded) return safeBaseName(decoded);
  }
  const plain = params.get('filename');
  return plain ? safeBaseName(plain) : null;
}

// `attachment; filename="a; b.csv"; filename*=UTF-8''a%3B%20b.csv` → Map { filename → 'a; b.csv', ... }
function parseParameters(header: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of header.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

function decodeExtendedValue(value: string): string | null {
  const match = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value);
  if (!match) return null;
  const charset = match[1]!.toLowerCase();
  const encoded = match[2]!;
  try {
    if (charset === 'utf-8') return decodeURIComponent(encoded);
    if (charset === 'iso-8859-1') {
      return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    }
  } catch {
    return null;
  }
  return null;
}

// A server-chosen name is used as an S3 key part or a local file name: keep only the last path segment.
function safeBaseName(name: string): string | null {
  const base = name.split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' || base === '.' || base === '..' ? null : base;
}
