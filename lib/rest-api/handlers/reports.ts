// GET /reports/latest: the newest nightly report (lib/exports/membership-report.ts) as a presigned GET
// link, found by listing the report folder of the export prefix. No Keepnet call.
import { latestReportKey } from '../../exports/report-keys';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { ok, type Reply } from '../reply';
import { requireExportSettings } from './export-now';

/** `{ key, downloadUrl, expiresAt }` of the newest report; 404 before the first night wrote one. */
export async function latestReport(deps: ApiDependencies, expiresInSeconds: number): Promise<Reply> {
  const settings = requireExportSettings(deps);
  const key = await latestReportKey(settings.s3, settings.bucket, settings.prefix);
  if (key === null) {
    throw new ApiError(404, 'REPORT_NOT_FOUND', 'No nightly report yet: the nightly export writes one.');
  }
  const download = await deps.presignDownload(settings.s3, settings.bucket, key, expiresInSeconds);
  return ok({ key, downloadUrl: download.url, expiresAt: download.expiresAt.toISOString() });
}
