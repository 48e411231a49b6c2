// `dlq list | show | redrive`: the onboarding dead-letter queue (lib/group-queue/dead-letters.ts) from the
// command line: options, id prefixes, output and exit codes.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { ENV } from '../../lib/config/variables';
import { type DeadLetter, type DeadLetterDetails, DeadLetterQueue } from '../../lib/group-queue/dead-letters';
import { awsClientSettings } from '../aws-config';
import type { CommandContext } from '../context';
import { IncompleteError, NotFoundError, UsageError } from '../exit-codes';
import { resolveIdPrefix } from '../id-prefix';
import { type Column, formatTable, writeJson } from '../output';
import { parsePositiveInt } from './parse';

const clip = (text: string | undefined, length: number) =>
  text !== undefined && text.length > length ? `${text.slice(0, length - 3)}...` : text;

const letterColumns: Column<DeadLetter>[] = [
  { header: 'MESSAGE ID', value: (m) => m.messageId },
  { header: 'GROUP', value: (m) => m.messageGroupId },
  { header: 'RECEIVES', value: (m) => m.receiveCount, align: 'right' },
  { header: 'SENT', value: (m) => m.sentAt },
  { header: 'ERROR CODE', value: (m) => m.deadLetter?.errorCode },
  { header: 'ORIGINAL MESSAGE ID', value: (m) => m.deadLetter?.originalMessageId },
  { header: 'FAILED AT RECEIVE', value: (m) => m.deadLetter?.receiveCount, align: 'right' },
  { header: 'REASON', value: (m) => clip(m.deadLetter?.reason, 60) },
  { header: 'BODY', value: (m) => clip(m.body, 80) },
];

type DeadLetterView = Omit<DeadLetter, 'receiptHandle' | 'body' | 'messageAttributes' | 'deadLetter'> & {
  body: unknown;
  /** null, not absent, when SQS (not the worker) dead-lettered it: the JSON shape stays the same. */
  deadLetter: DeadLetterDetails | null;
};

/**
 * What is shown: the body parsed when it is JSON, the dead-letter details (not the raw attributes
 * again), and never the receipt handle (it grants deletion).
 */
function publicView(letter: DeadLetter): DeadLetterView {
  const { receiptHandle: _handle, messageAttributes: _attributes, ...rest } = letter;
  let body: unknown = letter.body;
  try {
    body = JSON.parse(letter.body);
  } catch {
    // Not JSON: shown as the raw string.
  }
  return { ...rest, body, deadLetter: letter.deadLetter ?? null };
}

/**
 * `dlq list | show | redrive`: inspect the onboarding dead-letter queue and send messages back
 * (`DeadLetterQueue`).
 */
export function registerDlqCommands(program: Command, ctx: CommandContext): void {
  const dlq = program
    .command('dlq')
    .description('inspect and redrive the onboarding dead-letter queue')
    .option('--queue-url <url>', 'the dead-letter queue (default: env ONBOARDING_DLQ_URL)');

  async function open(
    command: Command,
  ): Promise<{ queue: DeadLetterQueue; env: Record<string, string | undefined>; close(): void }> {
    const env = await ctx.awsEnv();
    const { queueUrl } = command.optsWithGlobals<{ queueUrl?: string }>();
    const url = queueUrl ?? env[ENV.onboardingDlqUrl];
    if (!url) throw new UsageError('name the dead-letter queue: --queue-url <url> or env ONBOARDING_DLQ_URL');
    const sqs = new SQSClient(awsClientSettings(env, 'AWS_ENDPOINT_URL_SQS'));
    return { queue: new DeadLetterQueue(sqs, url), env, close: () => sqs.destroy() };
  }

  dlq
    .command('list')
    .description(
      'messages waiting in the dead-letter queue (not deleted; each listing adds 1 to their receive count)',
    )
    .option('--max <n>', 'list at most n messages', parsePositiveInt, 100)
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { max: number; json?: boolean }, command: Command) => {
      const { queue, close } = await open(command);
      try {
        const letters = await queue.list(opts.max);
        if (opts.json) writeJson(ctx.io, letters.map(publicView));
        else ctx.io.stdout.write(formatTable(letters, letterColumns));
      } finally {
        close();
      }
    });

  dlq
    .command('show')
    .description('one dead-lettered message, with its full body')
    .argument('<message-id>', 'as printed by dlq list, or a unique prefix of it (at least 4 characters)')
    .option('--json', 'print JSON (the default output is already JSON-formatted)')
    .action(async (messageId: string, _opts: { json?: boolean }, command: Command) => {
      const { queue, close } = await open(command);
      try {
        const letters = await queue.list(Number.POSITIVE_INFINITY);
        const id = resolveIdPrefix(
          messageId,
          letters.map((m) => m.messageId),
          'message id',
        );
        const letter = letters.find((m) => m.messageId === id);
        if (!letter) throw new NotFoundError(`no message ${messageId} in ${queue.url}`);
        writeJson(ctx.io, publicView(letter));
      } finally {
        close();
      }
    });

  dlq
    .command('redrive')
    .description('send dead-lettered messages back to the onboarding queue, then delete them here')
    .argument(
      '[message-ids...]',
      'only these messages (full ids, or unique prefixes of at least 4 characters)',
    )
    .option('--all', 'every message in the dead-letter queue')
    .option('--to <url>', 'the queue to send them to (default: env ONBOARDING_QUEUE_URL)')
    .option('--json', 'print the result as JSON')
    .action(
      async (refs: string[], opts: { all?: boolean; to?: string; json?: boolean }, command: Command) => {
        if (refs.length === 0 && !opts.all)
          throw new UsageError('name the messages to redrive, or pass --all');
        if (refs.length > 0 && opts.all) throw new UsageError('pass either message ids or --all, not both');
        const { queue, env, close } = await open(command);
        const target = opts.to ?? env[ENV.onboardingQueueUrl];
        if (!target) throw new UsageError('name the target queue: --to <url> or env ONBOARDING_QUEUE_URL');
        try {
          // Prefixes are resolved against what is visible now, before anything moves, so an ambiguous
          // one stops the command with nothing redriven. One not visible (behind its FIFO group) stays as given.
          let ids = refs;
          if (refs.length > 0) {
            const known = (await queue.list(Number.POSITIVE_INFINITY)).map((m) => m.messageId);
            ids = refs.map((ref) => resolveIdPrefix(ref, known, 'message id') ?? ref);
          }
          const { moved, missing, failed } = await queue.redrive(target, opts.all ? 'all' : ids);
          if (opts.json) writeJson(ctx.io, { target, moved, missing, failed });
          else {
            ctx.io.stdout.write(`redrove ${moved.length} message(s) to ${target}\n`);
            for (const id of missing) ctx.io.stderr.write(`not in the dead-letter queue: ${id}\n`);
            for (const f of failed) ctx.io.stderr.write(`failed ${f.messageId}: ${f.error}\n`);
          }
          if (failed.length > 0)
            throw new IncompleteError(`${failed.length} message(s) could not be redriven`);
          if (missing.length > 0) throw new NotFoundError(`${missing.length} message(s) not found`);
        } finally {
          close();
        }
      },
    );
}
