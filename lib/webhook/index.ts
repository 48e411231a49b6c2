// Verification of the signed company-created webhook: signature, freshness and replay, in that order.
import { createHash } from 'node:crypto';
import { InMemoryReplayCache, type ReplayCache } from './replay-cache';
import {
  DEFAULT_TOLERANCE_SECONDS,
  MAX_FUTURE_SKEW_SECONDS,
  type RawBody,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  WebhookVerificationError,
} from './signature';

export * from './replay-cache';
export * from './secret';
export * from './signature';

/**
 * The accepted secrets (current first, read per request: a rotation lands without a redeploy), the
 * replay cache, and the time window; `nowSeconds` is for tests.
 */
export interface WebhookVerifierOptions {
  secrets: () => Promise<readonly string[]>;
  replayCache?: ReplayCache;
  toleranceSeconds?: number;
  maxFutureSkewSeconds?: number;
  nowSeconds?: () => number;
}

/** A request that passed every check, identified by its timestamp and body hash. */
export interface VerifiedWebhook {
  timestamp: number;
  /** Hex SHA-256 of the raw body. */
  bodySha256: string;
  /**
   * `webhook-<timestamp>-<body SHA-256>`: the same for every copy of one request, whichever signature
   * it carries and whichever container takes it, so the FIFO deduplication ids derived from it match.
   */
  eventId: string;
}

/** Checks signed webhook requests and remembers them against replay. */
export interface WebhookVerifier {
  verify(headers: Headers, rawBody: RawBody): Promise<VerifiedWebhook>;
  /** Call when handling a verified request failed, so that the sender's retry is not taken for a replay. */
  release(verified: VerifiedWebhook): void;
}

/**
 * A verifier that checks signature, freshness and replay, in that order, and throws
 * `WebhookVerificationError` with the first `WebhookRejection` met. A request is identified by
 * (timestamp, SHA-256 of the raw body), never by the signature that matched: during a rotation one
 * request carries two valid signatures, and a replay with only the other one must still be the same
 * request, for the replay cache and for the event id that SQS deduplicates on.
 */
export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const replayCache = options.replayCache ?? new InMemoryReplayCache();
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const verify = async (headers: Headers, rawBody: RawBody): Promise<VerifiedWebhook> => {
    const nowSeconds = now();
    const timestamp = headers.get(TIMESTAMP_HEADER);
    verifyWebhookSignature({
      timestamp,
      signature: headers.get(SIGNATURE_HEADER),
      rawBody,
      secrets: await options.secrets(),
      nowSeconds,
      toleranceSeconds: tolerance,
      maxFutureSkewSeconds: options.maxFutureSkewSeconds ?? MAX_FUTURE_SKEW_SECONDS,
    });
    const ts = Number(timestamp);
    const bodySha256 = createHash('sha256').update(rawBody).digest('hex');
    const verified = { timestamp: ts, bodySha256, eventId: `webhook-${ts}-${bodySha256}` };
    // Remember it for as long as its timestamp would still be accepted.
    if (!replayCache.claim(verified.eventId, ts + tolerance + 1, nowSeconds)) {
      throw new WebhookVerificationError('replayed', 'This signed request was already received.');
    }
    return verified;
  };
  return { verify, release: (verified) => replayCache.release(verified.eventId) };
}
