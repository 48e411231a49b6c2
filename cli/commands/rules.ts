// `rules test` and `rules backfill`: GROUP_RULES (from the environment, or a rules file) seen from the
// operator's side. `test` says which groups a company gets and why; `backfill` gives companies that
// already exist the groups the current rules give them — a plan (exit 0 / 2, as `plan`), then with
// --apply the same one-writer path as `apply`. Backfill only adds: it never takes a company out.
import type { Command } from 'commander';
import { ENV } from '../../lib/config/variables';
import { backfillTarget, onboardingAttributes } from '../../lib/desired-state/backfill';
import { companyDirectory } from '../../lib/desired-state/companies';
import { DesiredStateError } from '../../lib/desired-state/errors';
import { planHasChanges } from '../../lib/desired-state/plan';
import { planTarget } from '../../lib/desired-state/plan-keepnet';
import { readCompanies } from '../../lib/desired-state/snapshot';
import { csvAttributes } from '../../lib/desired-state/target';
import type { CompanySummary, KeepnetApi } from '../../lib/keepnet/types';
import { describeCondition, explainGroupRules } from '../../lib/rules/explain';
import { type GroupRules, GroupRulesError, parseGroupRules } from '../../lib/rules/group-rules';
import type { CommandContext } from '../context';
import { readAttributesFile, readingForPlan, readLocalFile } from '../desired-state-input';
import { ExitCode, NotFoundError, QuietExit, UsageError } from '../exit-codes';
import { DEFAULT_WAIT_SECONDS } from '../operation-wait';
import { writeJson } from '../output';
import { printPlan } from '../plan-report';
import { applyWithOperations } from './desired-state';
import { checkResourceId, parsePositiveInt } from './parse';

const MAX_RULES_BYTES = 256 * 1024;
const MAX_ATTRIBUTES_JSON_BYTES = 16 * 1024;

/** The rules: `--rules <file>` (GROUP_RULES JSON), else env GROUP_RULES. */
async function loadRules(
  ctx: CommandContext,
  file: string | undefined,
): Promise<{ rules: GroupRules; from: string }> {
  const text =
    file === undefined
      ? ctx.io.env[ENV.groupRules]
      : await readLocalFile(ctx, file, '--rules', MAX_RULES_BYTES);
  const from = file ?? ENV.groupRules;
  try {
    const rules = parseGroupRules(text);
    if (rules.rules.length === 0)
      throw new UsageError(`${from} holds no rules: set GROUP_RULES or pass --rules <file>`);
    return { rules, from };
  } catch (error) {
    if (error instanceof GroupRulesError) throw new UsageError(`${from}: ${error.message}`);
    throw error;
  }
}

/** `--attributes '{"region":"EU","tags":["msp-gold"]}'`: strings or lists of strings. */
function parseAttributeJson(text: string | undefined): Record<string, string | string[]> {
  if (text === undefined) return {};
  if (text.length > MAX_ATTRIBUTES_JSON_BYTES)
    throw new UsageError(`--attributes: at most ${MAX_ATTRIBUTES_JSON_BYTES} characters`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--attributes: not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new UsageError('--attributes: must be a JSON object');
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))
      out[key] = value;
    else throw new UsageError(`--attributes.${key}: must be a string or a list of strings`);
  }
  return out;
}

/** One company by id (a filtered companies search: one call, not a walk of every company). */
async function findCompany(client: KeepnetApi, id: string): Promise<CompanySummary> {
  const page = await client.searchCompanies({
    pageSize: 10,
    filter: {
      condition: 'AND',
      filterGroups: [
        { condition: 'AND', filterItems: [{ fieldName: 'CompanyResourceId', operator: '=', value: id }] },
      ],
    },
  });
  const company = page.results.find((c) => c.companyResourceId === id);
  if (!company) throw new NotFoundError(`no company ${id}`);
  return company;
}

interface TestOptions {
  company: string;
  attributes?: string;
  rules?: string;
  json?: boolean;
}

interface BackfillOptions {
  attributes?: string;
  rules?: string;
  apply?: boolean;
  json?: boolean;
  timeout: number;
}

/** `rules test | backfill`: which groups GROUP_RULES give, and adding existing companies to them. */
export function registerRuleCommands(program: Command, ctx: CommandContext): void {
  const rules = program
    .command('rules')
    .description('GROUP_RULES: which groups a company gets, and catching up existing companies');

  rules
    .command('test')
    .description('which groups the rules give a company, and why (the matching rule and its conditions)')
    .requiredOption('--company <id>', 'company resource id', checkResourceId)
    .option(
      '--attributes <json>',
      'attributes an event would carry, e.g. \'{"region":"EU"}\' (over those from Keepnet)',
    )
    .option('--rules <file>', 'a GROUP_RULES JSON file (default: env GROUP_RULES)')
    .option('--json', 'print JSON')
    .action(async (opts: TestOptions) => {
      const extra = parseAttributeJson(opts.attributes);
      const { rules: set, from } = await loadRules(ctx, opts.rules);
      const company = await findCompany(await ctx.keepnet(), opts.company);
      const attributes = onboardingAttributes(company, extra);
      const outcomes = explainGroupRules(set.rules, attributes);
      const groups = set.groupsFor(attributes).map((name) => ({
        name,
        because: outcomes.filter(
          (o) => o.matched && o.groups.some((g) => g.trim().toLowerCase() === name.trim().toLowerCase()),
        ),
      }));
      if (opts.json) {
        writeJson(ctx.io, {
          company: { companyResourceId: company.companyResourceId, companyName: company.companyName },
          rulesFrom: from,
          attributes,
          groups,
          rules: outcomes,
        });
        return;
      }
      const io = ctx.io;
      io.stdout.write(`company ${company.companyResourceId} "${company.companyName ?? ''}"\n`);
      io.stdout.write(
        `attributes: ${
          Object.entries(attributes)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(', ') || '(none)'
        }\n`,
      );
      io.stdout.write(`groups ${from} gives (${groups.length}):\n`);
      for (const group of groups) {
        for (const rule of group.because) {
          io.stdout.write(
            `  ${group.name}  ← rule ${rule.index}${rule.description ? ` "${rule.description}"` : ''}: ${rule.conditions.map(describeCondition).join(' and ')}\n`,
          );
        }
      }
      for (const rule of outcomes.filter((o) => !o.matched)) {
        const failed = rule.conditions.filter((c) => !c.holds).map(describeCondition);
        io.stdout.write(
          `  (rule ${rule.index} → ${rule.groups.join(', ')}: no match, ${failed.join(' and ')})\n`,
        );
      }
    });

  rules
    .command('backfill')
    .description(
      'give existing companies the groups the current rules give them (adds only; exit 0: nothing to do, 2: changes)',
    )
    .option(
      '--attributes <crm.csv>',
      'more attributes per company: company id or name, then attribute columns',
    )
    .option('--rules <file>', 'a GROUP_RULES JSON file (default: env GROUP_RULES)')
    .option('--apply', 'apply the plan through the onboarding worker (default: only print it)')
    .option('--json', 'print JSON')
    .option(
      '--timeout <seconds>',
      'with --apply: how long to wait for each operation',
      parsePositiveInt,
      DEFAULT_WAIT_SECONDS,
    )
    .action(async (opts: BackfillOptions) => {
      const { rules: set, from } = await loadRules(ctx, opts.rules);
      const table =
        opts.attributes !== undefined ? await readAttributesFile(ctx, opts.attributes) : undefined;
      const plan = async (client: KeepnetApi) => {
        const companies = await readCompanies(client);
        let extra: Map<string, Record<string, string | string[]>> | undefined;
        if (table) {
          const csv = csvAttributes(table, companyDirectory(companies), '');
          if (csv.problems.length > 0) throw new DesiredStateError(table.file, csv.problems);
          extra = csv.byCompany;
        }
        return planTarget(client, backfillTarget(set, companies, extra), from, companies);
      };
      if (opts.apply) {
        await applyWithOperations(
          ctx,
          async (client) => {
            const made = await plan(client);
            if (!opts.json) printPlan(ctx.io, made);
            return { plan: made, groups: made.groups, skipped: [] };
          },
          { allowRemovals: false, json: opts.json === true, timeout: opts.timeout },
        );
        return;
      }
      const made = await readingForPlan(async () => plan(await ctx.keepnet()));
      if (opts.json) writeJson(ctx.io, made);
      else printPlan(ctx.io, made);
      if (planHasChanges(made)) throw new QuietExit(ExitCode.planHasChanges);
    });
}
