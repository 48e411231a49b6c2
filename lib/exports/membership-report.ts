// Writes the nightly report (report-workbook.ts) into `<prefix>report/date=…/company-groups-report-<stamp>.xlsx`
// through the same streaming, all-or-nothing upload as every export: a failure while building the
// workbook destroys the body, the multipart upload is aborted, and no partial file is left.

import type { S3Client } from '@aws-sdk/client-s3';
import { ByteMeter } from './byte-meter';
import { fileName, kindPrefix, utcDate } from './keys';
import { latestKeyUnder } from './latest-key';
import type { ManifestObject } from './manifest';
import { type ReportInput, writeReportWorkbook } from './report-workbook';
import type { ExportContext } from './run-export-job';
import { uploadRunObject } from './run-object';

/** The folder of reports under the export prefix: `<prefix>report/date=…/`. */
export const REPORT_KIND = 'report';
export const REPORT_FILE_KIND = 'company-groups-report';
export const REPORT_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `<prefix>report/date=YYYY-MM-DD/company-groups-report-<stamp>.xlsx` for a run's scheduled time. */
export function reportKey(prefix: string, scheduledTime: Date): string {
  return `${kindPrefix(prefix, REPORT_KIND)}${utcDate(scheduledTime)}/${fileName(REPORT_FILE_KIND, scheduledTime, 'xlsx')}`;
}

/** Builds and uploads tonight's report; describes it for the manifest. */
export async function writeMembershipReport(ctx: ExportContext, input: ReportInput): Promise<ManifestObject> {
  const key = reportKey(ctx.prefix, ctx.scheduledTime);
  const meter = new ByteMeter();
  const building = writeReportWorkbook(input, meter).catch((error: unknown) => {
    meter.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  const object = await uploadRunObject(
    ctx,
    {
      kind: 'report',
      job: REPORT_FILE_KIND,
      key,
      ext: 'xlsx',
      contentType: REPORT_CONTENT_TYPE,
      label: 'report',
    },
    meter,
    meter,
  );
  await building;
  return object;
}

/** The newest report's key under the export prefix, or null when no night has written one yet. */
export function latestReportKey(s3: S3Client, bucket: string, prefix: string): Promise<string | null> {
  return latestKeyUnder(s3, bucket, kindPrefix(prefix, REPORT_KIND), '.xlsx');
}
