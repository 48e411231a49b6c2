// The poller's whole configuration, read once at cold start; a missing or bad variable stops the
// function at init, named in the message.
import { s3PathStyleFromEnv } from '../../lib/config/read';
import { type KeepnetClientSettings, keepnetClientSettingsFromEnv } from '../../lib/keepnet/client-env';
import { loadPollerConfig } from '../../lib/onboarding/poller/config';
import type { PollerConfig } from '../../lib/onboarding/poller/poll';

/** The watermark, bus and paging settings, the Keepnet client's settings and S3 addressing. */
export interface PollerFunctionConfig {
  poll: PollerConfig;
  keepnet: KeepnetClientSettings;
  /** Path-style S3 addressing: set whenever AWS_ENDPOINT_URL_S3 is (local S3s need it). */
  s3PathStyle: boolean;
}

/** Reads and checks every variable the poller uses; throws naming the first one at fault. */
export function loadConfig(env: NodeJS.ProcessEnv): PollerFunctionConfig {
  return {
    poll: loadPollerConfig(env),
    keepnet: keepnetClientSettingsFromEnv(env),
    s3PathStyle: s3PathStyleFromEnv(env),
  };
}
