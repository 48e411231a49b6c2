// Small HTTP helpers. Reading reply bodies: error bodies are read only up to a bound (an HTML error page or a proxy's
// junk must not be buffered whole), and always consumed so the connection can be reused.
import type { Readable } from 'node:stream';

/** Sent on every request, so Keepnet's logs can tell this integration apart. */
export const USER_AGENT = 'keepnet-msp-automation';

export const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

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
