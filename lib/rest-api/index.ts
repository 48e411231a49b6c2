// The REST API's public surface: the app (router + error mapping), its wiring from the environment,
// the route table (for the stack) and the OpenAPI document. Fake API Gateway events for tests and the
// local runner live in local/lambda-events/.
export { type ApiApp, createApiApp } from './app';
export { type ApiDependencies, dependenciesFromEnv } from './dependencies';
export { ApiError, type ApiErrorBody } from './errors';
export { openApiDocument } from './openapi';
export { API_ROUTES, type RouteAuth, type RouteDefinition } from './routes';
