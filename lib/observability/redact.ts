// Last line of defence for log output: credentials cut out of every key and value the shared Logger prints.

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Longest string a log line carries; the rest is replaced by a note of how much was cut. Far above any
 * message, excerpt or stack trace we print, far below CloudWatch's 256 KB per event.
 */
export const MAX_LOGGED_TEXT_CHARS = 16 * 1024;

/** Keys compared lower-cased with '-' and '_' removed, exactly: `secretId` or `tokenFormat` stay. */
const CREDENTIAL_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'clientsecret',
  'password',
  'secretstring',
  'secretbinary',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'token',
  'bearertoken',
  'xamzsecuritytoken',
  'sessiontoken',
  'secretaccesskey',
  'xkeepnetsignature',
]);

const CREDENTIAL_PATTERNS: [pattern: RegExp, replacement: string][] = [
  // Before the bearer rule, so a SigV4 value is named as what it is.
  [/AWS4-HMAC-SHA256\s+[^"\r\n]*/g, `AWS4-HMAC-SHA256 ${REDACTED}`],
  [/\bBearer\s+[\w.~+/=-]{8,}/g, '[REDACTED bearer token]'],
  [/\b(client_secret|access_token|refresh_token)=[^&\s"]*/g, `$1=${REDACTED}`],
];

/**
 * Whether a value under `key` is a credential whatever it holds (`Authorization`, `client_secret`...;
 * case, `-` and `_` ignored).
 */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * A JWT: three base64url segments, the first one a JSON header ("eyJ" is base64 of '{"'). The first segment's `[\w-]*` is always followed by an optional (not a required)
 * `.segment.segment`, so a run that is no JWT still matches, whole, and the scan moves past it: the
 * required form (`eyJ[\w-]*\.[\w-]+\.[\w-]*`) retried from every `eyJ` inside one long run, quadratic.
 */
const JWT_RUN = /\beyJ[\w-]*(?:\.[\w-]+\.[\w-]*)?/g;

function redactJwt(text: string): string {
  return text.replace(JWT_RUN, (run) => (run.includes('.') ? REDACTED : run));
}

/**
 * Removes credential-shaped substrings (a bearer token, a JWT, a SigV4 Authorization value, a form-encoded
 * client_secret) from free text: messages, reasons, error text quoting a header. Logged text may come
 * from anyone (an upstream error body, a record key in a rejected event), so it is cut to
 * MAX_LOGGED_TEXT_CHARS before any pattern runs, and every pattern is linear: none can start over from
 * each of a hostile string's positions (160 KB of `eyJ-` once took 13 s).
 */
export function redactText(text: string): string {
  let result = text.slice(0, MAX_LOGGED_TEXT_CHARS);
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) result = result.replace(pattern, replacement);
  // After the bearer rule, so "Bearer <JWT>" is named as a bearer token.
  result = redactJwt(result);
  return text.length > MAX_LOGGED_TEXT_CHARS
    ? `${result}…[${text.length - MAX_LOGGED_TEXT_CHARS} more characters]`
    : result;
}

/**
 * A `JSON.stringify` replacer (Powertools Logger's `jsonReplacerFn`), run on every key and value printed.
 * Callers are expected never to log credentials (and the log-hygiene test checks they do not); this
 * catches the day someone logs a headers object, a token reply or an error that quotes a request. Two
 * rules: a value under a credential-bearing key ({@link isCredentialKey}) is replaced whatever it is, and
 * credential-shaped text inside any string ({@link redactText}) is cut out.
 */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key !== '' && isCredentialKey(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}
