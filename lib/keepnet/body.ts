// Small HTTP helpers: the User-Agent, bounded reading of reply bodies, header values, secret redaction.
import type { Readable } from 'node:stream';

/** Sent on every request, so Keepnet's logs can tell this integration apart. */
export const USER_AGENT = 'keepnet-msp-automation';

/**
 * How much of an error body is read (bytes): enough for any message, while an HTML error page or a
 * proxy's junk is never buffered whole.
 */
export const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The body as UTF-8 text, at most `limitBytes` of it; stops reading there (the connection is then closed,
 * not reused), else consumes the body whole so the connection can be reused.
 */
export async function readTextUpTo(body: Readable, limitBytes = ERROR_BODY_LIMIT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    size += buffer.length;
    // Leaving the loop destroys the stream; undici then closes that connection instead of reusing it.
    if (size >= limitBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, limitBytes).toString('utf8');
}

/** Header value as one string (undici gives string | string[] | undefined). */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `text` with every occurrence of each secret replaced, raw or form-encoded. For reply bodies that end up
 * in error messages: a server (or a debugging proxy page) may echo what it was sent.
 */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue; // too short to tell apart from ordinary text
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ]);
    for (const form of forms) clean = clean.split(form).join('[redacted]');
  }
  return clean;
}
