// What a simulator can be switched between at start and at runtime (`configure`): the readings of the
// vendor's contract it plays (../shared/keepnet/README.md), its limits and the reply quirks. Part of the
// public interface: types.ts re-exports it.

/** `replace`: PUT …/participants replaces the member list (seed docs). `additive`: it adds (spec, UI). */
export type ParticipantsMode = 'replace' | 'additive';

/**
 * What `PUT /api/company-groups/{id}` does when `companyResourceIdArray` is missing or null.
 * `clear` (default) is the pessimistic reading: the group loses its members. `keep` leaves them.
 */
export type UpdateWithoutMembersBehaviour = 'clear' | 'keep';

/** `standard`: `{ data, status, message, validationMessages }`. `isSuccess`: `{ isSuccess, data, messages }`. */
export type EnvelopeStyle = 'standard' | 'isSuccess';

/** Case of the JSON keys the simulator writes (it always reads keys case-insensitively). */
export type KeyCase = 'camel' | 'pascal';

/** Token bucket per credential (client id): `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
  /** Retry-After header on 429 replies, in seconds; omitted when undefined (the vendor documents none). */
  retryAfterSeconds?: number;
}

/**
 * Makes exports synthetic: instead of the stored rows, the export body holds generated rows until
 * `rows` rows or about `bytes` bytes are written (`bytes` wins if both are given). Generated
 * lazily with backpressure, so a 500 MB export never sits in memory. CSV repeats one block of
 * 1000 distinct rows rendered once (memory speed, ~100 MB/s here), and its length is the same on
 * every request with the same plan; Excel goes row by row through exceljs' streaming writer (real
 * but slow, ~1.5 MB/s of .xlsx here) and, with `bytes`, stops when its output reaches the target,
 * so its length varies slightly from run to run (with `rows` it is exact).
 */
export interface SyntheticExport {
  rows?: number;
  bytes?: number;
}

/**
 * Replies the vendor's spec allows (or a real server has been seen to give) that a client must
 * survive. Each is switchable on its own at runtime (`configure({ quirks: { … } })`); `{}` is none.
 */
export interface ReplyQuirks {
  /**
   * `createTime: null` in SearchCompanyDto (companies search) and SearchGroupCompanyDto (members
   * search) for these company ids, or for every company (`'all'`). The spec marks it nullable.
   */
  nullCreateTime?: 'all' | string[];
  /**
   * Companies search nests companies under a parent (`SearchCompanyDto.children`): parent id → child
   * ids. Children leave the top level (paging counts parents only) and appear in their parent's
   * `children`, wherever the parent is.
   */
  childrenOf?: Record<string, string[]>;
  /** List replies (groups list and the three searches): `data` left out (`missing`) or `null`. */
  listData?: 'missing' | 'null';
  /**
   * What the two exports answer instead of the file: `byte-array` an ExportServiceResult JSON with the
   * file base64-encoded in `byteArray` (streamed, so a large one is large on the wire too), `file-path`
   * one with only `filePath`/`fileName`, `empty` a 200 with no body. `file` (default): the file.
   */
  exportReply?: 'file' | 'byte-array' | 'file-path' | 'empty';
  /**
   * Export files cut short but framed as complete: only the first `keep` fraction (default 0.5) is
   * sent, with a Content-Length matching what is sent (`content-length`) or as a chunked body that ends
   * cleanly (`chunked`). `at: 'record'` cuts after the last line break before that point (a CSV that
   * looks whole, only shorter); `'byte'` (default) cuts exactly there.
   */
  shortExport?: { framing: 'content-length' | 'chunked'; keep?: number; at?: 'byte' | 'record' };
}

/** Everything that can be switched at start (`SimulatorOptions`) and at runtime (`configure`). */
export interface SimulatorBehaviour {
  participantsMode: ParticipantsMode;
  updateWithoutMembers: UpdateWithoutMembersBehaviour;
  /** Added before every reply (token endpoint included). */
  latencyMs: number;
  /** null: unlimited. */
  rateLimit: RateLimit | null;
  tokenLifetimeSeconds: number;
  /** HTTP status for a refused client on /connect/token (the sources differ: 400 or 401). */
  invalidClientStatus: 400 | 401;
  envelope: EnvelopeStyle;
  keyCase: KeyCase;
  /** `jwt`: three base64url segments like the vendor's; `opaque`: a random string. */
  tokenFormat: 'jwt' | 'opaque';
  syntheticExport: SyntheticExport | null;
  /** Reply shapes a client must survive; `{}` plays none (see ReplyQuirks). */
  quirks: ReplyQuirks;
  /** When true, every exchange is kept for `exchanges()` (contract tests). */
  recordExchanges: boolean;
}
