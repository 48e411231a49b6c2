// One Logger and one Metrics per process, shared by lib/ and the handlers. Service name and level
// come from the environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) that the stack sets.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keepnet-automation',
});

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'KeepnetAutomation',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keepnet-automation',
});
