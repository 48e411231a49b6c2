// `groups list | search | get | create | rename | delete`: thin wrappers over the KeepnetApi, except
// rename, which is a group operation queued for the onboarding worker (see ./group-change.ts).
import type { Command } from 'commander';
import type { CompanyGroup, CompanyGroupSearchItem } from '../../lib/keepnet/types';
import type { CommandContext } from '../context';
import { UsageError } from '../exit-codes';
import { resolveGroup } from '../group-ref';
import { type Column, formatTable, writeJson, writeRows } from '../output';
import { type GroupChangeOptions, runGroupChange, withGroupChangeOptions } from './group-change';
import { parseIdList } from './parse';

const groupColumns: Column<CompanyGroup | CompanyGroupSearchItem>[] = [
  { header: 'RESOURCE ID', value: (g) => g.resourceId },
  { header: 'NAME', value: (g) => g.name },
  { header: 'COMPANIES', value: (g) => g.companyCount, align: 'right' },
  { header: 'CREATED', value: (g) => ('createTime' in g ? g.createTime : (g.addedTime ?? '')) },
];

const MAX_NAME_LENGTH = 64; // Keepnet's rule for group names.

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_NAME_LENGTH) {
    throw new UsageError(`<name> must be 1..${MAX_NAME_LENGTH} characters (got ${trimmed.length})`);
  }
  return trimmed;
}

/** `groups list | search | get | create | rename | delete`. */
export function registerGroupCommands(program: Command, ctx: CommandContext): void {
  const groups = program
    .command('groups')
    .description('list, find, create, rename and delete company groups');

  groups
    .command('list')
    .description('every company group of the reseller')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const client = await ctx.keepnet();
      const list = await client.listGroups();
      writeRows(ctx.io, list, groupColumns, opts.json);
    });

  groups
    .command('search')
    .description('groups whose name matches <text> (Keepnet full-text search), all pages')
    .argument('<text>', 'text to look for')
    .option('--json', 'print JSON instead of a table')
    .action(async (text: string, opts: { json?: boolean }) => {
      const client = await ctx.keepnet();
      const found: CompanyGroupSearchItem[] = [];
      for await (const group of client.iterateGroups({
        orderBy: 'Name',
        ascending: true,
        filter: { condition: 'AND', searchInputTextValue: text },
      })) {
        found.push(group);
      }
      writeRows(ctx.io, found, groupColumns, opts.json);
    });

  groups
    .command('get')
    .description('one group, by resource id or name')
    .argument('<group>', 'resource id or exact name')
    .option('--json', 'print JSON instead of text')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const group = await resolveGroup(await ctx.keepnet(), ref);
      if (opts.json) writeJson(ctx.io, group);
      else ctx.io.stdout.write(formatTable([group], groupColumns));
    });

  groups
    .command('create')
    .description('create a group, optionally with its first members')
    .argument('<name>', `group name, 1..${MAX_NAME_LENGTH} characters, unique (case-insensitive)`)
    .option('--members <ids>', 'comma-separated company resource ids', parseIdList)
    .option('--json', 'print JSON instead of text')
    .action(async (name: string, opts: { members?: string[]; json?: boolean }) => {
      const groupName = checkName(name);
      const client = await ctx.keepnet();
      const created = await client.createGroup({
        name: groupName,
        ...(opts.members ? { companyResourceIds: opts.members } : {}),
      });
      if (opts.json) writeJson(ctx.io, created);
      else ctx.io.stdout.write(`created group ${created.resourceId} "${groupName}"\n`);
    });

  withGroupChangeOptions(
    groups
      .command('rename')
      .description('rename a group, keeping its members (a queued operation)')
      .argument('<group>', 'resource id or exact name')
      .argument('<new-name>', `new name, 1..${MAX_NAME_LENGTH} characters`),
  ).action(async (ref: string, newName: string, opts: GroupChangeOptions) => {
    // The worker renames with the members it reads under the group's single writer, so a rename can
    // neither empty the group nor drop a company added just before (issue 11).
    await runGroupChange(ctx, ref, { kind: 'rename', name: checkName(newName) }, opts);
  });

  groups
    .command('delete')
    .description('delete one or more groups (the companies themselves are not touched)')
    .argument('<groups...>', 'resource ids or exact names')
    .option('--yes', 'confirm: deleting is not undoable')
    .option('--json', 'print the deleted groups as JSON')
    .action(async (refs: string[], opts: { yes?: boolean; json?: boolean }) => {
      if (!opts.yes) throw new UsageError('deleting groups cannot be undone: add --yes to confirm');
      const client = await ctx.keepnet();
      const targets = [];
      for (const ref of refs) targets.push(await resolveGroup(client, ref));
      const deleted: { resourceId: string; name: string }[] = [];
      for (const group of targets) {
        await client.deleteGroup(group.resourceId);
        deleted.push({ resourceId: group.resourceId, name: group.name });
        if (!opts.json) ctx.io.stdout.write(`deleted group ${group.resourceId} "${group.name}"\n`);
      }
      if (opts.json) writeJson(ctx.io, { deleted });
    });
}
