// Every failure the API can answer with, as one JSON shape: `{ error: { code, message, details } }`.
// The mapping from Keepnet's typed errors decides who is at fault: the caller (4xx) or Keepnet / this
// service's own configuration (5xx). Messages are written here, never copied from an upstream body or
// a stack, so no token, secret or internal path can reach a response.
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  KeepnetAuthenticationError,
  KeepnetConfigurationError,
  type KeepnetError,
  KeepnetForbiddenError,
  KeepnetNetworkError,
  KeepnetNotFoundError,
  KeepnetRateLimitedError,
  KeepnetServerError,
  KeepnetTimeoutError,
  KeepnetValidationError,
} from '../keepnet/errors';

/** The JSON body of every error answer. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error this API answers with as is: status, code, message and optional headers and details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** Used when Keepnet answered 429 without a Retry-After: long enough for a token bucket to refill. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Maps a Keepnet client error to the answer this API gives. */
export function fromKeepnetError(error: KeepnetError): ApiError {
  if (error instanceof KeepnetValidationError) {
    return new ApiError(400, 'KEEPNET_REJECTED_INPUT', 'Keepnet rejected the request as invalid.', {
      details: {
        validationMessages: error.validationMessages,
        ...(error.field ? { field: error.field } : {}),
      },
    });
  }
  if (error instanceof KeepnetNotFoundError) {
    return new ApiError(404, 'NOT_FOUND', 'Keepnet has no such resource.');
  }
  if (error instanceof KeepnetRateLimitedError) {
    // Whole seconds, at least 1 (RFC 9110's delay-seconds); a hint that is not a finite number is ignored.
    const hint = error.retryAfterSeconds;
    const retryAfter = Math.max(
      1,
      Math.ceil(hint !== undefined && Number.isFinite(hint) ? hint : DEFAULT_RETRY_AFTER_SECONDS),
    );
    return new ApiError(429, 'RATE_LIMITED', 'Keepnet is rate limiting this service; retry later.', {
      details: { retryAfterSeconds: retryAfter },
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
  if (error instanceof KeepnetForbiddenError) {
    return new ApiError(
      502,
      'UPSTREAM_FORBIDDEN',
      "Keepnet refused this service's credential: company-group operations need an API credential whose " +
        'Client Role is Reseller. The request was valid; the service configuration must be fixed.',
    );
  }
  if (error instanceof KeepnetAuthenticationError) {
    return new ApiError(
      502,
      'UPSTREAM_AUTHENTICATION_FAILED',
      "Keepnet did not accept this service's credential. The request was valid; the service configuration must be fixed.",
    );
  }
  if (error instanceof KeepnetTimeoutError) {
    return new ApiError(504, 'UPSTREAM_TIMEOUT', 'Keepnet did not answer in time.');
  }
  if (error instanceof KeepnetServerError || error instanceof KeepnetNetworkError) {
    return new ApiError(502, 'UPSTREAM_UNAVAILABLE', 'Keepnet failed or could not be reached.');
  }
  if (error instanceof KeepnetConfigurationError) {
    return new ApiError(500, 'CONFIGURATION_ERROR', 'The service is misconfigured; see its logs.');
  }
  return new ApiError(502, 'UPSTREAM_ERROR', 'Keepnet call failed.');
}

/** 405 for a path that exists without this method, with the Allow header and the allowed methods in details. */
export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ApiError {
  return new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}.`, {
    details: { allowed },
    headers: { Allow: allowed.join(', ') },
  });
}

/** 500 for anything unexpected: no message from the error itself, only the request id to find it in the logs. */
export function internalError(requestId: string | undefined): ApiError {
  return new ApiError(500, 'INTERNAL_ERROR', 'Internal error.', {
    ...(requestId ? { details: { requestId } } : {}),
  });
}

/** Renders an ApiError as the v1 result the Lambda returns, for answers given without the router. */
export function toProxyResult(error: ApiError): APIGatewayProxyResult {
  return {
    statusCode: error.status,
    headers: { 'Content-Type': 'application/json', ...error.headers },
    body: JSON.stringify(error.toBody()),
    isBase64Encoded: false,
  };
}

/** Renders an ApiError as the web Response the Powertools router returns. */
export function toResponse(error: ApiError): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.status,
    headers: { 'Content-Type': 'application/json', ...error.headers },
  });
}
