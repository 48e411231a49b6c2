// The `api` function: API Gateway REST API (v1 proxy events) → the Powertools router in lib/http-api.
// Everything is built once per container: the router, the Keepnet client, SDK clients, secret caches.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { dependenciesFromEnv } from '../../lib/http-api/dependencies';
import { lazyAsync } from '../../lib/lazy';
import { logger } from '../../lib/observability/powertools';

// Cold start: the configuration (PARTICIPANTS_MODE, EXPORT_BUCKET, …) is read here, naming a bad variable.
const dependencies = dependenciesFromEnv();
// The router, its zod schemas and handlers are built on the first request, not at load (bench/cold-start.ts).
const app = lazyAsync(async () => (await import('../../lib/http-api/app')).createApiApp(dependencies));

export const handler = async (
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> => {
  // Only ids: the event holds the caller's SigV4 Authorization header and must never be logged.
  logger.addContext(context);
  logger.appendKeys({ apiRequestId: event?.requestContext?.requestId });
  try {
    return await (await app()).handle(event, context);
  } finally {
    logger.resetKeys();
  }
};
