// What a recorded exchange (`recordExchanges`) keeps of a request.
import type { IncomingMessage } from 'node:http';

/** Request headers as a recording keeps them: repeated values joined, `authorization` left out. */
export function safeHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'authorization' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * A request body as a recording keeps it: JSON or a form parsed (its `client_secret` redacted), other text as
 * it came, undefined when empty.
 */
export function parseRecordedBody(raw: Buffer, mediaType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (mediaType === 'application/x-www-form-urlencoded') {
    // Never keep the client secret in a recording.
    const form = Object.fromEntries(new URLSearchParams(text));
    if ('client_secret' in form) form.client_secret = '[redacted]';
    return form;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
