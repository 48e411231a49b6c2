// How every failure becomes an answer: one handler per error type, each rendering the one error shape
// `{ error: { code, message, details } }`. The router picks the handler registered for the error's
// exact class, else the first registered that it is an instance of: the catch-all `Error` handler must
// therefore stay last.
import {
  ParameterValidationError,
  RequestValidationError,
  type Router,
} from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ExportConfigurationError, ExportDeadlineError, ExportTruncatedError } from '../exports/index';
import { QueueSendError } from '../group-queue/send-messages';
import { IdempotencyConflictError } from '../group-queue/submit';
import { isKeepnetError } from '../keepnet/errors';
import { logger } from '../observability/powertools';
import { InvalidCompanyCreatedError } from '../onboarding/company-created';
import { OnboardingConfigError } from '../onboarding/config';
import { clipMessage, issuePath } from '../validation/zod-issues';
import { WebhookSecretError, WebhookVerificationError } from '../webhook/index';
import { ApiError, fromKeepnetError, internalError, methodNotAllowed, toResponse } from './errors';
import { fieldIssues, formatField } from './issues';
import { allowedMethods } from './routes';

/**
 * The handler of a configuration error: logged with its message (it names the variable), answered 500
 * without it (the caller cannot fix the deployment, and the message is not theirs to read).
 */
function misconfigured(logText: string) {
  return async (error: Error) => {
    logger.error(logText, { message: error.message });
    return toResponse(
      new ApiError(500, 'CONFIGURATION_ERROR', 'The service is misconfigured; see its logs.'),
    );
  };
}

/**
 * Registers one handler per error type on the router, each answering in the one error shape; the catch-all
 * `Error` handler is registered last because the router falls back to the first registered class an error
 * is an instance of.
 */
export function registerErrorHandlers(router: Router): void {
  router.errorHandler(ApiError, async (error) => toResponse(error));

  router.errorHandler(RequestValidationError, async (error) => {
    const issues = (error.details?.issues ?? []) as { message: string; path?: readonly PropertyKey[] }[];
    if (issues.length === 0) {
      // The router could not even read the body (its own JSON parse failed).
      return toResponse(new ApiError(400, 'MALFORMED_JSON', 'The request body is not valid JSON.'));
    }
    return toResponse(
      invalidInput(
        issues.flatMap((issue) => fieldsOf(formatField(issue.path ?? []), clipMessage(issue.message))),
      ),
    );
  });

  router.errorHandler(InvalidCompanyCreatedError, async (error) =>
    toResponse(invalidInput(fieldIssues(error.issues, 'body'))),
  );

  router.errorHandler(ParameterValidationError, async (error) =>
    toResponse(invalidInput(error.issues.map((message) => ({ field: 'path', message })))),
  );

  router.notFound(async (_error, reqCtx) => {
    const path = new URL(reqCtx.req.url).pathname;
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      return toResponse(methodNotAllowed(reqCtx.req.method, path, allowed));
    }
    return toResponse(new ApiError(404, 'ROUTE_NOT_FOUND', `No route ${reqCtx.req.method} ${path}.`));
  });

  router.methodNotAllowed(async (_error, reqCtx) =>
    toResponse(new ApiError(405, 'METHOD_NOT_ALLOWED', `${reqCtx.req.method} is not allowed here.`)),
  );

  router.errorHandler(WebhookVerificationError, async (error) => {
    logger.warn('webhook refused', { reason: error.reason });
    return toResponse(
      new ApiError(401, 'INVALID_SIGNATURE', error.message, {
        details: { reason: error.reason },
        headers: { 'WWW-Authenticate': 'KeepnetSignature' },
      }),
    );
  });

  router.errorHandler(ExportDeadlineError, async () =>
    toResponse(new ApiError(504, 'EXPORT_TIMEOUT', 'The export did not finish in time; no file was kept.')),
  );
  router.errorHandler(ExportTruncatedError, async () =>
    toResponse(
      new ApiError(502, 'UPSTREAM_UNAVAILABLE', 'Keepnet sent an incomplete file; no file was kept.'),
    ),
  );
  router.errorHandler(ExportConfigurationError, misconfigured('export misconfigured'));

  router.errorHandler(QueueSendError, async (error) => {
    logger.error('onboarding queue refused messages', { message: error.message });
    return toResponse(
      new ApiError(
        503,
        'QUEUE_UNAVAILABLE',
        'The onboarding queue did not accept the request; retry later.',
        {
          headers: { 'Retry-After': '5' },
        },
      ),
    );
  });

  router.errorHandler(IdempotencyConflictError, async (error) =>
    toResponse(
      new ApiError(409, 'IDEMPOTENCY_CONFLICT', error.message, {
        details: { operationId: error.operationId },
      }),
    ),
  );

  router.errorHandler(OnboardingConfigError, misconfigured('onboarding misconfigured'));

  router.errorHandler(WebhookSecretError, misconfigured('webhook secret unusable'));

  // Last: anything else. Keepnet errors carry a log-safe toJSON(); others are logged by name and
  // message only (never the stack, never the request).
  router.errorHandler(Error, async (error, reqCtx) => {
    if (isKeepnetError(error)) {
      const mapped = fromKeepnetError(error);
      const log = mapped.status >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
      log('keepnet call failed', { status: mapped.status, error: error.toJSON() });
      return toResponse(mapped);
    }
    const requestId = (reqCtx.event as Partial<APIGatewayProxyEvent>).requestContext?.requestId;
    logger.error('unhandled error', {
      error: { name: error.name, message: error.message },
      route: reqCtx.route,
      requestId,
    });
    return toResponse(internalError(requestId));
  });
}

/**
 * zod reports unknown keys once, on the object ("Unrecognized keys: \"a\", \"b\""); the router keeps only
 * path and message, so name each key as a field of its own here.
 */
function fieldsOf(field: string, message: string): { field: string; message: string }[] {
  const unknown = /^Unrecognized keys?: (.+)$/.exec(message);
  if (!unknown?.[1]) return [{ field, message }];
  const keys = [...unknown[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? '');
  if (keys.length === 0) return [{ field, message }];
  return keys.map((key) => ({ field: issuePath([key], field), message: 'unknown field (not allowed)' }));
}

function invalidInput(issues: { field: string; message: string }[]): ApiError {
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.field}: ${issue.message}`)
    .join('; ');
  return new ApiError(400, 'INVALID_REQUEST', `Invalid request: ${summary}`, { details: { issues } });
}
