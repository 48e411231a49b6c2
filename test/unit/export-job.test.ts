import { loadExportConfig } from '../../lib/exports/config';
import { ExportConfigurationError } from '../../lib/exports/errors';
import { DEFAULT_EXPORT_JOBS, jobName, loadExportJobs, parseExportJobs } from '../../lib/exports/job';

describe('EXPORT_JOBS', () => {
  it('falls back to the default job set when unset or blank', () => {
    expect(loadExportJobs(undefined)).toEqual(DEFAULT_EXPORT_JOBS);
    expect(loadExportJobs('  ')).toEqual(DEFAULT_EXPORT_JOBS);
    expect(DEFAULT_EXPORT_JOBS.map(jobName)).toEqual(['groups', 'groups-xlsx', 'group-members']);
  });

  it('reads each kind of job, with a nested filter', () => {
    const jobs = loadExportJobs(
      JSON.stringify([
        { what: 'groups', format: 'Excel' },
        {
          what: 'group-members',
          groupId: 'Q3sdf9Kl0aZx',
          format: 'CSV',
          filter: {
            condition: 'AND',
            filterGroups: [
              {
                condition: 'OR',
                filterItems: [{ fieldName: 'IndustryName', operator: '=', value: 'Finance' }],
                filterGroups: [{ condition: 'AND', filterItems: [] }],
              },
            ],
          },
        },
        { what: 'all-group-members', format: 'CSV', name: 'members-nightly' },
      ]),
    );
    expect(jobs.map(jobName)).toEqual(['groups', 'group-members-Q3sdf9Kl0aZx', 'members-nightly']);
  });

  it('names the job and the field of a bad format', () => {
    expect(() =>
      loadExportJobs(
        JSON.stringify([
          { what: 'groups', format: 'CSV' },
          { name: 'eu', what: 'groups', format: 'PDF' },
        ]),
      ),
    ).toThrow(/EXPORT_JOBS\[1\] \("eu"\): format: .*"CSV"\|"Excel"/);
  });

  it('names the nested field path of a bad filter', () => {
    const bad = [
      {
        what: 'groups',
        format: 'CSV',
        filter: {
          filterGroups: [
            { condition: 'AND', filterItems: [{ fieldName: 'Name', operator: 'LIKE', value: 'x' }] },
          ],
        },
      },
    ];
    expect(() => parseExportJobs(bad)).toThrow(
      /EXPORT_JOBS\[0\]: filter\.filterGroups\[0\]\.filterItems\[0\]\.operator: /,
    );
  });

  it('rejects an unknown kind, a missing group id, unknown fields and bad names', () => {
    const error = captureError(() =>
      parseExportJobs([
        { what: 'companies', format: 'CSV' },
        { what: 'group-members', format: 'CSV' },
        { what: 'groups', format: 'CSV', fromat: 'Excel', name: 'x2' },
        { what: 'groups', format: 'CSV', name: 'Bad Name' },
      ]),
    );
    expect(error).toBeInstanceOf(ExportConfigurationError);
    expect(error.message).toMatch(/EXPORT_JOBS\[0\]: what: /);
    expect(error.message).toMatch(/EXPORT_JOBS\[1\]: groupId: /);
    expect(error.message).toMatch(/EXPORT_JOBS\[2\] \("x2"\): .*fromat/);
    expect(error.message).toMatch(/EXPORT_JOBS\[3\] \("Bad Name"\): name: must be 1\.\.63 characters/);
  });

  it('rejects two jobs that would write the same keys', () => {
    expect(() =>
      parseExportJobs([
        { what: 'groups', format: 'CSV' },
        { what: 'groups', format: 'Excel' },
      ]),
    ).toThrow(/EXPORT_JOBS\[1\] \("groups"\): name: duplicates EXPORT_JOBS\[0\]/);
  });

  it('rejects JSON that is not a list of jobs', () => {
    expect(() => loadExportJobs('{"what":"groups"')).toThrow(/EXPORT_JOBS: not valid JSON/);
    expect(() => loadExportJobs('{"what":"groups"}')).toThrow(/EXPORT_JOBS: must be a JSON array/);
    expect(() => loadExportJobs('[]')).toThrow(/EXPORT_JOBS: must list at least one job/);
  });
});

describe('loadExportConfig', () => {
  it('requires EXPORT_BUCKET and normalises the prefix', () => {
    expect(() => loadExportConfig({})).toThrow(/EXPORT_BUCKET: required/);
    const config = loadExportConfig({ EXPORT_BUCKET: 'b', EXPORT_PREFIX: '/nightly' });
    expect(config).toMatchObject({
      bucket: 'b',
      prefix: 'nightly/',
      kmsKeyId: undefined,
      safetyMarginMs: 10_000,
    });
    expect(loadExportConfig({ EXPORT_BUCKET: 'b' }).prefix).toBe('exports/');
  });

  it('rejects a bad safety margin', () => {
    expect(() => loadExportConfig({ EXPORT_BUCKET: 'b', EXPORT_SAFETY_MARGIN_MS: '-5' })).toThrow(
      /EXPORT_SAFETY_MARGIN_MS: must be a non-negative integer/,
    );
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
