// How a group operation's record is shown: one outcome line (or the record as JSON, the same view as
// `GET /operations/{id}`), and an exit code that says whether it did what was asked.

import type { OperationRecord } from '../lib/operations/operation';
import { publicView } from '../lib/operations/operation';
import { IncompleteError, OperationFailedError } from './exit-codes';
import { type CliIo, writeJson } from './output';
import { CLI_NAME } from './program-name';

/** What the outcome line calls the group: its id, and its name when the command resolved one. */
export interface GroupLabel {
  groupId: string;
  name?: string;
}

function label({ groupId, name }: GroupLabel): string {
  return name === undefined ? `group ${groupId}` : `group ${groupId} "${name}"`;
}

/** "2 added, 1 already so": the counts that matter for this kind of change. */
function summary(record: OperationRecord): string {
  const result = record.result;
  if (!result) return record.status;
  if (record.change.kind === 'rename') return `renamed to "${result.renamedTo ?? record.change.name}"`;
  const parts: string[] = [];
  if (record.change.kind !== 'remove') parts.push(`${result.added.length} added`);
  if (record.change.kind !== 'add') parts.push(`${result.removed.length} removed`);
  parts.push(`${result.alreadySo.length} already so`);
  if (result.refused.length > 0) parts.push(`${result.refused.length} refused`);
  return parts.join(', ');
}

/** One line on stdout (plus one per refused company), the record's shape with `--json`. */
function printRecord(io: CliIo, record: OperationRecord, group: GroupLabel, json: boolean): void {
  if (json) {
    writeJson(io, publicView(record));
    return;
  }
  const head = `${record.change.kind}: ${label(group)}`;
  if (record.status === 'pending') {
    io.stdout.write(`${head}: pending (operation ${record.operationId})\n`);
  } else if (record.status === 'succeeded') {
    io.stdout.write(`${head}: ${summary(record)} (operation ${record.operationId})\n`);
    for (const refused of record.result?.refused ?? []) {
      io.stdout.write(`  refused ${refused.companyResourceId}: ${refused.reason}\n`);
    }
  }
  // A failure's reason goes to stderr, with the exit code (see below): not printed twice.
}

/**
 * Prints the record and fails the command when the operation did not do all it was asked: a failed
 * operation exits with its failure's code and reason, a succeeded one with refused companies exits 5.
 */
export function reportOperation(
  io: CliIo,
  record: OperationRecord,
  group: GroupLabel,
  options: { json?: boolean },
): void {
  printRecord(io, record, group, options.json === true);
  if (record.status === 'failed') {
    const error = record.error ?? { code: 'FAILED', reason: 'no reason recorded' };
    throw new OperationFailedError(
      `operation ${record.operationId} (${record.change.kind} on ${label(group)}) failed, ${error.code}: ${error.reason}`,
      error.code,
    );
  }
  const refused = record.result?.refused ?? [];
  if (record.status === 'succeeded' && refused.length > 0) {
    throw new IncompleteError(
      `operation ${record.operationId}: Keepnet refused ${refused.length} of the companies: ` +
        refused.map((r) => r.companyResourceId).join(', '),
    );
  }
}

/** With --no-wait: the id alone on stdout (for `$(…)`), how to follow it up on stderr. */
export function reportQueued(
  io: CliIo,
  record: OperationRecord,
  group: GroupLabel,
  options: { json?: boolean },
): void {
  if (options.json) writeJson(io, publicView(record));
  else io.stdout.write(`${record.operationId}\n`);
  io.stderr.write(
    `queued ${record.change.kind} on ${label(group)}; follow it with: ${CLI_NAME} operations get ${record.operationId} --wait\n`,
  );
}
