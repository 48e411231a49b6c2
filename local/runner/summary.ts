// The end-of-run summary of `npm start`: companies and their groups, export files, Keepnet API calls.
import { isAbsolute, relative } from 'node:path';
import { formatBytes, formatTable } from '../../cli/output';
import { isReportKey } from '../../lib/exports/report-keys';
import type { MainJobReport } from './main-job';

/** The run's summary as text: companies and groups, export files (paths relative to `cwd`), API calls, problems. */
export function formatSummary(report: MainJobReport, cwd = process.cwd()): string {
  const lines: string[] = [];
  lines.push('', `Summary of run ${report.tag}`, '');

  lines.push('Companies and the groups they are in (read back from the simulator):');
  lines.push(
    indent(
      formatTable(report.companies, [
        { header: 'COMPANY', value: (c) => c.name },
        { header: 'ID', value: (c) => c.resourceId },
        { header: 'VIA', value: (c) => c.via },
        { header: 'GROUPS', value: (c) => (c.groups.length > 0 ? c.groups.join(', ') : '(none)') },
        {
          header: 'CHECK',
          value: (c) =>
            c.expectedGroups.length === c.groups.length && c.expectedGroups.every((g) => c.groups.includes(g))
              ? 'ok'
              : `expected: ${c.expectedGroups.join(', ')}`,
        },
      ]),
    ),
  );

  lines.push(`Export objects in s3://${report.bucket} (copies named as their keys, open them directly):`);
  if (report.exports.length === 0) lines.push('  (none)');
  for (const object of report.exports) {
    lines.push(`  ${formatBytes(object.bytes).padStart(9)}  s3://${report.bucket}/${object.key}`);
    lines.push(`             ${displayPath(object.path, cwd)}`);
  }
  lines.push('');

  const calls = Object.entries(report.apiCalls).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const total = calls.reduce((sum, [, n]) => sum + n, 0);
  lines.push(`Keepnet API calls (${total} in all, counted by the simulator):`);
  lines.push(
    indent(
      formatTable(calls, [
        { header: 'ROUTE', value: ([route]) => route },
        { header: 'CALLS', value: ([, n]) => n, align: 'right' },
      ]),
    ),
  );
  lines.push(
    `Onboarding queue: ${report.queue.records} record(s) in ${report.queue.invocations} worker invocation(s), ` +
      `${report.queue.retried} returned for retry, ${report.queue.deadLettered} dead-lettered.`,
  );
  if (report.skipped.length > 0) {
    lines.push('', 'Skipped (not available yet):', ...report.skipped.map((s) => `  - ${s}`));
  }
  if (report.problems.length > 0) {
    lines.push('', 'PROBLEMS:', ...report.problems.map((p) => `  ! ${p}`));
  }
  const workbook = report.exports.find((object) => isReportKey(object.key));
  if (workbook) lines.push('', `The nightly report, to open in Excel: ${displayPath(workbook.path, cwd)}`);
  return `${lines.join('\n')}\n`;
}

/** Relative when under the working directory (short, clickable in most terminals), else absolute. */
function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
