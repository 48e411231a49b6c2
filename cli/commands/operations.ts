// `operations get <id>`: a group operation's record (pending, succeeded or failed, with what it did),
// read from the operation store; `--wait` waits for it to settle as the write commands do.
import { type Command, InvalidArgumentError } from 'commander';
import { OperationIdSchema } from '../../lib/operations/operation';
import type { CommandContext } from '../context';
import { NotFoundError } from '../exit-codes';
import { openGroupOperations } from '../group-operations';
import { reportOperation } from '../operation-report';
import { DEFAULT_WAIT_SECONDS, waitForOperation } from '../operation-wait';
import { parsePositiveInt } from './parse';

/** Checked before any AWS call: the length first, then the shape (`op_` and 32 hex digits). */
function parseOperationId(value: string): string {
  const parsed = value.length <= 64 ? OperationIdSchema.safeParse(value) : undefined;
  if (!parsed?.success) throw new InvalidArgumentError('must be an operation id (op_ and 32 hex digits)');
  return parsed.data;
}

/** `operations get`: a group operation's record, optionally waiting for it to settle. */
export function registerOperationCommands(program: Command, ctx: CommandContext): void {
  const operations = program
    .command('operations')
    .description('group operations: the queued writes of members and names, and their outcome');

  operations
    .command('get')
    .description('one operation: pending, succeeded or failed, and what it changed')
    .argument('<operation-id>', 'as a write printed it (op_ and 32 hex digits)', parseOperationId)
    .option('--json', 'print the record as JSON (as GET /operations/{id} shows it)')
    .option('--wait', 'wait for a pending operation to settle')
    .option(
      '--timeout <seconds>',
      'with --wait: how long to wait (exit 6 if still pending)',
      parsePositiveInt,
      DEFAULT_WAIT_SECONDS,
    )
    .action(async (operationId: string, opts: { json?: boolean; wait?: boolean; timeout: number }) => {
      const access = await openGroupOperations(ctx);
      try {
        const record = opts.wait
          ? await waitForOperation(access.store, operationId, ctx.io, { timeoutSeconds: opts.timeout })
          : await access.store.get(operationId);
        if (!record) throw new NotFoundError(`no operation ${operationId} (unknown, or expired)`);
        reportOperation(ctx.io, record, { groupId: record.groupId }, opts);
      } finally {
        access.close();
      }
    });
}
