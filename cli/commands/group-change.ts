// What every group write of the CLI shares (`members add|remove|set`, `groups rename`): the options,
// and submit → wait → report. The change is checked first, then the queue's configuration, then the
// group is resolved by reading Keepnet; only then is the operation recorded and queued.
import { type Command, InvalidArgumentError } from 'commander';
import {
  type GroupChange,
  GroupChangeSchema,
  IDEMPOTENCY_KEY_RULE,
  IdempotencyKeySchema,
} from '../../lib/operations/operation';
import { formatIssues } from '../../lib/validation/zod-issues';
import type { CommandContext } from '../context';
import { UsageError } from '../exit-codes';
import { openGroupOperations } from '../group-operations';
import { resolveGroup } from '../group-ref';
import { reportOperation, reportQueued } from '../operation-report';
import { DEFAULT_WAIT_SECONDS, waitForOperation } from '../operation-wait';
import { parsePositiveInt } from './parse';

/** The options every group write takes. */
export interface GroupChangeOptions {
  json?: boolean;
  /** commander's `--no-wait`: false when given. */
  wait: boolean;
  timeout: number;
  idempotencyKey?: string;
}

/** An Idempotency-Key as the HTTP API's header accepts one (length checked before the pattern). */
function parseIdempotencyKey(value: string): string {
  const checked = value.length <= 64 ? IdempotencyKeySchema.safeParse(value) : undefined;
  if (!checked?.success) throw new InvalidArgumentError(IDEMPOTENCY_KEY_RULE);
  return value;
}

/** Adds --json, --no-wait, --timeout and --idempotency-key to a write command. */
export function withGroupChangeOptions(command: Command): Command {
  return command
    .option('--json', 'print the operation record as JSON (as GET /operations/{id} shows it)')
    .option('--no-wait', 'print the operation id and return at once, without waiting for the worker')
    .option(
      '--timeout <seconds>',
      `how long to wait for the operation to settle (exit 6 if still pending)`,
      parsePositiveInt,
      DEFAULT_WAIT_SECONDS,
    )
    .option(
      '--idempotency-key <key>',
      'the same key for the same request is the same operation: a retried command queues nothing new',
      parseIdempotencyKey,
    );
}

/**
 * Queues `change` for the group `ref` names (id or exact name) as an operation from the CLI, then waits
 * for its record and prints the outcome, unless `--no-wait`.
 */
export async function runGroupChange(
  ctx: CommandContext,
  ref: string,
  change: GroupChange,
  options: GroupChangeOptions,
): Promise<void> {
  const parsed = GroupChangeSchema.safeParse(change);
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error));
  const operations = await openGroupOperations(ctx);
  try {
    const group = await resolveGroup(await ctx.keepnet(), ref);
    const label = { groupId: group.resourceId, name: group.name };
    const { record } = await operations.submit({
      groupId: group.resourceId,
      change: parsed.data,
      source: 'cli',
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    });
    if (!options.wait) {
      reportQueued(ctx.io, record, label, options);
      return;
    }
    const settled = await waitForOperation(operations.store, record.operationId, ctx.io, {
      timeoutSeconds: options.timeout,
    });
    reportOperation(ctx.io, settled, label, options);
  } finally {
    operations.close();
  }
}
