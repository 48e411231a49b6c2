// What the api loads on its first request rather than at cold start (bench/cold-start.ts), re-exported by
// name: a dynamic import keeps every export of the module it loads, so this list is what is bundled.
export { createApiApp } from '../../lib/rest-api/app';
export { dependenciesFromEnv } from '../../lib/rest-api/dependencies';
