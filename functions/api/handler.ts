// The `api` function: API Gateway REST API (v1 proxy events) → the Powertools router in lib/http-api.
// Everything is built once per container: the router, the Keepnet client, SDK clients, secret caches.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createApiApp } from '../../lib/http-api/app';
import { dependenciesFromEnv } from '../../lib/http-api/dependencies';
import { logger } from '../../lib/observability/powertools';

const app = createApiApp(dependenciesFromEnv());

export const handler = async (
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> => {
  // Only ids: the event holds the caller's SigV4 Authorization header and must never be logged.
  logger.addContext(context);
  logger.appendKeys({ apiRequestId: event?.requestContext?.requestId });
  try {
    return await app.handle(event, context);
  } finally {
    logger.resetKeys();
  }
};
