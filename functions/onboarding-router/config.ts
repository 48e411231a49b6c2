// The router's whole configuration, read once at cold start: a bad GROUP_RULES or queue URL stops the
// function at init, named in the message.
import { loadRouterConfig, type RouterConfig } from '../../lib/onboarding/config';

/** ONBOARDING_QUEUE_URL and GROUP_RULES; throws OnboardingConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): RouterConfig {
  return loadRouterConfig(env);
}
