// One Logger and one Metrics per process, shared by lib/ and the handlers. Service name and level
// come from the environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) that the stack sets.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { redactSecrets } from './redact';

// Every printed line goes through redactSecrets (./redact.ts): a credential logged by mistake is cut out.
// Powertools' event logging stays off everywhere: raw events carry the caller's SigV4 Authorization
// header and webhook signatures (test/unit/security-logging.test.ts checks the sources).
export const logger = /* @__PURE__ */ new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keepnet-automation',
  jsonReplacerFn: redactSecrets,
});

// Pure: a bundle that never imports `metrics` (router, poller, api) drops it and the Metrics package
// (esbuild keeps an unused `new` otherwise, as it cannot know the constructor has no side effects).
export const metrics = /* @__PURE__ */ new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'KeepnetAutomation',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keepnet-automation',
});
