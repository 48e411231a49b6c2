// Where the client gets its Keepnet client credentials from, and the fixed provider.
import type { KeepnetCredentials } from './keepnet-secret';

/**
 * Where the client gets its Keepnet credentials. The client asks on every token fetch, so providers cache;
 * `invalidate()` makes the next `get()` read the source again (called after Keepnet refuses a credential,
 * because the secret may have been rotated since it was cached).
 */
export interface CredentialsProvider {
  get(): Promise<KeepnetCredentials>;
  invalidate(): void;
}

/** Fixed credentials (tests, the CLI with explicit flags). */
export class StaticCredentialsProvider implements CredentialsProvider {
  constructor(private readonly credentials: KeepnetCredentials) {}

  async get(): Promise<KeepnetCredentials> {
    return this.credentials;
  }

  invalidate(): void {}
}
