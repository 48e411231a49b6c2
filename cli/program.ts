// The operator CLI: commander program, global options, and the one place errors become exit codes.
// `runCli` never calls process.exit and never writes to process.* directly, so tests run it in-process.
import { Command, CommanderError } from 'commander';
import { isKeepnetError } from '../lib/keepnet/errors';
import type { KeepnetApi } from '../lib/keepnet/types';
import { registerCompanyCommands } from './commands/companies';
import { registerDesiredStateCommands } from './commands/desired-state';
import { registerDlqCommands } from './commands/dlq';
import { registerExportCommand } from './commands/export';
import { registerGroupCommands } from './commands/groups';
import { registerMemberCommands } from './commands/members';
import { registerOperationCommands } from './commands/operations';
import { registerReportCommands } from './commands/report';
import { registerRuleCommands } from './commands/rules';
import type { CommandContext, GlobalOptions } from './context';
import { ExitCode, type ExitCodeValue, exitCodeFor, QuietExit } from './exit-codes';
import type { CliIo } from './output';
import { CLI_NAME } from './program-name';

/** An open connection to Keepnet, real or local. */
export interface KeepnetConnection {
  client: KeepnetApi;
  /** One line for stderr: where commands go (never a secret). */
  description: string;
  close(): Promise<void>;
}

/**
 * How commands reach their backends. Two parts, opened only when a command needs them: the dlq
 * commands need no Keepnet credentials, the Keepnet commands no AWS.
 */
export interface Connector {
  keepnet(options: GlobalOptions, io: CliIo): Promise<KeepnetConnection>;
  /** Environment for AWS SDK clients (endpoint overrides, queue URLs). */
  awsEnv(options: GlobalOptions, io: CliIo): Promise<Record<string, string | undefined>>;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  usage: bad arguments, or input Keepnet refused as invalid
  2  not found: the group, company, message or file named does not exist;
     for plan only: the plan has changes (0: none), as terraform plan -detailed-exitcode
  3  authentication or configuration: credentials missing or refused, not a Reseller, unsafe base URL
  4  upstream error: Keepnet or AWS failed (5xx, 429 after retries, network, timeout); retry later
  5  incomplete: Keepnet refused some of the companies of a write, an export was cut short, or only
     part of a batch succeeded
  6  pending: a group write (or operations get --wait) had not settled when --timeout ran out
  7  stale plan: apply --plan refused, Keepnet moved since the plan was saved (nothing written)
  10 internal error in this tool`;

/** The commander program with every command registered; `close` ends the connections it opened. */
export function buildProgram(io: CliIo, connect: Connector): { program: Command; close(): Promise<void> } {
  let connection: Promise<KeepnetConnection> | undefined;
  const program = new Command(CLI_NAME);
  const ctx: CommandContext = {
    io,
    keepnet: async () => {
      connection ??= connect.keepnet(program.opts<GlobalOptions>(), io).then((c) => {
        io.stderr.write(`${CLI_NAME}: ${c.description}\n`);
        return c;
      });
      return (await connection).client;
    },
    awsEnv: () => connect.awsEnv(program.opts<GlobalOptions>(), io),
  };

  program
    .description(
      'Operate Keepnet company groups: groups, members, companies, exports, group operations, and the onboarding dead-letter queue.',
    )
    .option(
      '--local',
      'use local stand-ins instead of the real API: the running `npm start -- --serve` if any, else an in-process simulator on the state kept in .local/ (npm start -- --fresh resets it)',
    )
    .option('--secret-id <id>', 'read {clientId, clientSecret, baseUrl?} from this Secrets Manager secret')
    .option(
      '--base-url <url>',
      'Keepnet API base URL (default: env KEEPNET_BASE_URL, the secret, or the public API)',
    )
    .addHelpText(
      'after',
      `
Credentials, in order: --local; --secret-id; env KEEPNET_CLIENT_ID + KEEPNET_CLIENT_SECRET.
${EXIT_CODES_HELP}`,
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  registerGroupCommands(program, ctx);
  registerMemberCommands(program, ctx);
  registerCompanyCommands(program, ctx);
  registerOperationCommands(program, ctx);
  registerDesiredStateCommands(program, ctx);
  registerRuleCommands(program, ctx);
  registerExportCommand(program, ctx);
  registerReportCommands(program, ctx);
  registerDlqCommands(program, ctx);

  return {
    program,
    close: async () => {
      if (connection) await (await connection.catch(() => undefined))?.close();
    },
  };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!isKeepnetError(error)) return error.message;
  // The client's messages usually name the request and the validation messages already: add them
  // only when missing.
  let text = error.message;
  if (error.method && error.path && !text.includes(error.path)) text += ` (${error.method} ${error.path})`;
  const unseen = error.validationMessages.filter((m) => !text.includes(m));
  if (unseen.length > 0) text += `: ${unseen.join('; ')}`;
  return text;
}

/** Runs one command line (without the node/script prefix) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, connect: Connector): Promise<ExitCodeValue> {
  const { program, close } = buildProgram(io, connect);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    // commander has already printed its own message (usage errors, --help, --version).
    if (!(error instanceof CommanderError) && !(error instanceof QuietExit)) {
      io.stderr.write(`${CLI_NAME}: error: ${describeError(error)}\n`);
    }
    const code = exitCodeFor(error);
    if (code === ExitCode.internal && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return code;
  } finally {
    await close();
  }
}
