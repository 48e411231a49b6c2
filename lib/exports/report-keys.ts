// Where nightly reports live, and how the newest is found: light on purpose (no exceljs), for the API
// and the CLI, which only link to or download a report.
import type { S3Client } from '@aws-sdk/client-s3';
import { CONTENT_TYPES, fileName, kindPrefix, utcDate } from './keys';
import { latestKeyUnder } from './latest-key';

/** The folder of reports under the export prefix: `<prefix>report/date=…/`. */
export const REPORT_KIND = 'report';
/** The report's file-name stem. */
export const REPORT_FILE_KIND = 'company-groups-report';
/** The report's Content-Type (an Excel workbook), set on the object so a presigned download opens in Excel. */
export const REPORT_CONTENT_TYPE = CONTENT_TYPES.Excel;

/** `<prefix>report/date=YYYY-MM-DD/company-groups-report-<stamp>.xlsx` for a run's scheduled time. */
export function reportKey(prefix: string, scheduledTime: Date): string {
  return `${kindPrefix(prefix, REPORT_KIND)}${utcDate(scheduledTime)}/${fileName(REPORT_FILE_KIND, scheduledTime, 'xlsx')}`;
}

/** The newest report's key under the export prefix, or null when no night has written one yet. */
export function latestReportKey(s3: S3Client, bucket: string, prefix: string): Promise<string | null> {
  return latestKeyUnder(s3, bucket, kindPrefix(prefix, REPORT_KIND), '.xlsx');
}

/** Whether `key` is a report's (`…report/date=…/company-groups-report-….xlsx`), whatever the prefix. */
export function isReportKey(key: string): boolean {
  return /(^|\/)report\/date=[^/]+\/company-groups-report-[^/]+\.xlsx$/.test(key);
}
