// Reading a request body: the bytes (bounded), the media type, and multipart forms as ASP.NET binds them.
import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, readRequestBody } from '../http-body';

const JSON_MEDIA_TYPES = new Set(['application/json', 'text/json']);

/** The whole request body, or null when it exceeds the stand-ins' cap (the server answers 413). */
export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  try {
    return await readRequestBody(req);
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return null;
    throw error;
  }
}

/**
 * A multipart form as a plain object, parsed by the platform's own multipart parser (fetch's
 * Response.formData). Repeated fields, fields named like `X[]`/`X[0]` and `…Array`/`Tags` fields
 * become arrays, as ASP.NET binds them; files are ignored.
 */
export async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': contentType },
  }).formData();
  const fields: Record<string, unknown> = {};
  for (const [rawName, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    const name = rawName.replace(/\[\d*\]$/, '');
    const listy = name !== rawName || /array$/i.test(name) || /^tags$/i.test(name);
    const existing = fields[name];
    if (Array.isArray(existing)) existing.push(value);
    else if (existing !== undefined) fields[name] = [existing, value];
    else fields[name] = listy ? [value] : value;
  }
  return fields;
}

/** The request's media type without parameters, in lower case; '' without a Content-Type. */
export function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Media types bound as JSON: application/json, text/json and any `application/…+json` (server.ts refuses
 * json-patch before asking).
 */
export function isJsonMediaType(mediaType: string): boolean {
  return (
    JSON_MEDIA_TYPES.has(mediaType) || (mediaType.startsWith('application/') && mediaType.endsWith('+json'))
  );
}
