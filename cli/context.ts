// What every command gets: where to write, and a lazily opened Keepnet connection (so `--help` and
// usage errors never need credentials).
import type { KeepnetApi } from '../lib/keepnet/types';
import type { CliIo } from './output';

export interface GlobalOptions {
  local?: boolean;
  secretId?: string;
  baseUrl?: string;
}

export interface CommandContext {
  io: CliIo;
  keepnet(): Promise<KeepnetApi>;
  /** Environment for AWS clients (S3, SQS): with --local, the local stand-ins' endpoints. */
  awsEnv(): Promise<Record<string, string | undefined>>;
}
