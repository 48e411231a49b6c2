// What a recorded exchange keeps of a request: headers without `authorization`, the body parsed, the
// client secret redacted.
import type { IncomingMessage } from 'node:http';

export function safeHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'authorization' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

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
