// Verification of the signed company-created webhook: signature, freshness and replay, in that order.
import { InMemoryReplayCache, type ReplayCache } from './replay-cache';
import {
  DEFAULT_TOLERANCE_SECONDS,
  type RawBody,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  WebhookVerificationError,
} from './signature';

export * from './replay-cache';
export * from './secret';
export * from './signature';

export interface WebhookVerifierOptions {
  secrets: () => Promise<readonly string[]>;
  replayCache?: ReplayCache;
  toleranceSeconds?: number;
  nowSeconds?: () => number;
}

export interface VerifiedWebhook {
  /** Hex HMAC that matched: unique per (secret, timestamp, body), so a stable event id. */
  signature: string;
  timestamp: number;
}

export interface WebhookVerifier {
  verify(headers: Headers, rawBody: RawBody): Promise<VerifiedWebhook>;
  /** Call when handling a verified request failed, so that the sender's retry is not taken for a replay. */
  release(verified: VerifiedWebhook): void;
}

export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const replayCache = options.replayCache ?? new InMemoryReplayCache();
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const verify = async (headers: Headers, rawBody: RawBody): Promise<VerifiedWebhook> => {
    const nowSeconds = now();
    const timestamp = headers.get(TIMESTAMP_HEADER);
    const signature = verifyWebhookSignature({
      timestamp,
      signature: headers.get(SIGNATURE_HEADER),
      rawBody,
      secrets: await options.secrets(),
      nowSeconds,
      toleranceSeconds: tolerance,
    });
    const ts = Number(timestamp);
    // Remember it for as long as its timestamp would still be accepted.
    if (!replayCache.claim(signature, ts + tolerance + 1, nowSeconds)) {
      throw new WebhookVerificationError('replayed', 'This signed request was already received.');
    }
    return { signature, timestamp: ts };
  };
  return { verify, release: (verified) => replayCache.release(verified.signature) };
}
