// What a route handler gets: the parsed request and the simulator's live parts.
import type { Principal, TokenAuthority } from './auth';
import type { Reply } from './reply';
import type { SimulatorStore } from './store';
import type { SimulatorBehaviour } from './types';

export interface SimulatorCore {
  store: SimulatorStore;
  auth: TokenAuthority;
  behaviour: SimulatorBehaviour;
  /** Simulator time (epoch ms): wall clock plus whatever `advanceClock` added. */
  clock: () => number;
}

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

export type Handler = (request: HandlerRequest) => Reply | Promise<Reply>;
