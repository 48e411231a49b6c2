// Reading Keepnet replies. The spec documents `{ data, status, message, validationMessages }`; one docs
// page shows `{ isSuccess, data, messages }`, and some callers see PascalCase keys. Error replies are
// undocumented (empty, HTML, ASP.NET problem details...). So: keys are camel-cased recursively, every
// variant is read into one shape, and anything unreadable becomes "no envelope" rather than a throw.

/** Every envelope variant Keepnet sends, read into one shape. */
export interface Envelope {
  data: unknown;
  /** `SUCCESS`, `FAILED`, `INPUT_ERROR`, `INTERNAL_SERVER_ERROR`, `PRIVACY_ERROR`... when sent. */
  status: string | undefined;
  /** `isSuccess` when the `{ isSuccess, data, messages }` variant was sent. */
  isSuccess: boolean | undefined;
  /** `message`, `messages[]`, problem-details `title`/`detail`, joined. */
  messages: string[];
  /** `validationMessages[]`, or problem-details `errors` flattened to "field: message". */
  validationMessages: string[];
}

/** Lower-cases the first letter of every object key, at every depth (`Data` → `data`, `ID` → `iD`). */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const camel = key.length > 0 ? key[0]!.toLowerCase() + key.slice(1) : key;
    // A reply carrying both `Data` and `data` keeps the camelCase one: it is what the spec documents.
    if (camel !== key && Object.hasOwn(value, camel)) continue;
    out[camel] = camelCaseKeys(inner);
  }
  return out;
}

/** Parses a reply body as JSON; undefined for empty or non-JSON bodies (HTML error pages, plain text). */
export function parseJsonBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/**
 * Reads any of the envelope variants. Returns undefined when the body is not an object that looks like
 * an envelope (so callers fall back to the HTTP status and a text excerpt).
 */
export function readEnvelope(body: unknown): Envelope | undefined {
  const normalised = camelCaseKeys(body);
  if (!isRecord(normalised)) return undefined;
  const known = [
    'data',
    'status',
    'isSuccess',
    'message',
    'messages',
    'validationMessages',
    'title',
    'detail',
    'errors',
  ];
  if (!known.some((key) => Object.hasOwn(normalised, key))) return undefined;

  const messages = [
    ...strings(normalised.message),
    ...strings(normalised.messages),
    ...strings(normalised.title),
    ...strings(normalised.detail),
  ];
  const validationMessages = [
    ...strings(normalised.validationMessages),
    ...problemDetailsErrors(normalised.errors),
  ];
  return {
    data: normalised.data,
    status: typeof normalised.status === 'string' ? normalised.status : undefined,
    isSuccess: typeof normalised.isSuccess === 'boolean' ? normalised.isSuccess : undefined,
    messages: unique(messages),
    validationMessages: unique(validationMessages),
  };
}

/** True when the envelope itself reports a failure (on a 2xx reply this still is an error). */
export function envelopeReportsFailure(envelope: Envelope): boolean {
  // The `{ isSuccess, data, messages }` variant says it outright; its `status`, if any, may be anything
  // ("OK", 200...), so `isSuccess` decides when present.
  if (envelope.isSuccess !== undefined) return !envelope.isSuccess;
  return envelope.status !== undefined && envelope.status.toUpperCase() !== 'SUCCESS';
}

/**
 * How much of a body `textExcerpt` reads: enough for the readable start of any error page (markup and
 * styles included), and a bound on the work hostile text can cause.
 */
export const EXCERPT_INPUT_CHARS = 16 * 1024;

/**
 * The first readable characters of a non-JSON body (an HTML error page, a proxy message). Linear in
 * the (capped) input: scripts and styles are cut with indexOf, and a tag cannot span another `<` (the
 * former `<[^>]+>` rescanned to the end from each of 64 KB of `<`: 7.4 s).
 */
export function textExcerpt(text: string, max = 200): string {
  const plain = withoutScriptsAndStyles(text.slice(0, EXCERPT_INPUT_CHARS))
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

/** Drops `<script>…</script>` and `<style>…</style>` elements; an unclosed one runs to the end. */
function withoutScriptsAndStyles(html: string): string {
  // ASCII only: toLowerCase() may change the length (e.g. "İ"), and the indexes must match `html`'s.
  const lower = html.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
  // Next opening tag of each kind at or after `from`; a search is repeated only once `from` has passed
  // its last hit, so the text is scanned a bounded number of times however many elements it holds.
  const next = { script: -1, style: -1 };
  const find = (tag: 'script' | 'style', from: number): number => {
    if (next[tag] !== Number.POSITIVE_INFINITY && next[tag] < from) {
      const at = lower.indexOf(`<${tag}`, from);
      next[tag] = at === -1 ? Number.POSITIVE_INFINITY : at;
    }
    return next[tag];
  };
  let out = '';
  let from = 0;
  for (;;) {
    const script = find('script', from);
    const style = find('style', from);
    const start = Math.min(script, style);
    if (start === Number.POSITIVE_INFINITY) break;
    const close = start === script ? '</script>' : '</style>';
    const end = lower.indexOf(close, start);
    out += `${html.slice(from, start)} `;
    if (end === -1) return out;
    from = end + close.length;
  }
  return out + html.slice(from);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
  if (Array.isArray(value)) return value.flatMap(strings);
  // `messages` in the isSuccess variant may hold objects such as { message } or { code, description }.
  if (isRecord(value)) return [...strings(value.message), ...strings(value.description)];
  return [];
}

// ASP.NET problem details: { errors: { "Name": ["The Name field is required."] } }.
function problemDetailsErrors(value: unknown): string[] {
  if (Array.isArray(value)) return strings(value);
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([field, messages]) =>
    strings(messages).map((message) =>
      message.toLowerCase().includes(field.toLowerCase()) ? message : `${field}: ${message}`,
    ),
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
