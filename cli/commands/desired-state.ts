// `plan` and `apply`: groups as code. `plan` reads Keepnet and says what would make it match a
// desired-state file (exit 0: nothing, 2: something); `apply` does it through the one-writer path, from
// the file or exactly from a plan saved by `plan -o` (refused, exit 7, if Keepnet moved since).
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type AppliedGroup, applyPlan } from '../../lib/desired-state/apply';
import { type Plan, type PlannedGroup, PlanSchema, planHasChanges } from '../../lib/desired-state/plan';
import { planFromFile } from '../../lib/desired-state/plan-keepnet';
import { readGroupsAndMembers } from '../../lib/desired-state/snapshot';
import { checkPlan, planWasEdited } from '../../lib/desired-state/staleness';
import type { KeepnetApi } from '../../lib/keepnet/types';
import { publicView } from '../../lib/operations/operation';
import { formatIssues } from '../../lib/validation/zod-issues';
import type { CommandContext } from '../context';
import { readingForPlan, readLocalFile, readLocalInputs, writeFileAtomically } from '../desired-state-input';
import { ExitCode, IncompleteError, QuietExit, StalePlanError, UsageError } from '../exit-codes';
import { openGroupOperations } from '../group-operations';
import { reportOperation } from '../operation-report';
import { DEFAULT_WAIT_SECONDS, waitForOperation } from '../operation-wait';
import { writeJson } from '../output';
import { planSummaryLine, printPlan } from '../plan-report';
import { parsePositiveInt } from './parse';

/** A saved plan is at most this large (100 groups × 10,000 members fit). */
const MAX_PLAN_BYTES = 64 * 1024 * 1024;

interface PlanOptions {
  file: string;
  attributes?: string;
  json?: boolean;
  out?: string;
}

interface ApplyOptions {
  file?: string;
  plan?: string;
  attributes?: string;
  allowRemovals?: boolean;
  json?: boolean;
  timeout: number;
}

async function readSavedPlan(ctx: CommandContext, path: string): Promise<Plan> {
  const text = await readLocalFile(ctx, path, '--plan', MAX_PLAN_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--plan ${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success)
    throw new UsageError(`--plan ${path}: not a plan saved by \`plan -o\`: ${formatIssues(parsed.error)}`);
  if (planWasEdited(parsed.data)) {
    throw new UsageError(
      `--plan ${path}: its recorded Keepnet state does not match its fingerprint (edited?); plan again`,
    );
  }
  return parsed.data;
}

/** Prints what was applied; throws IncompleteError (exit 5) when an operation failed or was refused. */
function reportApplied(
  ctx: CommandContext,
  plan: Plan,
  applied: AppliedGroup[],
  skipped: PlannedGroup[],
  json: boolean,
): void {
  const failures: string[] = [];
  if (json) {
    writeJson(ctx.io, {
      source: plan.source,
      fingerprint: plan.fingerprint,
      groups: applied.map((g) => ({ ...g, operations: g.operations.map(publicView) })),
      alreadyApplied: skipped.map((g) => g.name),
    });
  }
  for (const group of applied) {
    if (!json && group.created)
      ctx.io.stdout.write(`create: group ${group.groupId} "${group.name}": created\n`);
    for (const record of group.operations) {
      try {
        reportOperation(
          json ? { ...ctx.io, stdout: { write: () => true } } : ctx.io,
          record,
          { groupId: group.groupId, name: group.name },
          {},
        );
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  }
  if (!json) {
    for (const group of skipped) ctx.io.stdout.write(`skip: group "${group.name}": already as planned\n`);
    const operations = applied.reduce((n, g) => n + g.operations.length, 0);
    ctx.io.stdout.write(
      `Applied: ${applied.filter((g) => g.created).length} group(s) created, ${operations} operation(s) in ${applied.length} group(s)` +
        `${skipped.length > 0 ? `; ${skipped.length} already as planned` : ''}; ${failures.length} failed.\n`,
    );
  }
  if (failures.length > 0) {
    throw new IncompleteError(
      `${failures.length} operation(s) did not do all they were asked:\n  ${failures.join('\n  ')}`,
    );
  }
}

/** What to apply: a plan, the groups of it still to do, and those already as planned. */
export interface PlanToApply {
  plan: Plan;
  groups: PlannedGroup[];
  skipped: PlannedGroup[];
}

/**
 * Opens the operation store and queue (checked before Keepnet is read), makes the plan, applies it
 * through the one writer and reports every operation. Shared by `apply` and `rules backfill --apply`.
 */
export async function applyWithOperations(
  ctx: CommandContext,
  makePlan: (client: KeepnetApi) => Promise<PlanToApply>,
  options: { allowRemovals: boolean; json: boolean; timeout: number },
): Promise<void> {
  const operations = await openGroupOperations(ctx);
  try {
    const client = await ctx.keepnet();
    const { plan, groups, skipped } = await makePlan(client);
    ctx.io.stderr.write(`${planSummaryLine(plan)}\n`);
    const applied = await applyPlan(
      plan,
      groups,
      {
        keepnet: client,
        submit: (request) => operations.submit(request),
        wait: (id) => waitForOperation(operations.store, id, ctx.io, { timeoutSeconds: options.timeout }),
        progress: (line) => ctx.io.stderr.write(`${line}\n`),
      },
      { allowRemovals: options.allowRemovals },
    );
    reportApplied(ctx, plan, applied, skipped, options.json);
  } finally {
    operations.close();
  }
}

/**
 * `plan` and `apply`: the desired-state file against Keepnet, and applying the plan on the one-writer path.
 */
export function registerDesiredStateCommands(program: Command, ctx: CommandContext): void {
  program
    .command('plan')
    .description('what would make Keepnet match a desired-state file (exit 0: nothing to do, 2: changes)')
    .requiredOption('-f, --file <groups.yaml>', 'the desired-state file (YAML or JSON; see docs/cli.md)')
    .option(
      '--attributes <crm.csv>',
      'company attributes for rules over csv.<column>: company id or name, then columns',
    )
    .option('--json', 'print the plan as JSON (the same as a saved plan)')
    .option(
      '-o, --out <plan.json>',
      'save the plan, with a fingerprint of the Keepnet state, for `apply --plan`',
    )
    .action(async (opts: PlanOptions) => {
      const inputs = await readLocalInputs(ctx, opts);
      const plan = await readingForPlan(async () => planFromFile(await ctx.keepnet(), inputs));
      if (opts.json) writeJson(ctx.io, plan);
      else printPlan(ctx.io, plan);
      if (opts.out) {
        await writeFileAtomically(ctx, opts.out, `${JSON.stringify(plan, null, 2)}\n`);
        ctx.io.stderr.write(`plan saved to ${opts.out}; apply it exactly with: apply --plan ${opts.out}\n`);
      }
      if (planHasChanges(plan)) throw new QuietExit(ExitCode.planHasChanges);
    });

  program
    .command('apply')
    .description('make Keepnet match a desired-state file, or apply a saved plan exactly (group operations)')
    .option('-f, --file <groups.yaml>', 'plan this file now and apply it')
    .option('--plan <plan.json>', 'apply a plan saved by `plan -o`; refused (exit 7) if Keepnet moved since')
    .option('--attributes <crm.csv>', 'company attributes for rules (with -f)')
    .option('--allow-removals', 'allow taking companies out of groups (refused otherwise, naming them)')
    .option('--json', 'print what was applied as JSON')
    .option(
      '--timeout <seconds>',
      'how long to wait for each operation (exit 6 if one is still pending)',
      parsePositiveInt,
      DEFAULT_WAIT_SECONDS,
    )
    .action(async (opts: ApplyOptions) => {
      if ((opts.file === undefined) === (opts.plan === undefined)) {
        throw new UsageError('apply needs exactly one of -f <groups.yaml> or --plan <plan.json>');
      }
      if (opts.plan !== undefined && opts.attributes !== undefined) {
        throw new UsageError('--attributes goes with -f: a saved plan already holds its companies');
      }
      const inputs =
        opts.file !== undefined
          ? await readLocalInputs(ctx, { file: opts.file, attributes: opts.attributes })
          : undefined;
      const saved = opts.plan !== undefined ? await readSavedPlan(ctx, opts.plan) : undefined;
      await applyWithOperations(
        ctx,
        async (client) => {
          if (!saved) {
            const plan = await planFromFile(client, inputs!);
            return { plan, groups: plan.groups, skipped: [] };
          }
          const check = checkPlan(
            saved,
            await readGroupsAndMembers(
              client,
              saved.groups.map((g) => g.name),
            ),
          );
          if (check.moved.length > 0) {
            throw new StalePlanError(
              `Keepnet moved since the plan ${basename(opts.plan!)} was made; nothing was written. Plan again:\n  ${check.moved.join('\n  ')}`,
            );
          }
          return { plan: saved, groups: check.toApply, skipped: check.alreadyApplied };
        },
        { allowRemovals: opts.allowRemovals === true, json: opts.json === true, timeout: opts.timeout },
      );
    });
}
