import { ExportConfigurationError } from '../../lib/exports/errors';
import { parseExportInvocation } from '../../lib/exports/event';
import { scheduledEvent } from '../../local/runner/events';

// As an EventBridge schedule delivers it (the runner's factory), at a fixed time.
const scheduled = { ...scheduledEvent('nightly-export'), time: '2026-11-28T02:00:00Z' };

describe('parseExportInvocation', () => {
  it("takes the schedule's time as the scheduled time, configured jobs and a snapshot", () => {
    const invocation = parseExportInvocation(scheduled);
    expect(invocation).toEqual({
      scheduledTime: new Date('2026-11-28T02:00:00Z'),
      jobs: null,
      snapshot: true,
    });
  });

  it('reads a direct { jobs } invocation, defaulting the time to now (whole seconds)', () => {
    const now = new Date('2026-11-28T10:11:12.345Z');
    const invocation = parseExportInvocation({ jobs: [{ what: 'groups', format: 'Excel' }] }, now);
    expect(invocation.scheduledTime.toISOString()).toBe('2026-11-28T10:11:12.000Z');
    expect(invocation.jobs).toEqual([{ what: 'groups', format: 'Excel' }]);
    expect(invocation.snapshot).toBe(false);
    const explicit = parseExportInvocation({
      jobs: [{ what: 'groups', format: 'CSV' }],
      scheduledTime: '2026-11-27T02:00:00Z',
      snapshot: true,
    });
    expect(explicit.scheduledTime.toISOString()).toBe('2026-11-27T02:00:00.000Z');
    expect(explicit.snapshot).toBe(true);
  });

  it('names the job and field of a bad direct job', () => {
    expect(() => parseExportInvocation({ jobs: [{ what: 'groups', format: 'csv' }] })).toThrow(
      /jobs\[0\]: format: /,
    );
  });

  it('rejects other events clearly', () => {
    expect(() => parseExportInvocation({ ...scheduled, 'detail-type': 'CompanyCreated' })).toThrow(
      ExportConfigurationError,
    );
    expect(() => parseExportInvocation({ ...scheduled, time: 'yesterday' })).toThrow(/time/);
    expect(() => parseExportInvocation({})).toThrow(
      /expected an EventBridge "Scheduled Event" or \{ "jobs": \[\.\.\.\] \}/,
    );
    expect(() => parseExportInvocation(null)).toThrow(ExportConfigurationError);
  });
});
