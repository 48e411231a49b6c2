// What every command gets: where to write, and lazily opened connections.
import type { KeepnetApi } from '../lib/keepnet/types';
import type { CliIo } from './output';

/** Options every command accepts: where Keepnet is and which credentials to use. */
export interface GlobalOptions {
  local?: boolean;
  secretId?: string;
  baseUrl?: string;
}

/**
 * What every command gets: where to write, a lazily opened Keepnet connection (so `--help` and
 * usage errors never need credentials), and the AWS environment.
 */
export interface CommandContext {
  io: CliIo;
  keepnet(): Promise<KeepnetApi>;
  /** Environment for AWS clients (S3, SQS): with --local, the local stand-ins' endpoints. */
  awsEnv(): Promise<Record<string, string | undefined>>;
}
