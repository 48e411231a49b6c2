// company-poller configuration, parsed once at cold start with a message naming the variable.
import * as z from 'zod/mini';
import '../../validation/zod-mini-locale';
import { ENV } from '../../config/variables';
import { parseEnv } from '../config';
import type { PollerConfig } from './poll';

const EnvSchema = z.object({
  [ENV.pollerStateBucket]: z
    .string({ error: 'must name the bucket holding the watermark' })
    .check(z.minLength(3)),
  [ENV.pollerStateKey]: z._default(z.string().check(z.minLength(1)), 'company-poller/watermark.json'),
  [ENV.eventBusName]: z._default(z.string().check(z.minLength(1)), 'default'),
  [ENV.pollerEventSource]: z._default(z.string().check(z.minLength(1), z.maxLength(256)), 'keepnet.poller'),
  [ENV.pollerStartTime]: z.optional(
    z.iso.datetime({ error: 'must be an ISO 8601 UTC time, e.g. 2026-01-31T00:00:00Z' }),
  ),
  [ENV.pollerPageSize]: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(1000))), 100),
});

/**
 * POLLER_STATE_BUCKET (required), POLLER_STATE_KEY, EVENT_BUS_NAME, POLLER_EVENT_SOURCE,
 * POLLER_START_TIME and POLLER_PAGE_SIZE (blank counts as unset); throws OnboardingConfigError naming
 * the variable.
 */
export function loadPollerConfig(env: NodeJS.ProcessEnv = process.env): PollerConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const c = parseEnv(EnvSchema, cleaned);
  const startTime = c[ENV.pollerStartTime];
  return {
    state: { bucket: c[ENV.pollerStateBucket], key: c[ENV.pollerStateKey] },
    eventBusName: c[ENV.eventBusName],
    source: c[ENV.pollerEventSource],
    ...(startTime ? { startTime } : {}),
    pageSize: c[ENV.pollerPageSize],
  };
}
