// `members list | add | remove | set`: a group's companies. Writes go through lib/membership, which
// reads first, sends the union (safe whether Keepnet's PUT adds or replaces) and verifies by reading back.
import { type Command, InvalidArgumentError } from 'commander';
import type { CompanySummary } from '../../keepnet/types';
import { addMembers, type MembershipResult, removeMembers, setMembers } from '../../membership';
import type { ParticipantsMode } from '../../onboarding/config';
import type { CommandContext } from '../context';
import { UsageError } from '../exit-codes';
import { resolveGroup } from '../group-ref';
import { type Column, formatTable, writeJson } from '../output';
import { parseIdList } from './parse';

const memberColumns: Column<CompanySummary>[] = [
  { header: 'COMPANY ID', value: (c) => c.companyResourceId },
  { header: 'NAME', value: (c) => c.companyName },
  { header: 'CREATED', value: (c) => c.createTime },
  { header: 'LICENSE', value: (c) => c.licenseTypeName },
];

function parseMode(value: string): ParticipantsMode {
  if (value !== 'union' && value !== 'additive')
    throw new InvalidArgumentError('must be "union" or "additive"');
  return value;
}

function collectIds(value: string, previous: string[] | undefined): string[] {
  return parseIdList(value, previous ?? []);
}

type Write = typeof addMembers;

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
      if (opts.json) writeJson(ctx.io, list);
      else ctx.io.stdout.write(formatTable(list, memberColumns));
    });

  const write = (name: string, description: string, run: Write, destructive: boolean) => {
    const command = members
      .command(name)
      .description(description)
      .argument('<group>', 'resource id or exact name')
      .argument('<company-ids...>', 'company resource ids (space- or comma-separated)', collectIds)
      .option(
        '--mode <mode>',
        'union: send current members + new ones (safe under either API reading); additive: only the new ones',
        parseMode,
        'union' as ParticipantsMode,
      )
      .option('--json', 'print the result as JSON');
    if (destructive) command.option('--yes', 'confirm: members not listed are removed');
    command.action(
      async (ref: string, ids: string[], opts: { mode: ParticipantsMode; json?: boolean; yes?: boolean }) => {
        if (destructive && !opts.yes) {
          throw new UsageError(`"members ${name}" removes every member not listed: add --yes to confirm`);
        }
        const client = await ctx.keepnet();
        const group = await resolveGroup(client, ref);
        const result: MembershipResult = await run(client, group.resourceId, ids, { mode: opts.mode });
        if (opts.json) writeJson(ctx.io, { ...result, groupName: group.name });
        else {
          ctx.io.stdout.write(
            `${name}: group ${group.resourceId} "${group.name}": ${result.changed.length} changed, ` +
              `${result.unchanged.length} already so; ${result.members.length} members now (verified)\n`,
          );
        }
      },
    );
  };

  write('add', 'add companies to a group, keeping every current member', addMembers, false);
  write('remove', 'take companies out of a group, keeping every other member', removeMembers, false);
  write('set', 'make the group contain exactly these companies', setMembers, true);
}
