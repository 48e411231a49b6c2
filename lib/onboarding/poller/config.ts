// company-poller configuration, parsed once at cold start with a message naming the variable.
import * as z from 'zod';
import { formatIssues } from '../../validation/zod-issues';
import { OnboardingConfigError } from '../config';
import type { PollerConfig } from './poll';

const EnvSchema = z.object({
  POLLER_STATE_BUCKET: z.string({ error: 'must name the bucket holding the watermark' }).min(3),
  POLLER_STATE_KEY: z.string().min(1).default('company-poller/watermark.json'),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  POLLER_EVENT_SOURCE: z.string().min(1).max(256).default('keepnet.poller'),
  POLLER_START_TIME: z.iso
    .datetime({ error: 'must be an ISO 8601 UTC time, e.g. 2026-01-31T00:00:00Z' })
    .optional(),
  POLLER_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
});

export function loadPollerConfig(env: NodeJS.ProcessEnv = process.env): PollerConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
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
