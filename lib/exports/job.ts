// What a nightly export job is, how EXPORT_JOBS is read, and the job set used when it is not set.
// A bad job fails at cold start with a message naming the job and the field, never halfway through a run.
import * as z from 'zod';
import { ENV } from '../config/variables';
import { issuePath } from '../validation/zod-issues';
import { ExportConfigurationError } from './errors';

const FilterItemSchema = z.strictObject({
  fieldName: z.string().min(1),
  operator: z.enum(['=', '!=', 'Contains', '>', '<', '>=', '<=']),
  value: z.string(),
});

interface FilterGroupInput {
  condition: 'AND' | 'OR';
  filterItems?: z.infer<typeof FilterItemSchema>[] | undefined;
  filterGroups?: FilterGroupInput[] | undefined;
}

const FilterGroupSchema: z.ZodType<FilterGroupInput> = z.strictObject({
  condition: z.enum(['AND', 'OR']),
  filterItems: z.array(FilterItemSchema).optional(),
  get filterGroups() {
    return z.array(FilterGroupSchema).optional();
  },
});

/** Keepnet's search filter (lib/keepnet/types SearchFilter), as a job may narrow an export. */
export const ExportFilterSchema = z.strictObject({
  condition: z.enum(['AND', 'OR']).optional(),
  searchInputTextValue: z.string().max(256).optional(),
  filterGroups: z.array(FilterGroupSchema).optional(),
});

/** Lower-case slug: it becomes a path segment and a file name in the S3 key. */
const JobNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1..63 characters of a-z, 0-9 and "-", starting alphanumeric');

const common = {
  name: JobNameSchema.optional(),
  format: z.enum(['CSV', 'Excel']),
  filter: ExportFilterSchema.optional(),
  orderBy: z.string().min(1).optional(),
  ascending: z.boolean().optional(),
};

/**
 * One export job. `what`:
 * - `groups`: the group list (`POST /api/company-groups/search/export`);
 * - `group-members`: the members of `groupId` (`POST /api/company-groups/{id}/companies/search/export`);
 * - `all-group-members`: the members of every group, one file per group (expanded at run time).
 */
export const ExportJob = z.discriminatedUnion('what', [
  z.strictObject({ what: z.literal('groups'), ...common }),
  z.strictObject({
    what: z.literal('group-members'),
    groupId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'must be a Keepnet resource id (letters and digits)'),
    ...common,
  }),
  z.strictObject({ what: z.literal('all-group-members'), ...common }),
]);
/** One configured export (an EXPORT_JOBS entry), as validated. */
export type ExportJob = z.infer<typeof ExportJob>;
/** The file format Keepnet is asked for. */
export type ExportFormat = ExportJob['format'];

/** A job that yields exactly one file: what `runExportJob` runs. */
export type SingleExportJob = Extract<ExportJob, { what: 'groups' | 'group-members' }>;

/** Used when EXPORT_JOBS is unset: the group list in both formats and every group's members as CSV. */
export const DEFAULT_EXPORT_JOBS: readonly ExportJob[] = Object.freeze([
  { what: 'groups', format: 'CSV' },
  { what: 'groups', format: 'Excel', name: 'groups-xlsx' },
  { what: 'all-group-members', format: 'CSV' },
]);

/**
 * The job's name: the given one, else a name derived from what it exports. It names the job in logs,
 * errors and the manifest, and is the `<what>` of its S3 keys (see keys.ts).
 */
export function jobName(job: ExportJob): string {
  if (job.name !== undefined) return job.name;
  switch (job.what) {
    case 'groups':
      return 'groups';
    case 'group-members':
      return `group-members-${job.groupId}`;
    case 'all-group-members':
      return 'group-members';
  }
}

/**
 * Reads a job list (parsed JSON). Errors name the job (index and name when it has one), the field path
 * and the rule, e.g. `EXPORT_JOBS[1] ("eu-members"): format: Invalid option: expected one of "CSV"|"Excel"`.
 * Two jobs with the same name would write the same keys, so names must be unique.
 */
export function parseExportJobs(value: unknown, source: string = ENV.exportJobs): ExportJob[] {
  if (!Array.isArray(value)) {
    throw new ExportConfigurationError(`${source}: must be a JSON array of export jobs`);
  }
  const problems: string[] = [];
  const jobs: ExportJob[] = [];
  value.forEach((raw: unknown, index) => {
    const label = describeJob(source, index, raw);
    const parsed = ExportJob.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${label}: ${issuePath(issue.path, undefined, '(job)')}: ${issue.message}`);
      }
      return;
    }
    jobs.push(parsed.data);
  });
  const seen = new Map<string, number>();
  jobs.forEach((job, index) => {
    const name = jobName(job);
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push(
        `${source}[${index}] ("${name}"): name: duplicates ${source}[${first}]; give one of them a distinct "name"`,
      );
    } else {
      seen.set(name, index);
    }
  });
  if (jobs.length === 0 && problems.length === 0) {
    problems.push(`${source}: must list at least one job`);
  }
  if (problems.length > 0) {
    throw new ExportConfigurationError(`invalid export job configuration: ${problems.join('; ')}`);
  }
  return jobs;
}

/** Reads EXPORT_JOBS (a JSON string) or returns the default job set when it is unset or blank. */
export function loadExportJobs(raw: string | undefined): ExportJob[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_EXPORT_JOBS];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ExportConfigurationError(`${ENV.exportJobs}: not valid JSON (${(error as Error).message})`);
  }
  return parseExportJobs(value);
}

function describeJob(source: string, index: number, raw: unknown): string {
  const name =
    typeof raw === 'object' && raw !== null && 'name' in raw && typeof raw.name === 'string'
      ? raw.name
      : undefined;
  return name === undefined ? `${source}[${index}]` : `${source}[${index}] ("${name}")`;
}
