// What invokes scheduled-export: the EventBridge schedule (its `time` is the scheduled time, which names
// the files) or a direct `{ "jobs": [...] }` (jobs validated like EXPORT_JOBS; scheduled time optional).

import * as z from 'zod';
import { EventBridgeSchema } from '../events/eventbridge-envelope';
import { ExportConfigurationError } from './errors';
import { type ExportJob, parseExportJobs } from './job';

const ScheduledEventSchema = EventBridgeSchema.extend({ 'detail-type': z.literal('Scheduled Event') });

const DirectInvocationSchema = z.strictObject({
  jobs: z.array(z.unknown()).min(1),
  /** Defaults to now, truncated to the second. */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
  /** Also write the membership snapshot and diff (default false for a direct run). */
  snapshot: z.boolean().optional(),
});

/** One run, as the invoking event asks for it. */
export interface ExportInvocation {
  scheduledTime: Date;
  /** null: the configured EXPORT_JOBS. */
  jobs: ExportJob[] | null;
  snapshot: boolean;
}

/**
 * Reads the EventBridge schedule's event (its `time` names the files) or a direct `{ jobs, scheduledTime?,
 * snapshot? }`; throws `ExportConfigurationError` naming what does not fit. `now` stands in for a missing time.
 */
export function parseExportInvocation(event: unknown, now: Date = new Date()): ExportInvocation {
  if (typeof event === 'object' && event !== null && 'detail-type' in event) {
    const parsed = ScheduledEventSchema.safeParse(event);
    if (!parsed.success)
      throw new ExportConfigurationError(`scheduled event: ${z.prettifyError(parsed.error)}`);
    return { scheduledTime: new Date(parsed.data.time), jobs: null, snapshot: true };
  }
  const parsed = DirectInvocationSchema.safeParse(event);
  if (!parsed.success) {
    throw new ExportConfigurationError(
      `event: expected an EventBridge "Scheduled Event" or { "jobs": [...] }: ${z.prettifyError(parsed.error)}`,
    );
  }
  const scheduledTime =
    parsed.data.scheduledTime === undefined
      ? new Date(Math.floor(now.getTime() / 1000) * 1000)
      : new Date(parsed.data.scheduledTime);
  return {
    scheduledTime,
    jobs: parseExportJobs(parsed.data.jobs, 'jobs'),
    snapshot: parsed.data.snapshot ?? false,
  };
}
