// `companies list | get | orphans`: the reseller's companies, one company with the groups it is in,
// and the companies in no group. Memberships come from lib/companies (the same reading as the HTTP
// API's GET /companies/{id} and ?inNoGroup=true: one call per group, never one per company).
import type { Command } from 'commander';
import {
  type CompanyWithGroups,
  companyTextSearch,
  readCompaniesAndMemberships,
  withGroups,
} from '../../lib/companies/memberships';
import { readCompanies } from '../../lib/desired-state/snapshot';
import type { CompanySummary } from '../../lib/keepnet/types';
import type { CommandContext } from '../context';
import { NotFoundError, UsageError } from '../exit-codes';
import { type Column, formatTable, writeJson, writeRows } from '../output';

/** As the HTTP API's `search` query: Keepnet's free-text box takes no more. */
const MAX_SEARCH_LENGTH = 200;

const companyColumns: Column<CompanySummary>[] = [
  { header: 'RESOURCE ID', value: (c) => c.companyResourceId },
  { header: 'NAME', value: (c) => c.companyName },
  { header: 'INDUSTRY', value: (c) => c.industryName },
  { header: 'LICENCE', value: (c) => c.licenseTypeName },
  { header: 'CREATED', value: (c) => c.createTime },
];

const groupColumns: Column<CompanyWithGroups['groups'][number]>[] = [
  { header: 'GROUP ID', value: (g) => g.resourceId },
  { header: 'GROUP', value: (g) => g.name },
  { header: 'COMPANIES', value: (g) => g.companyCount, align: 'right' },
];

/**
 * `companies list | get | orphans`: the reseller's companies, one company's groups, companies in no group.
 */
export function registerCompanyCommands(program: Command, ctx: CommandContext): void {
  const companies = program
    .command('companies')
    .description('list and find companies, with the groups they are in; companies in no group');

  companies
    .command('list')
    .description('every company of the reseller, or those whose name contains --search (all pages)')
    .option('--search <text>', `free text over company names (at most ${MAX_SEARCH_LENGTH} characters)`)
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { search?: string; json?: boolean }) => {
      if (opts.search !== undefined && opts.search.length > MAX_SEARCH_LENGTH) {
        throw new UsageError(`--search must be at most ${MAX_SEARCH_LENGTH} characters`);
      }
      const list = await readCompanies(await ctx.keepnet(), companyTextSearch(opts.search));
      writeRows(ctx.io, list, companyColumns, opts.json);
    });

  companies
    .command('get')
    .description('one company and the groups it is in')
    .argument('<company>', 'resource id or exact company name')
    .option('--json', 'print JSON instead of text')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const { directory, memberships } = await readCompaniesAndMemberships(await ctx.keepnet());
      const resolved = directory.resolve(ref);
      if ('problem' in resolved) {
        throw resolved.reason === 'ambiguous'
          ? new UsageError(resolved.problem)
          : new NotFoundError(resolved.problem);
      }
      const found = withGroups(directory.byId(resolved.id)!, memberships);
      if (opts.json) {
        writeJson(ctx.io, found);
        return;
      }
      ctx.io.stdout.write(formatTable([found.company], companyColumns));
      ctx.io.stdout.write(
        found.groups.length === 0
          ? '\nin no group\n'
          : `\nin ${found.groups.length} group(s):\n${formatTable(found.groups, groupColumns)}`,
      );
    });

  companies
    .command('orphans')
    .description('the companies in no group (reads every group once: one call per group)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const { directory, memberships } = await readCompaniesAndMemberships(await ctx.keepnet());
      const orphans = memberships.inNoGroup(directory.companies);
      writeRows(ctx.io, orphans, companyColumns, opts.json);
      ctx.io.stderr.write(
        `${orphans.length} of ${directory.companies.length} companies in no group (${memberships.groups.length} groups read)\n`,
      );
    });
}
