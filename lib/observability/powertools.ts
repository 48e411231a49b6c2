// One Logger and one Metrics per process, shared by lib/ and the handlers. Service name and level
// come from the environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) that the stack sets.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = /* @__PURE__ */ new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keepnet-automation',
});

// Pure: a bundle that never imports `metrics` (router, poller, api) drops it and the Metrics package
// (esbuild keeps an unused `new` otherwise, as it cannot know the constructor has no side effects).
export const metrics = /* @__PURE__ */ new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'KeepnetAutomation',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keepnet-automation',
});
