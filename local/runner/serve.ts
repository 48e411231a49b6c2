// `npm start -- --serve`: after the main job, the `api` function behind the API Gateway adapter, plus
// the rest of the local system, until Ctrl-C. The endpoints are also written to <dataDir>/endpoints.json
// so other tools (e.g. `keepnet-groups dlq --local`) can find the running system.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { startApiGatewayAdapter } from './api-gateway-adapter';
import { loadHandler } from './handlers';
import type { LocalSystem } from './local-system';
import { removeRunningSystem, writeRunningSystem } from './running-system';

export interface ServeOptions {
  port: number;
  dataDir: string;
  log: (line: string) => void;
}

export async function serveUntilInterrupted(system: LocalSystem, options: ServeOptions): Promise<void> {
  const api = await loadHandler<APIGatewayProxyEvent, APIGatewayProxyResult>('api');
  const adapter = await startApiGatewayAdapter({
    handler: api,
    port: options.port,
    onRequest: ({ method, path, statusCode, ms }) =>
      options.log(`  ${method} ${path} → ${statusCode} (${ms} ms)`),
  });
  const endpointsFile = await writeRunningSystem(options.dataDir, {
    apiUrl: adapter.url,
    pid: process.pid,
    env: system.env,
  });
  options.log('');
  options.log(`API (function "api" behind a local API Gateway adapter): ${adapter.url}`);
  options.log(`  try: curl -s ${adapter.url}/groups`);
  options.log(`Endpoints and environment: ${endpointsFile}`);
  options.log('Operator CLI against this system: npx tsx bin/keepnet-groups.ts --local groups list');
  options.log('Serving; press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  options.log('Stopping…');
  await adapter.close();
  await removeRunningSystem(options.dataDir);
}
