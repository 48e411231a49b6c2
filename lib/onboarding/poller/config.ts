// company-poller configuration, parsed once at cold start with a message naming the variable. zod/mini:
// it runs in every cold start (bench/cold-start.ts).
import * as z from 'zod/mini';
import '../../validation/zod-mini-locale';
import { formatIssues } from '../../validation/zod-issues';
import { OnboardingConfigError } from '../config';
import type { PollerConfig } from './poll';

const EnvSchema = z.object({
  POLLER_STATE_BUCKET: z
    .string({ error: 'must name the bucket holding the watermark' })
    .check(z.minLength(3)),
  POLLER_STATE_KEY: z._default(z.string().check(z.minLength(1)), 'company-poller/watermark.json'),
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1)), 'default'),
  POLLER_EVENT_SOURCE: z._default(z.string().check(z.minLength(1), z.maxLength(256)), 'keepnet.poller'),
  POLLER_START_TIME: z.optional(
    z.iso.datetime({ error: 'must be an ISO 8601 UTC time, e.g. 2026-01-31T00:00:00Z' }),
  ),
  POLLER_PAGE_SIZE: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(1000))), 100),
});

/**
 * POLLER_STATE_BUCKET, POLLER_STATE_KEY, EVENT_BUS_NAME, POLLER_EVENT_SOURCE, POLLER_START_TIME and
 * POLLER_PAGE_SIZE (1–1000, default 100); blank counts as unset. Throws `OnboardingConfigError`.
 */
export function loadPollerConfig(env: NodeJS.ProcessEnv = process.env): PollerConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = z.safeParse(EnvSchema, cleaned);
  if (!parsed.success)
    throw new OnboardingConfigError(`Invalid configuration: ${formatIssues(parsed.error)}`);
  const c = parsed.data;
  return {
    state: { bucket: c.POLLER_STATE_BUCKET, key: c.POLLER_STATE_KEY },
    eventBusName: c.EVENT_BUS_NAME,
    source: c.POLLER_EVENT_SOURCE,
    ...(c.POLLER_START_TIME ? { startTime: c.POLLER_START_TIME } : {}),
    pageSize: c.POLLER_PAGE_SIZE,
  };
}
