// Last line of defence for log output: a JSON replacer the shared Logger runs on every key and value it
// prints. Callers are expected never to log credentials (and the log-hygiene test checks they do not);
// this catches the day someone logs a headers object, a token reply or an error that quotes a request.
// Two rules: a value under a credential-bearing key is replaced whatever it is, and credential-shaped
// text inside any string (a bearer token, a JWT, a SigV4 Authorization value, a form-encoded
// client_secret) is cut out, so an error message quoting a header is cleaned too.

export const REDACTED = '[REDACTED]';

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
  // Three base64url segments, the first one a JSON header ("eyJ" is base64 of '{"').
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, REDACTED],
  [/\b(client_secret|access_token|refresh_token)=[^&\s"]*/g, `$1=${REDACTED}`],
];

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/** Removes credential-shaped substrings from free text (messages, reasons, error text). */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** A `JSON.stringify` replacer (Powertools Logger's `jsonReplacerFn`). */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key !== '' && isCredentialKey(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}
