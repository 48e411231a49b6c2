// HMAC-SHA256 signatures for the company-created webhook. A caller signs `${timestamp}.${rawBody}` with
// the shared secret and sends `X-Keepnet-Timestamp: <unix seconds>` and
// `X-Keepnet-Signature: v1=<hex>[,v1=<hex>]`. Several v1 values let a sender sign with the old and the
// new secret while a rotation is under way; the receiver likewise accepts its current and previous secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Unix seconds at which the sender signed (lower case: `Headers` lookups are case-insensitive). */
export const TIMESTAMP_HEADER = 'x-keepnet-timestamp';
/** `v1=<hex>[,v1=<hex>]`: one value per secret the sender signed with. */
export const SIGNATURE_HEADER = 'x-keepnet-signature';
/** HMAC-SHA256 over `${timestamp}.${rawBody}`, lower-case hex. */
export const SIGNATURE_SCHEME = 'v1';
/** SQS FIFO drops a message whose deduplication id it has accepted in the last 5 minutes. */
export const SQS_DEDUPLICATION_WINDOW_SECONDS = 300;
/** How old a timestamp may be. Also the replay cache's horizon. */
export const DEFAULT_TOLERANCE_SECONDS = 240;
/** How far ahead of our clock a timestamp may be: a sender's clock that runs a little fast. */
export const MAX_FUTURE_SKEW_SECONDS = 30;
// Why these two: a request first accepted at t1 has a timestamp ts <= t1 + skew, and any copy of it is
// refused after ts + tolerance, so every accepted copy is queued before t1 + skew + tolerance + 29 s (the
// API's timeout) = t1 + 299 s, inside SQS's deduplication window of the first one, whichever container
// took it. (±300 s let a copy through up to 600 s after the first when the sender's clock ran ahead.)

/** Why a request was refused: logged, and answered as a 401 `INVALID_SIGNATURE` with this reason. */
export type WebhookRejection =
  | 'missing-timestamp'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'missing-signature'
  | 'malformed-signature'
  | 'signature-mismatch'
  | 'replayed';

/** Why a webhook call was refused. The message is safe to return: it names no secret or expected value. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookRejection;
  constructor(reason: WebhookRejection, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** The body as the sender's bytes: a string is taken as its UTF-8 encoding. */
export type RawBody = string | Uint8Array;

/** HMAC over `<timestamp>.` followed by the body's exact bytes (a BOM or non-UTF-8 byte included). */
export function computeSignature(secret: string, timestamp: string, rawBody: RawBody): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8');
  if (typeof rawBody === 'string') hmac.update(rawBody, 'utf8');
  else hmac.update(rawBody);
  return hmac.digest('hex');
}

/** The headers a sender attaches; used by tests, the bench and the docs' example. */
export function signWebhook(
  secrets: string | string[],
  rawBody: RawBody,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const ts = String(timestamp);
  const list = Array.isArray(secrets) ? secrets : [secrets];
  return {
    'X-Keepnet-Timestamp': ts,
    'X-Keepnet-Signature': list
      .map((secret) => `${SIGNATURE_SCHEME}=${computeSignature(secret, ts, rawBody)}`)
      .join(','),
  };
}

/** One request's headers and raw body, with the secrets and the clock to check them against. */
export interface VerifyInput {
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  rawBody: RawBody;
  /** Accepted secrets, current first. */
  secrets: readonly string[];
  nowSeconds: number;
  /** How old a timestamp may be (default DEFAULT_TOLERANCE_SECONDS). */
  toleranceSeconds?: number;
  /** How far ahead it may be (default MAX_FUTURE_SKEW_SECONDS). */
  maxFutureSkewSeconds?: number;
}

/**
 * Checks timestamp freshness and the signature; returns the signature that matched (hex). Not a replay
 * key: with two secrets during a rotation one request has two valid signatures (see ./index).
 * Throws WebhookVerificationError.
 */
export function verifyWebhookSignature(input: VerifyInput): string {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const futureSkew = input.maxFutureSkewSeconds ?? MAX_FUTURE_SKEW_SECONDS;
  const timestamp = input.timestamp?.trim();
  if (!timestamp) {
    throw new WebhookVerificationError('missing-timestamp', 'The X-Keepnet-Timestamp header is missing.');
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      'malformed-timestamp',
      'X-Keepnet-Timestamp must be a Unix time in whole seconds.',
    );
  }
  const age = input.nowSeconds - Number(timestamp);
  if (age > tolerance) {
    throw new WebhookVerificationError(
      'stale-timestamp',
      `X-Keepnet-Timestamp is more than ${tolerance} seconds old.`,
    );
  }
  if (age < -futureSkew) {
    throw new WebhookVerificationError(
      'future-timestamp',
      `X-Keepnet-Timestamp is more than ${futureSkew} seconds in the future.`,
    );
  }
  const header = input.signature?.trim();
  if (!header) {
    throw new WebhookVerificationError('missing-signature', 'The X-Keepnet-Signature header is missing.');
  }
  const offered = parseSignatureHeader(header);
  if (offered.length === 0) {
    throw new WebhookVerificationError(
      'malformed-signature',
      'X-Keepnet-Signature must hold one or more "v1=<64 hex characters>" values, comma-separated.',
    );
  }
  for (const secret of input.secrets) {
    const expected = Buffer.from(computeSignature(secret, timestamp, input.rawBody), 'hex');
    for (const candidate of offered) {
      // Same length by construction (both 32 bytes), so timingSafeEqual never throws here.
      if (timingSafeEqual(expected, candidate)) return candidate.toString('hex');
    }
  }
  throw new WebhookVerificationError('signature-mismatch', 'The signature does not match the request.');
}

function parseSignatureHeader(header: string): Buffer[] {
  const values: Buffer[] = [];
  // Bounded: a header with hundreds of values is not a rotation, it is an attempt to make us hash.
  for (const part of header.split(',').slice(0, 5)) {
    const match = /^\s*v1=([0-9a-fA-F]{64})\s*$/.exec(part);
    if (match?.[1]) values.push(Buffer.from(match[1], 'hex'));
  }
  return values;
}
