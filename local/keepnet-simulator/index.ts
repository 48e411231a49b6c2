// startKeepnetSimulator: the local stand-in for the Keepnet Labs API (see types.ts for the
// interface and ../shared/keepnet/README.md for what it plays). In-process, 127.0.0.1, port 0.
import type { AddressInfo } from 'node:net';
import { TokenAuthority } from './auth';
import type { SimulatorCore } from './context';
import { FaultPlan } from './faults';
import { readKeptState, writeKeptState } from './persistence';
import { RateLimiter } from './rate-limit';
import { seededRandom } from './rng';
import { idSequence, seedStore } from './seed';
import { createSimulatorServer } from './server';
import { SimulatorStore } from './store';
import type {
  ClientCredentials,
  KeepnetSimulator,
  RecordedExchange,
  SimulatorBehaviour,
  SimulatorOptions,
} from './types';

export { AWKWARD_COMPANY_NAME, SEEDED_GROUP_NAMES } from './seed';
export type * from './types';

/** Well-known seeded credentials (local only; they open nothing but the simulator). */
export const DEFAULT_CREDENTIALS: { reseller: ClientCredentials; nonReseller: ClientCredentials } = {
  reseller: { clientId: 'sim-reseller-client', clientSecret: 'sim-reseller-secret' },
  nonReseller: { clientId: 'sim-company-client', clientSecret: 'sim-company-secret' },
};

/**
 * The behaviour nothing has switched: the pessimistic readings of the contract (participants replace, an
 * update without members clears them), no latency or rate limit, hour-long JWT-looking tokens, 400 for a
 * refused client, camelCase keys in the spec's envelope, no quirks.
 */
export const DEFAULT_BEHAVIOUR: SimulatorBehaviour = {
  participantsMode: 'replace',
  updateWithoutMembers: 'clear',
  latencyMs: 0,
  rateLimit: null,
  tokenLifetimeSeconds: 3600,
  invalidClientStatus: 400,
  envelope: 'standard',
  keyCase: 'camel',
  tokenFormat: 'jwt',
  syntheticExport: null,
  quirks: {},
  recordExchanges: false,
};

function behaviourFrom(options: SimulatorOptions): SimulatorBehaviour {
  const behaviour = { ...DEFAULT_BEHAVIOUR };
  for (const key of Object.keys(DEFAULT_BEHAVIOUR) as (keyof SimulatorBehaviour)[]) {
    if (options[key] !== undefined) Object.assign(behaviour, { [key]: options[key] });
  }
  return behaviour;
}

/**
 * Starts a simulator (default 127.0.0.1, an ephemeral port), seeded, or loaded from `stateFile` when that
 * exists, and returns its handle. Rejects when the port cannot be bound or the state file is not one it
 * wrote.
 */
export async function startKeepnetSimulator(options: SimulatorOptions = {}): Promise<KeepnetSimulator> {
  const credentials = {
    reseller: options.credentials?.reseller ?? DEFAULT_CREDENTIALS.reseller,
    nonReseller: options.credentials?.nonReseller ?? DEFAULT_CREDENTIALS.nonReseller,
  };
  const seedOptions = options.seed ?? {};
  const store = new SimulatorStore(seededRandom(seedOptions.seed ?? 42));
  const kept = options.stateFile ? readKeptState(options.stateFile) : undefined;
  // The same id sequence as seedStore uses, continued past the draws the kept state already made.
  if (kept) store.restore(kept, idSequence(seedOptions.seed));
  else seedStore(store, seedOptions);
  const { stateFile } = options;
  if (stateFile) {
    store.onChange(() => writeKeptState(stateFile, store.snapshot()));
    if (!kept) writeKeptState(stateFile, store.snapshot());
  }
  let clockOffsetMs = 0;
  const core: SimulatorCore = {
    store,
    auth: new TokenAuthority(credentials),
    behaviour: behaviourFrom(options),
    clock: () => Date.now() + clockOffsetMs,
  };
  const faults = new FaultPlan(seededRandom((seedOptions.seed ?? 42) ^ 0xfa17));
  const limiter = new RateLimiter();
  const counts = new Map<string, number>();
  let exchanges: RecordedExchange[] = [];
  const parts = {
    core,
    faults,
    limiter,
    counts,
    get exchanges() {
      return exchanges;
    },
  };

  const server = createSimulatorServer(parts);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    url: `http://${host}:${port}`,
    port,
    credentials,
    state: store,
    behaviour: () => ({ ...core.behaviour }),
    configure(patch) {
      core.behaviour = { ...core.behaviour, ...patch };
      if ('rateLimit' in patch) limiter.reset();
    },
    injectFaults: (...rules) => faults.add(rules),
    clearFaults: () => faults.clear(),
    expireTokens: () => core.auth.revokeAll(),
    advanceClock: (ms) => {
      clockOffsetMs += ms;
    },
    counts: () => Object.fromEntries(counts),
    count: (routeKey) => counts.get(routeKey) ?? 0,
    resetCounts: () => counts.clear(),
    exchanges: () => [...exchanges],
    clearExchanges: () => {
      exchanges = [];
    },
    reset: () => seedStore(store, seedOptions),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
