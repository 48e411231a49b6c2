// Classifying failures that happen below HTTP (undici and Node socket errors).
import { type KeepnetError, KeepnetNetworkError, KeepnetTimeoutError } from './errors';

/** Error codes of undici and Node that are worth another attempt (for a request that may be repeated). */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/**
 * Codes that prove the request never left this process: the TCP connection was never established
 * (refused, DNS failure, connect timeout). Only these allow retrying a create (POST /api/company-groups):
 * after a reset or a timeout mid-request, Keepnet may have created the group already.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

// Duck-typed rather than `instanceof Error`: errors raised by Node internals may come from another
// realm (Jest runs tests in a vm context), where `instanceof Error` is false.
interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return value !== null && typeof value === 'object' ? (value as ErrorLike) : undefined;
}

/** The error code of an undici/Node error, looking through `cause` (undici sometimes wraps). */
export function errorCode(error: unknown): string | undefined {
  let current = asErrorLike(error);
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = asErrorLike(current.cause);
  }
  return undefined;
}

/** Whether a socket-level failure is worth another attempt (for a request that may be repeated). */
export function isTransientNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** Whether a failure proves the request never reached Keepnet, so even a create may be sent again. */
export function provesRequestNotSent(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** A typed error for a socket-level failure; the cause is kept (it holds no token: headers are not in it). */
export function networkFailure(error: unknown, method: string, path: string): KeepnetError {
  const like = asErrorLike(error);
  const code = errorCode(error) ?? (typeof like?.name === 'string' ? like.name : 'unknown');
  const reason = typeof like?.message === 'string' ? like.message : String(error);
  const details = { method, path, cause: error };
  if (TIMEOUT_CODES.has(code))
    return new KeepnetTimeoutError(`${method} ${path}: timed out (${code}: ${reason})`, details);
  return new KeepnetNetworkError(`${method} ${path}: network failure (${code}: ${reason})`, details);
}
