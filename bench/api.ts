// What the `api` function adds to a Keepnet call: the same read done directly with the Keepnet client
// and through the handler (full API Gateway v1 event → router → validation → client → JSON answer),
// interleaved request by request against the local simulator, compared by their medians.
// Run alone: `npx tsx bench/api.ts [--quick]`.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createApiApp } from '../lib/http-api/app';
import { dependenciesFromEnv } from '../lib/http-api/dependencies';
import { makeLambdaContext, makeProxyEvent } from '../lib/http-api/proxy-event';
import { createKeepnetClientFromEnv, resetKeepnetClientFromEnv } from '../lib/keepnet/index';
import { startLocalStack } from '../local/local-stack';

export interface LatencyStats {
  medianMs: number;
  p95Ms: number;
}

export interface ApiBenchResult {
  name: 'api-overhead';
  requests: number;
  /** `client.getGroup` then `client.searchGroupMembers`, called directly. */
  direct: LatencyStats;
  /** The same two reads as `GET /groups/{id}` and `GET /groups/{id}/companies` through the handler. */
  api: LatencyStats;
  /** api median / direct median: 1.0 means the function adds nothing. */
  ratio: number;
  /** Median of the per-request differences (api − direct), in ms. */
  addedMedianMs: number;
  /** A request refused by validation (no Keepnet call): the router's own cost, median ms. */
  routerOnlyMedianMs: number;
}

export async function benchApi(opts: { quick?: boolean } = {}): Promise<ApiBenchResult> {
  const requests = opts.quick ? 100 : 500;
  const warmup = opts.quick ? 20 : 50;
  const stack = await startLocalStack();
  const restoreEnv = stack.applyEnv();
  try {
    const client = createKeepnetClientFromEnv();
    const app = createApiApp(dependenciesFromEnv());
    const groupId = stack.keepnet.state.groupByName('EU Customers')!.resourceId;

    const direct = async () => {
      await client.getGroup(groupId);
      await client.searchGroupMembers(groupId, { pageNumber: 1, pageSize: 20 });
    };
    const viaApi = async () => {
      for (const path of [`/groups/${groupId}`, `/groups/${groupId}/companies?pageSize=20`]) {
        const result = await app.handle(makeProxyEvent({ method: 'GET', path }), makeLambdaContext());
        if (result.statusCode !== 200) throw new Error(`GET ${path} answered ${result.statusCode}`);
      }
    };
    const routerOnly = async () => {
      const result = await app.handle(
        makeProxyEvent({ method: 'POST', path: '/groups', body: { name: '' } }),
        makeLambdaContext(),
      );
      if (result.statusCode !== 400) throw new Error(`expected 400, got ${result.statusCode}`);
    };

    for (let i = 0; i < warmup; i++) {
      await direct();
      await viaApi();
      await routerOnly();
    }
    const directMs: number[] = [];
    const apiMs: number[] = [];
    const routerMs: number[] = [];
    for (let i = 0; i < requests; i++) {
      // Alternate which goes first so neither always gets the warmer connection or cache.
      const order = i % 2 === 0 ? [direct, viaApi] : [viaApi, direct];
      for (const run of order) {
        const started = performance.now();
        await run();
        (run === direct ? directMs : apiMs).push(performance.now() - started);
      }
      const started = performance.now();
      await routerOnly();
      routerMs.push(performance.now() - started);
    }
    const directStats = stats(directMs);
    const apiStats = stats(apiMs);
    return {
      name: 'api-overhead',
      requests,
      direct: directStats,
      api: apiStats,
      ratio: round(apiStats.medianMs / directStats.medianMs, 3),
      addedMedianMs: round(
        quantile(
          apiMs.map((ms, i) => ms - (directMs[i] ?? 0)),
          0.5,
        ),
        3,
      ),
      routerOnlyMedianMs: round(quantile(routerMs, 0.5), 3),
    };
  } finally {
    await resetKeepnetClientFromEnv();
    restoreEnv();
    await stack.close();
  }
}

function stats(samples: number[]): LatencyStats {
  return { medianMs: round(quantile(samples, 0.5), 3), p95Ms: round(quantile(samples, 0.95), 3) };
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchApi({ quick: process.argv.includes('--quick') })
    .then((result) => {
      console.log(JSON.stringify(result, null, 2));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
