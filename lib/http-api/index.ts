// The HTTP API's public surface: the app (router + error mapping), its wiring from the environment,
// the route table (for the stack), the OpenAPI document, and v1 event builders (tests, bench, local runs).
export { type ApiApp, createApiApp } from './app';
export { type ApiDependencies, dependenciesFromEnv } from './dependencies';
export { ApiError, type ApiErrorBody } from './errors';
export { openApiDocument } from './openapi';
export {
  type ApiCallResult,
  callApi,
  makeLambdaContext,
  makeProxyEvent,
  type ProxyEventInput,
} from './proxy-event';
export { API_ROUTES, type RouteAuth, type RouteDefinition } from './routes';
