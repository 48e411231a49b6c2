// Public interface of the local Keepnet API simulator. Every other module of the project tests
// against this, so it changes only additively. What the simulator plays, and which readings of the
// vendor's contract it can switch between, is described in ../shared/keepnet/README.md.
import type { SimulatorBehaviour } from './behaviour';

// The switches (SimulatorBehaviour and its parts) are part of this interface.
export type * from './behaviour';

/** A client credential as the token endpoint takes it. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The seeded data's shape and size (seed.ts): the same options give the same data, ids included. */
export interface SeedOptions {
  /** PRNG seed: same seed, same companies, groups, ids and times. Default 42. */
  seed?: number;
  /** Companies of the seeded reseller. Default 50. */
  companies?: number;
  /** Extra synthetic groups ("Group 0001", …) beyond the named ones. Default 0. */
  extraGroups?: number;
  /** Members of each extra group (random companies). Default 5. */
  membersPerExtraGroup?: number;
  /** Start empty (no companies, no groups). */
  empty?: boolean;
  /** The "now" that seeded createTimes are spread back from (epoch ms). Default 2026-11-01T00:00Z (fixed, so seeds repeat). */
  now?: number;
}

/**
 * Options of `startKeepnetSimulator`: any behaviour (switchable later with `configure`), where to listen,
 * what to seed, kept state and credentials.
 */
export interface SimulatorOptions extends Partial<SimulatorBehaviour> {
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: SeedOptions;
  /**
   * Keep the data (companies, groups, members, the id sequence) in this JSON file: loaded at start when
   * it exists (the seed is then not used), rewritten after every change. Default: in memory only.
   */
  stateFile?: string;
  /** Override the seeded credentials (otherwise fixed, well-known values). */
  credentials?: { reseller?: ClientCredentials; nonReseller?: ClientCredentials };
}

// ---- faults ----

/** What an injected fault does to a request it hits. */
export type FaultKind =
  /** Reply with a 5xx (default 500) and an INTERNAL_SERVER_ERROR envelope. */
  | 'server-error'
  /** Reply 429 (Retry-After when `retryAfterSeconds` is set). */
  | 'rate-limited'
  /** Destroy the socket without a reply. */
  | 'connection-reset'
  /** Exports only: announce a Content-Length, send part of the body, destroy the socket. */
  | 'truncated-body'
  /** Revoke every token issued so far, then handle the request (which then gets 401). */
  | 'expire-tokens'
  /** Wait `delayMs` before handling the request normally (a slow call, for timeout tests). */
  | 'delay';

/** One injected fault: which requests it hits (route, times, probability) and the parameters of its kind. */
export interface FaultRule {
  kind: FaultKind;
  /**
   * Which requests: a route key ("PUT /api/company-groups/{resourceId}/participants"), a template
   * without method ("/api/company-groups/search"), a RegExp tested against the route key, or
   * undefined / "*" for every request.
   */
  route?: string | RegExp;
  /** How many matching requests it hits. Default 1 (Infinity allowed). */
  times?: number;
  /** Hit each matching request with this probability (seeded RNG); `times` still caps the hits. */
  probability?: number;
  /** server-error only: the HTTP status (default 500). */
  status?: number;
  /** rate-limited only. */
  retryAfterSeconds?: number;
  /** delay only: how long to hold the request (default 1000). */
  delayMs?: number;
  /** truncated-body only: fraction of the body sent before the socket is destroyed (default 0.5). */
  truncateAt?: number;
  /**
   * server-error and connection-reset: handle the request first (its changes happen), then lose
   * the reply. Models "the call may have succeeded": the case where blind retries duplicate work.
   */
  afterHandling?: boolean;
}

/** One injected rule as `injectFaults` returns it: its hits so far, and a way to cancel it. */
export interface FaultHandle {
  /** How many requests this rule has hit so far. */
  readonly hits: number;
  /** True when `times` is used up. */
  readonly exhausted: boolean;
  cancel(): void;
}

// ---- recorded exchanges ----

/**
 * One request and its reply, kept while `recordExchanges` is on, for contract tests; the bearer token and the
 * client secret are never kept.
 */
export interface RecordedExchange {
  method: string;
  /** The spec's path template, e.g. "/api/company-groups/{resourceId}"; the raw path when unmatched. */
  template: string;
  path: string;
  /** Lower-case header names; `authorization` is never kept. */
  requestHeaders: Record<string, string>;
  /** Parsed JSON or form body (as an object), raw text otherwise, undefined when empty. */
  requestBody: unknown;
  status: number;
  responseContentType: string | null;
  /** Parsed JSON reply; undefined for files and empty bodies. */
  responseBody: unknown;
}

// ---- state ----

/** A company of the seeded reseller as stored; handlers/dtos.ts renders it as the vendor's DTOs. */
export interface SimCompany {
  resourceId: string;
  name: string;
  industryName: string;
  industryResourceId: string;
  licenseTypeName: string;
  licenseTypeResourceId: string;
  licenseEndDate: string | null;
  numberOfUsers: number;
  isNumberOfUsersLimited: boolean;
  /** ISO 8601 UTC. */
  createTime: string;
  resellerName: string;
  countryName: string;
  tags: string[];
  companyStatusId: number;
  companyStatusName: string;
  targetUserCount: number;
}

/**
 * A company group as stored. Its members are kept apart (`groupMemberIds`), as the API leaves them out of
 * group reads.
 */
export interface SimGroup {
  resourceId: string;
  name: string;
  /** ISO 8601 UTC; served as `addedTime` by list/get and `createTime` by search. */
  createTime: string;
}

/** Input of `addCompany` and `POST /api/companies`; only `name` is required. */
export interface NewCompany {
  name: string;
  industryName?: string;
  licenseTypeName?: string;
  licenseEndDate?: string | null;
  numberOfUsers?: number;
  countryName?: string;
  tags?: string[];
  /** ISO time; default now. */
  createTime?: string;
  /** Groups the new company joins (`CompanyGroupResourceIdArray`). */
  groupResourceIds?: string[];
}

/** Direct access to the simulator's data, bypassing HTTP (no counts, no faults, no auth). */
export interface SimulatorState {
  companies(): SimCompany[];
  company(resourceId: string): SimCompany | undefined;
  companyByName(name: string): SimCompany | undefined;
  addCompany(input: NewCompany): SimCompany;
  groups(): SimGroup[];
  group(resourceId: string): SimGroup | undefined;
  /** Case-insensitive, like the API's uniqueness rule. */
  groupByName(name: string): SimGroup | undefined;
  addGroup(name: string, memberIds?: string[]): SimGroup;
  deleteGroup(resourceId: string): boolean;
  /** Member company ids in insertion order; throws for an unknown group. */
  groupMemberIds(resourceId: string): string[];
  setGroupMembers(resourceId: string, companyIds: string[]): void;
}

/**
 * A running simulator: its URL and credentials, direct data access, runtime switches, faults, counts and
 * recordings.
 */
export interface KeepnetSimulator {
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly credentials: { reseller: ClientCredentials; nonReseller: ClientCredentials };
  readonly state: SimulatorState;
  /** Current behaviour (a copy). */
  behaviour(): SimulatorBehaviour;
  configure(patch: Partial<SimulatorBehaviour>): void;
  injectFaults(...rules: FaultRule[]): FaultHandle[];
  clearFaults(): void;
  /** Revoke every token issued so far (the next call with one gets 401). */
  expireTokens(): void;
  /**
   * Moves the simulator's clock forward (token expiry, rate-limit refill), so natural expiry can
   * be tested without waiting. Cumulative; the wall clock keeps running underneath.
   */
  advanceClock(ms: number): void;
  /** Requests per route key ("METHOD /template"), /connect/token included. */
  counts(): Record<string, number>;
  /** Requests to one route key (0 when none). */
  count(routeKey: string): number;
  resetCounts(): void;
  exchanges(): RecordedExchange[];
  clearExchanges(): void;
  /** Restore the seeded state (companies, groups, members); keeps behaviour, counts and faults. */
  reset(): void;
  close(): Promise<void>;
}
