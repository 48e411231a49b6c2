// What one export call exports: a job reduced to its name, format, search and group.
import type { SearchOptions } from '../keepnet/types';
import type { ExportFormat, ExportJob, SingleExportJob } from './job';
import { jobName } from './job';

/** A job bound to what it exports: one Keepnet export call, one object. */
export interface ExportTarget {
  name: string;
  format: ExportFormat;
  search: SearchOptions;
  groupId: string | null;
}

/** What a single-file job exports. */
export function targetOf(job: SingleExportJob): ExportTarget {
  return {
    name: jobName(job),
    format: job.format,
    search: searchOf(job),
    groupId: job.what === 'group-members' ? job.groupId : null,
  };
}

/** The search options a job sets (filter, order), and only those: the client completes the rest. */
export function searchOf(job: ExportJob): SearchOptions {
  const search: SearchOptions = {};
  if (job.filter !== undefined) search.filter = job.filter;
  if (job.orderBy !== undefined) search.orderBy = job.orderBy;
  if (job.ascending !== undefined) search.ascending = job.ascending;
  return search;
}
