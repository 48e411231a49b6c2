// Writes the nightly report (report-workbook.ts) into `<prefix>report/date=…/company-groups-report-<stamp>.xlsx`
// through the same streaming, all-or-nothing upload as every export: a failure while building the
// workbook destroys the body, the multipart upload is aborted, and no partial file is left.
import { ByteMeter } from './byte-meter';
import type { ManifestObject } from './manifest';
import { REPORT_CONTENT_TYPE, REPORT_FILE_KIND, reportKey } from './report-keys';
import { type ReportInput, writeReportWorkbook } from './report-workbook';
import type { ExportContext } from './run-export-job';
import { uploadRunObject } from './run-object';

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
