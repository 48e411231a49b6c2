// What a route handler gets: the parsed request and the simulator's live parts.
import type { Principal, TokenAuthority } from './auth';
import type { SimulatorBehaviour } from './behaviour';
import type { Reply } from './reply';
import type { SimulatorStore } from './store';

/**
 * The live parts every handler shares. `behaviour` is replaced whole by `configure`, so read it per request,
 * never keep a copy.
 */
export interface SimulatorCore {
  store: SimulatorStore;
  auth: TokenAuthority;
  behaviour: SimulatorBehaviour;
  /** Simulator time (epoch ms): wall clock plus whatever `advanceClock` added. */
  clock: () => number;
}

/** One request as a handler sees it: routed, authenticated and its body parsed by server.ts. */
export interface HandlerRequest {
  params: Record<string, string>;
  /** JSON body with canonical camelCase keys (undefined when empty or not JSON). */
  body: unknown;
  rawBody: Buffer;
  /** Media type without parameters, lower case ('' when absent). */
  mediaType: string;
  principal: Principal | undefined;
  core: SimulatorCore;
}

/**
 * A route's handler: it describes the reply (reply.ts) and server.ts writes it, so handlers know nothing of
 * sockets.
 */
export type Handler = (request: HandlerRequest) => Reply | Promise<Reply>;
