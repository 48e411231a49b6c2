// One Logger and one Metrics per process, shared by lib/ and the handlers. Service name and level
// come from the environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) that the stack sets.
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ENV } from '../config/variables';
import { onFirstUse } from './on-first-use';
import { redactSecrets } from './redact';

// The level as the process started with it: the Logger itself is built on its first use (below), and a
// level changed in between (tests load the module at DEBUG, then restore) must not change it.
const logLevel = (process.env[ENV.powertoolsLogLevel] ?? process.env[ENV.logLevel]) as LogLevel | undefined;

/**
 * The process's Logger. Built on first use, not at load: each opens its own Console on process.stdout/stderr,
 * and creating those streams is a measurable part of a cold start (bench/cold-start.ts); a bundle's first
 * log line pays it instead. Every printed line goes through redactSecrets (./redact.ts): a credential
 * logged by mistake is cut out. Powertools' event logging stays off everywhere: raw events carry the
 * caller's SigV4 Authorization header and webhook signatures (test/unit/security-logging.test.ts checks
 * the sources).
 */
export const logger: Logger = /* @__PURE__ */ onFirstUse(
  () =>
    new Logger({
      serviceName: process.env[ENV.powertoolsServiceName] ?? 'keepnet-automation',
      ...(logLevel ? { logLevel } : {}),
      jsonReplacerFn: redactSecrets,
    }),
);

/**
 * The process's Metrics (EMF), built on first use. Pure: a bundle that never imports `metrics` (router,
 * poller, api) drops it and the Metrics package.
 */
export const metrics: Metrics = /* @__PURE__ */ onFirstUse(
  () =>
    new Metrics({
      namespace: process.env[ENV.powertoolsMetricsNamespace] ?? 'KeepnetAutomation',
      serviceName: process.env[ENV.powertoolsServiceName] ?? 'keepnet-automation',
    }),
);
