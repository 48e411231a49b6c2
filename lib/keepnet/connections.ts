// Connections to Keepnet: the keep-alive undici Pool, its timeouts, and the one-shot connection a create
// travels on.
import { Client, type Dispatcher, Pool } from 'undici';
import type { KeepnetEndpoint } from './endpoint';

/** Socket timeouts, in milliseconds. */
export interface TransportTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From sending the request to the reply's headers. */
  headersMs: number;
  /** Longest silence between two body chunks (not the whole download). */
  bodyMs: number;
  /** Idle keep-alive; shorter than typical server keep-alive (5 s) so we never reuse a socket being closed. */
  keepAliveMs: number;
}

/** All well under a Lambda timeout (the functions run for up to a few minutes). */
export const DEFAULT_TIMEOUTS: TransportTimeouts = {
  connectMs: 5_000,
  headersMs: 20_000,
  bodyMs: 30_000,
  keepAliveMs: 4_000,
};

/** Connection settings of {@link KeepnetConnections}: its timeouts, and a dispatcher of your own (tests) or the pool's size. */
export interface ConnectionOptions {
  /** Bring your own undici dispatcher (tests); default: one keep-alive Pool per client, made on first use. */
  dispatcher?: Dispatcher | undefined;
  /** Max parallel connections of the default Pool (default 16). */
  connections?: number | undefined;
  timeouts: TransportTimeouts;
}

/** The dispatcher a request goes out on, and what to do once its reply has been read. */
export interface Lease {
  dispatcher: Dispatcher;
  /** Closes a one-shot connection; nothing for the pool. Never rejects. */
  release(): Promise<void>;
}

/**
 * The client's connections: one Pool to the endpoint pinned at first use, closed by {@link close} only
 * when this client made it (a dispatcher passed in belongs to its owner).
 */
export class KeepnetConnections {
  private readonly timeouts: TransportTimeouts;
  private readonly connections: number;
  private readonly ownsDispatcher: boolean;
  private dispatcher: Dispatcher | undefined;

  constructor(options: ConnectionOptions) {
    this.timeouts = options.timeouts;
    this.connections = options.connections ?? 16;
    this.dispatcher = options.dispatcher;
    this.ownsDispatcher = options.dispatcher === undefined;
  }

  /** The pooled (or injected) dispatcher, created for `endpoint` on first use. */
  pooled(endpoint: KeepnetEndpoint): Dispatcher {
    this.dispatcher ??= new Pool(endpoint.origin, {
      connections: this.connections,
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
      keepAliveTimeout: this.timeouts.keepAliveMs,
      keepAliveMaxTimeout: this.timeouts.keepAliveMs,
    });
    return this.dispatcher;
  }

  /**
   * The dispatcher for one API request. A create (`oneShot`) gets a connection of its own when we own
   * the pool: a pooled keep-alive socket may be closed by the server (or a load balancer) just as a
   * request is written on it, and the request then fails with a reset although it was never read. Reads
   * and idempotent writes simply retry, but a create cannot tell that reset from one after processing,
   * so it would fail "ambiguously" for nothing. A fresh connection has no such race: a reset on it is a
   * real one. Creates are rare (a group named but missing), so the extra handshake is cheap. Release
   * the lease once the reply is read whole (creates are JSON calls, so closing then loses nothing).
   */
  lease(endpoint: KeepnetEndpoint, oneShot: boolean): Lease {
    if (!(oneShot && this.ownsDispatcher)) {
      return { dispatcher: this.pooled(endpoint), release: () => Promise.resolve() };
    }
    const client = new Client(endpoint.origin, {
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    });
    return { dispatcher: client, release: () => client.destroy().catch(() => undefined) };
  }

  /** Closes the pool this client made; an injected dispatcher is left open. Forgets it either way. */
  async close(): Promise<void> {
    if (this.ownsDispatcher && this.dispatcher) await this.dispatcher.close();
    this.dispatcher = undefined;
  }
}
