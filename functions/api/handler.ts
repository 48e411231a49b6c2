// The `api` function: API Gateway REST API (v1 proxy events) → the Powertools router in lib/rest-api.
// Everything is built once per container: the router, the Keepnet client, SDK clients, secret caches.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lazyAsync } from '../../lib/lazy';
import { logger } from '../../lib/observability/powertools';
import { loadConfig } from './config';

// Cold start: OPERATIONS_PREFIX is checked here, naming the variable (./config.ts says what is read later).
const config = loadConfig(process.env);
// The router, its zod schemas, the handlers and their clients are built on the first request, not at
// load (bench/cold-start.ts).
const app = lazyAsync(async () => {
  const { createApiApp, dependenciesFromEnv } = await import('./deferred');
  return createApiApp(dependenciesFromEnv(process.env, config));
});

/**
 * One API Gateway request → the router's answer; never throws (errors are answered in the API's error
 * shape).
 */
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
