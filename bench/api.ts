// What the `api` function adds to a Keepnet call: the same read done directly with the Keepnet client
// and through the handler (full API Gateway v1 event → router → validation → client → JSON answer),
// interleaved request by request against the local simulator, compared by their medians. Likewise for
// `GET /operations/{id}`: the handler beside a direct OperationStore.get of the same record on the same
// s3rver.
// Run alone: `npx tsx bench/api.ts [--quick]`.

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createKeepnetClientFromEnv, resetKeepnetClientFromEnv } from '../lib/keepnet/index';
import { operationStoreFromEnv } from '../lib/operations/config';
import type { OperationRecord } from '../lib/operations/operation';
import { createApiApp } from '../lib/rest-api/app';
import { dependenciesFromEnv } from '../lib/rest-api/dependencies';
import { startEmulators } from '../local/emulators';
import { makeLambdaContext, makeProxyEvent } from '../local/lambda-events';
import { applyEnv } from '../local/process-env';
import { startSqs } from '../local/sqs-fifo';

export interface LatencyStats {
  medianMs: number;
  p95Ms: number;
}

/** One path through the handler beside the direct call it wraps, interleaved, same requests. */
export interface LatencyComparison {
  direct: LatencyStats;
  api: LatencyStats;
  /** api median / direct median: 1.0 means the function adds nothing. */
  ratio: number;
  /** api p95 / direct p95: what the slow tail adds. */
  p95Ratio: number;
  /** Median of the per-request differences (api − direct), in ms. */
  addedMedianMs: number;
}

/**
 * Group reads: `client.getGroup` then `client.searchGroupMembers` called directly (`direct`), beside
 * `GET /groups/{id}` and `GET /groups/{id}/companies` through the handler (`api`).
 */
export interface ApiBenchResult extends LatencyComparison {
  name: 'api-overhead';
  requests: number;
  /** A request refused by validation (no Keepnet call): the router's own cost, median ms. */
  routerOnlyMedianMs: number;
  /** `GET /operations/{id}` through the handler beside OperationStore.get of the same record. */
  operations: LatencyComparison;
}

type Probe = () => Promise<void>;

/**
 * Times `direct` and `viaApi` request by request after a warm-up, alternating which goes first so
 * neither always gets the warmer connection or cache; `alongside` (if any) runs once per round.
 */
async function compareInterleaved(
  direct: Probe,
  viaApi: Probe,
  counts: { requests: number; warmup: number },
  alongside?: Probe,
): Promise<LatencyComparison & { alongsideMs: number[] }> {
  for (let i = 0; i < counts.warmup; i++) {
    await direct();
    await viaApi();
    await alongside?.();
  }
  const directMs: number[] = [];
  const apiMs: number[] = [];
  const alongsideMs: number[] = [];
  const timed = async (run: Probe, into: number[]) => {
    const started = performance.now();
    await run();
    into.push(performance.now() - started);
  };
  for (let i = 0; i < counts.requests; i++) {
    if (i % 2 === 0) {
      await timed(direct, directMs);
      await timed(viaApi, apiMs);
    } else {
      await timed(viaApi, apiMs);
      await timed(direct, directMs);
    }
    if (alongside) await timed(alongside, alongsideMs);
  }
  const directStats = stats(directMs);
  const apiStats = stats(apiMs);
  return {
    direct: directStats,
    api: apiStats,
    ratio: round(apiStats.medianMs / directStats.medianMs, 3),
    p95Ratio: round(apiStats.p95Ms / directStats.p95Ms, 3),
    addedMedianMs: round(
      quantile(
        apiMs.map((ms, i) => ms - (directMs[i] ?? 0)),
        0.5,
      ),
      3,
    ),
    alongsideMs,
  };
}

/** A settled operation as the worker leaves it: what a client polling Location finally reads. */
function succeededRecord(pending: OperationRecord, added: string[]): OperationRecord {
  return {
    ...pending,
    status: 'succeeded',
    updatedAt: new Date().toISOString(),
    result: { added, removed: [], alreadySo: [], refused: [] },
  };
}

export async function benchApi(opts: { quick?: boolean } = {}): Promise<ApiBenchResult> {
  const counts = { requests: opts.quick ? 100 : 500, warmup: opts.quick ? 20 : 50 };
  const stack = await startEmulators();
  // Group writes need the onboarding queue (OperationsAccess refuses to start without it): a real one,
  // so the operation read back below was submitted through the API as a client's would be.
  const sqs = await startSqs();
  const restoreEnv = stack.applyEnv();
  const restoreQueue = applyEnv({
    ONBOARDING_QUEUE_URL: sqs.createFifoQueueWithDlq('bench-api-onboarding').queueUrl,
    AWS_ENDPOINT_URL_SQS: sqs.url,
  });
  try {
    const client = createKeepnetClientFromEnv();
    const app = createApiApp(dependenciesFromEnv());
    const groupId = stack.keepnet.state.groupByName('EU Customers')!.resourceId;
    const handle = async (input: Parameters<typeof makeProxyEvent>[0], expected: number) => {
      const result = await app.handle(makeProxyEvent(input), makeLambdaContext());
      if (result.statusCode !== expected) {
        throw new Error(`${input.method} ${input.path} answered ${result.statusCode}, expected ${expected}`);
      }
      return result;
    };

    const groupReads = await compareInterleaved(
      async () => {
        await client.getGroup(groupId);
        await client.searchGroupMembers(groupId, { pageNumber: 1, pageSize: 20 });
      },
      async () => {
        for (const path of [`/groups/${groupId}`, `/groups/${groupId}/companies?pageSize=20`]) {
          await handle({ method: 'GET', path }, 200);
        }
      },
      counts,
      async () => {
        await handle({ method: 'POST', path: '/groups', body: { name: '' } }, 400);
      },
    );

    const store = operationStoreFromEnv()!;
    const newcomers = Array.from({ length: 10 }, (_, i) =>
      stack.keepnet.state.addCompany({ name: `Op ${i}` }),
    );
    const accepted = await handle(
      {
        method: 'POST',
        path: `/groups/${groupId}/companies`,
        body: { companyResourceIds: newcomers.map((c) => c.resourceId) },
      },
      202,
    );
    const { operationId } = JSON.parse(accepted.body) as { operationId: string };
    const pending = await store.get(operationId);
    if (!pending) throw new Error(`operation ${operationId} was accepted but has no record`);
    await store.put(
      succeededRecord(
        pending,
        newcomers.map((c) => c.resourceId),
      ),
    );
    const operations = await compareInterleaved(
      async () => {
        if ((await store.get(operationId))?.status !== 'succeeded') throw new Error('record not succeeded');
      },
      async () => {
        await handle({ method: 'GET', path: `/operations/${operationId}` }, 200);
      },
      counts,
    );
    const { alongsideMs: routerMs, ...reads } = groupReads;
    const { alongsideMs: _none, ...operationReads } = operations;
    return {
      name: 'api-overhead',
      requests: counts.requests,
      ...reads,
      routerOnlyMedianMs: round(quantile(routerMs, 0.5), 3),
      operations: operationReads,
    };
  } finally {
    await resetKeepnetClientFromEnv();
    restoreQueue();
    restoreEnv();
    await Promise.all([stack.close(), sqs.close()]);
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
