// `npm start -- --serve`: after the main job, the `api` function behind the API Gateway adapter and the
// onboarding worker consuming the FIFO queue (so the 202 routes — add companies, the webhook — are
// carried out), until Ctrl-C; <dataDir>/endpoints.json lets other tools (`keepnet-groups --local`) attach.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startApiGatewayAdapter } from './api-gateway-adapter';
import { invoke, loadHandler } from './handlers';
import type { LocalSystem } from './local-system';
import { syncPlainFiles } from './plain-files';
import { isAddressInUse, PortInUseError } from './port-check';
import { removeRunningSystem, writeRunningSystem } from './running-system';

/** The API adapter's port, the data directory (for endpoints.json) and where to log. */
export interface ServeOptions {
  port: number;
  dataDir: string;
  log: (line: string) => void;
}

/**
 * Serves the API and runs the worker until SIGINT/SIGTERM, then removes endpoints.json and returns.
 * Throws PortInUseError when `port` is taken.
 */
export async function serveUntilInterrupted(system: LocalSystem, options: ServeOptions): Promise<void> {
  const api = await loadHandler<APIGatewayProxyEvent, APIGatewayProxyResult>('api');
  const worker = await loadHandler<SQSEvent, SQSBatchResponse | undefined>('onboarding-worker');
  const adapter = await startApiGatewayAdapter({
    handler: api,
    port: options.port,
    onRequest: ({ method, path, statusCode, ms }) =>
      options.log(`  ${method} ${path} → ${statusCode} (${ms} ms)`),
  }).catch((error: unknown) => {
    // Checked before the boot (local/start.ts); taken since, it is still the option that fixes it.
    throw isAddressInUse(error) ? new PortInUseError('127.0.0.1', options.port) : error;
  });
  const consumers = system.queue?.consume((event) => invoke('onboarding-worker', worker, event));
  const endpointsFile = await writeRunningSystem(options.dataDir, {
    apiUrl: adapter.url,
    pid: process.pid,
    env: system.env,
  });
  options.log('');
  options.log(`API (function "api" behind a local API Gateway adapter): ${adapter.url}`);
  options.log(`  try: curl -s ${adapter.url}/groups`);
  if (consumers)
    options.log('Onboarding worker: consuming the FIFO queue (POST …/companies and the webhook take effect)');
  options.log(`Endpoints and environment: ${endpointsFile}`);
  const stopSync = keepPlainFilesInStep(system, options.log);
  options.log(`S3 objects as files named as their keys (synced after each write): ${system.s3.files}`);
  options.log('Operator CLI against this system: npx tsx bin/keepnet-groups.ts --local groups list');
  options.log('Serving; press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  options.log('Stopping…');
  await stopSync();
  await adapter.close();
  // Shutting down: waiting polls are cut off rather than waited out (up to 20 s).
  await consumers?.stop({ abortPolls: true });
  await removeRunningSystem(options.dataDir);
}

/** Writes come in bursts (an export run writes dozens of objects): one sync shortly after the last. */
const SYNC_DELAY_MS = 300;

/**
 * Syncs the plain copies of the S3 objects after S3 writes (debounced; one sync at a time) until the
 * returned stop. Driven by writes, not a timer: an idle system does no work for it.
 */
function keepPlainFilesInStep(system: LocalSystem, log: (line: string) => void): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const sync = () => {
    running = running
      .then(() => syncPlainFiles(system.s3.directory, system.s3.files))
      .then(
        () => undefined,
        (error: unknown) => log(`  syncing ${system.s3.files} failed: ${String(error)}`),
      );
    return running;
  };
  system.s3.onWrite(() => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(sync, SYNC_DELAY_MS);
  });
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await sync(); // what the last requests wrote is there after Ctrl-C too
  };
}
