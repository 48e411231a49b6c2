// Checks a request body before any schema sees it: a body the router would choke on, or that would
// cost unbounded work to validate, is refused with a precise 4xx instead of a 500 or a silent 422.
// Two steps, because the webhook must verify its signature between them: the envelope (presence,
// size, media type) is checked for every route; the content (JSON syntax, nesting) is checked by the
// router for ordinary routes and by the webhook handler only once the signature holds.
import { ApiError } from './errors';

/** Well above any legitimate body (1000 ids ≈ 20 KB), well below API Gateway's 10 MB. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Filters nest; nothing legitimate nests deeper than this, and deep nesting can exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * How much of a body the guard checks for a route: nothing, the envelope (presence, size, media type), or
 * also the JSON (syntax, nesting).
 */
export type BodyCheck = 'none' | 'envelope' | 'envelope-and-json';

/**
 * Returns the body text when there is one (undefined for none). `sentContentType` is the header as the
 * caller sent it (undefined: none): the web Request the router builds gives a body without one
 * `text/plain;charset=UTF-8`, which a 415 must not report as the caller's.
 */
export async function checkBody(
  request: Request,
  check: BodyCheck,
  sentContentType: string | undefined,
): Promise<string | undefined> {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const text = await request.clone().text();
  if (text.trim() === '') {
    if (check !== 'none') {
      throw new ApiError(400, 'INVALID_REQUEST', 'Invalid request: body: required (a JSON object).', {
        details: { issues: [{ field: 'body', message: 'required (a JSON object)' }] },
      });
    }
    return undefined;
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
  }
  const contentType = sentContentType?.trim() ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    const sent = contentType ? `got ${contentType.slice(0, 100)}` : 'the request has none';
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json (${sent}).`, {
      details: { contentType: contentType ? contentType.slice(0, 100) : null },
    });
  }
  if (check === 'envelope-and-json') parseJsonBody(text);
  return text;
}

/** JSON.parse with the two refusals a caller can provoke: bad syntax, excessive nesting. */
export function parseJsonBody(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
  }
  if (depthExceeds(json, MAX_JSON_DEPTH)) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `Invalid request: body nests deeper than ${MAX_JSON_DEPTH} levels.`,
      {
        details: { issues: [{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }] },
      },
    );
  }
  return json;
}

/** Iterative, so that the check itself cannot overflow the stack. */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
