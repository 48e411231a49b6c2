// An export download with its checks attached: the expected record count asked first (same search),
// then the export, its body to be piped through the returned ByteMeter, which fails the stream before
// it ends when the bytes, the structure (CSV records whole; xlsx ZIP complete) or the record count are
// wrong. Shared by the nightly/on-demand export (run-export-job.ts) and the CLI's `export`.
import type { CallOptions, ExportDownload, KeepnetApi } from '../keepnet/types';
import { ByteMeter } from './byte-meter';
import { CsvRecordCounter } from './csv-record-counter';
import type { ExportTarget } from './export-target';
import { countExportRecords, verifyRecordCount } from './record-count';
import { XlsxRowCounter } from './xlsx-row-counter';

/** An export under way: its download, and the meter its body must flow through. */
export interface VerifiedExport {
  download: ExportDownload;
  /** Pipe `download.body` through it; it ends only if every check passed. */
  meter: ByteMeter;
  /** Data rows counted; final once the meter has ended. */
  rows(): number;
}

/**
 * Counts the target's records (same search), requests its export, and returns the download with a
 * ByteMeter that checks bytes, structure and count; `label` names the export in errors and logs.
 */
export async function openVerifiedExport(
  client: KeepnetApi,
  target: ExportTarget,
  opts: CallOptions,
  label: string,
): Promise<VerifiedExport> {
  const expectedRecords = await countExportRecords(client, target, opts);
  const input = { exportType: target.format, search: target.search, reportAllPages: true };
  const download =
    target.groupId === null
      ? await client.exportGroups(input, opts)
      : await client.exportGroupMembers(target.groupId, input, opts);
  const counter = target.format === 'CSV' ? new CsvRecordCounter() : new XlsxRowCounter();
  const meter = new ByteMeter(download.contentLength, counter, () =>
    verifyRecordCount({
      label,
      before: expectedRecords,
      got: counter.dataRows,
      recount: () => countExportRecords(client, target, opts),
    }),
  );
  return { download, meter, rows: () => counter.dataRows };
}
