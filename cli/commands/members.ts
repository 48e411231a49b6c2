// `members list | add | remove | set`: a group's companies. Reads go to Keepnet; writes are group
// operations queued for the onboarding worker, the one writer of every group (see ./group-change.ts).
import { type Command, InvalidArgumentError } from 'commander';
import type { CompanySummary } from '../../lib/keepnet/types';
import type { GroupChange } from '../../lib/operations/operation';
import type { CommandContext } from '../context';
import { UsageError } from '../exit-codes';
import { resolveGroup } from '../group-ref';
import { type Column, writeRows } from '../output';
import { CLI_NAME } from '../program-name';
import { type GroupChangeOptions, runGroupChange, withGroupChangeOptions } from './group-change';
import { parseIdList } from './parse';

const memberColumns: Column<CompanySummary>[] = [
  { header: 'COMPANY ID', value: (c) => c.companyResourceId },
  { header: 'NAME', value: (c) => c.companyName },
  { header: 'CREATED', value: (c) => c.createTime },
  { header: 'LICENSE', value: (c) => c.licenseTypeName },
];

/**
 * `--mode` chose how the CLI itself wrote. The worker writes now, with its own PARTICIPANTS_MODE: the
 * option is still accepted (scripts that pass it keep working) and ignored, with a warning.
 */
function parseIgnoredMode(value: string): string {
  if (value !== 'union' && value !== 'additive')
    throw new InvalidArgumentError('must be "union" or "additive"');
  return value;
}

/** `members list`, and the member changes (add, remove, set), queued as group operations. */
export function registerMemberCommands(program: Command, ctx: CommandContext): void {
  const members = program.command('members').description("list and change a group's companies");

  members
    .command('list')
    .description('every company in a group')
    .argument('<group>', 'resource id or exact name')
    .option('--json', 'print JSON instead of a table')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const client = await ctx.keepnet();
      const group = await resolveGroup(client, ref);
      const list: CompanySummary[] = [];
      for await (const member of client.iterateGroupMembers(group.resourceId)) list.push(member);
      writeRows(ctx.io, list, memberColumns, opts.json);
    });

  const write = (kind: 'add' | 'remove' | 'set', description: string) => {
    const command = members
      .command(kind)
      .description(description)
      .argument('<group>', 'resource id or exact name')
      .argument('<company-ids...>', 'company resource ids (space- or comma-separated)', parseIdList)
      .option(
        '--mode <mode>',
        "ignored: the onboarding worker's PARTICIPANTS_MODE decides how it writes (accepted for old scripts)",
        parseIgnoredMode,
      );
    if (kind === 'set') command.option('--yes', 'confirm: members not listed are removed');
    withGroupChangeOptions(command).action(
      async (ref: string, ids: string[], opts: GroupChangeOptions & { mode?: string; yes?: boolean }) => {
        if (kind === 'set' && !opts.yes) {
          throw new UsageError('"members set" removes every member not listed: add --yes to confirm');
        }
        if (opts.mode !== undefined) {
          ctx.io.stderr.write(
            `${CLI_NAME}: --mode is ignored: the onboarding worker writes, with its own PARTICIPANTS_MODE\n`,
          );
        }
        const change: GroupChange = { kind, companyResourceIds: [...new Set(ids)] };
        await runGroupChange(ctx, ref, change, opts);
      },
    );
  };

  write('add', 'add companies to a group, keeping every current member (a queued operation)');
  write('remove', 'take companies out of a group, keeping every other member (a queued operation)');
  write('set', 'make the group contain exactly these companies (a queued operation)');
}
