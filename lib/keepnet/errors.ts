// One small class per failure a caller must tell apart. Each carries what is needed to act on it
// (HTTP status, Keepnet status, message, the request's method and path) and never a token or secret.

/** Tells the error classes apart where `instanceof` is not available (logs, serialised errors). */
export type KeepnetErrorKind =
  | 'validation'
  | 'authentication'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'configuration';

/** What an error records about the failed request; never a token, a secret or a request body. */
export interface KeepnetErrorDetails {
  httpStatus?: number;
  keepnetStatus?: string;
  method?: string;
  path?: string;
  validationMessages?: string[];
  cause?: unknown;
}

/** The base of every failure the Keepnet client throws: `kind` says which, and `toJSON` is safe to log. */
export abstract class KeepnetError extends Error {
  abstract readonly kind: KeepnetErrorKind;
  readonly httpStatus: number | undefined;
  readonly keepnetStatus: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly validationMessages: string[];

  constructor(message: string, details: KeepnetErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.httpStatus = details.httpStatus;
    this.keepnetStatus = details.keepnetStatus;
    this.method = details.method;
    this.path = details.path;
    this.validationMessages = details.validationMessages ?? [];
  }

  /** A log-safe summary: what was asked, what came back. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      httpStatus: this.httpStatus,
      keepnetStatus: this.keepnetStatus,
      method: this.method,
      path: this.path,
      validationMessages: this.validationMessages,
    };
  }
}

/** 400 / INPUT_ERROR, or a bad argument caught before sending. */
export class KeepnetValidationError extends KeepnetError {
  readonly kind = 'validation' as const;
  /** The offending field when known (input checks before sending). */
  readonly field: string | undefined;
  constructor(message: string, details: KeepnetErrorDetails & { field?: string } = {}) {
    super(message, details);
    this.field = details.field;
  }
}

/** Token refused (400 invalid_client or 401), or 401 after one fresh token. */
export class KeepnetAuthenticationError extends KeepnetError {
  readonly kind = 'authentication' as const;
}

/** 403: the credential's Client Role is not Reseller. */
export class KeepnetForbiddenError extends KeepnetError {
  readonly kind = 'forbidden' as const;
}

/** 404, or an envelope saying NOT_FOUND (or FAILED with a "not found" message). */
export class KeepnetNotFoundError extends KeepnetError {
  readonly kind = 'not-found' as const;
}

/** 429 after the retry budget; `retryAfterSeconds` from Retry-After when the server sent it. */
export class KeepnetRateLimitedError extends KeepnetError {
  readonly kind = 'rate-limited' as const;
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, details: KeepnetErrorDetails & { retryAfterSeconds?: number } = {}) {
    super(message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** 5xx (or an envelope saying FAILED/INTERNAL_SERVER_ERROR on a 200) after the retry budget. */
export class KeepnetServerError extends KeepnetError {
  readonly kind = 'server' as const;
}

/** Connection refused/reset, DNS, TLS: the request may or may not have reached Keepnet. */
export class KeepnetNetworkError extends KeepnetError {
  readonly kind = 'network' as const;
}

/** A per-request timeout or the caller's deadline passed. */
export class KeepnetTimeoutError extends KeepnetError {
  readonly kind = 'timeout' as const;
}

/** Missing or unsafe configuration (no secret, a non-https base URL, a malformed secret). */
export class KeepnetConfigurationError extends KeepnetError {
  readonly kind = 'configuration' as const;
}

/** Whether `error` is one of ours (it carries `kind`, method and path, and logs safely). */
export function isKeepnetError(error: unknown): error is KeepnetError {
  return error instanceof KeepnetError;
}
