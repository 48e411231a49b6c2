// The desired-state file ("groups as code"): which groups should exist and which companies each should
// hold, as explicit members and/or rules. One schema, used to validate the file and to publish its JSON
// Schema (docs/groups-file.schema.json). Version 1; a later version gets a new literal, never a silent
// change of meaning.
import * as z from 'zod';

/** The fields of Keepnet's `SearchCompanyDto` (POST /api/companies/search) a rule may test. */
export const KEEPNET_COMPANY_FIELDS = [
  'companyName',
  'companyResourceId',
  'resellerName',
  'industryName',
  'industryResourceId',
  'licenseTypeName',
  'licenseTypeResourceId',
  'isNumberOfUsersLimited',
  'numberOfUsers',
  'licenceExpired',
  'licenseEndDate',
  'createTime',
  'targetUserCount',
  'tags',
] as const;

/** Prefix of a rule key that names a column of the `--attributes` CSV rather than a Keepnet field. */
export const CSV_ATTRIBUTE_PREFIX = 'csv.';

/** Bounds, checked before anything is matched: a file is hostile input like any other. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Groups one file may declare. */
export const MAX_GROUPS = 1_000;
/** Explicit members one group may list (a `set` of them still fits one operation). */
export const MAX_MEMBERS_PER_GROUP = 10_000;
/** Rules one group may have. */
export const MAX_RULES_PER_GROUP = 100;

const ScalarSchema = z.union([z.string().trim().min(1).max(256), z.number(), z.boolean()]);

const ConditionSchema = z.union([ScalarSchema, z.array(ScalarSchema).min(1).max(100)], {
  error: 'a condition is a value (equals) or a non-empty list of values (any of)',
});

const RuleKeySchema = z
  .string()
  .max(80)
  .refine(
    (key) =>
      (KEEPNET_COMPANY_FIELDS as readonly string[]).includes(key) ||
      /^csv\.[A-Za-z0-9_][A-Za-z0-9_ .-]{0,63}$/.test(key),
    `must be a Keepnet company field (${KEEPNET_COMPANY_FIELDS.join(', ')}) or csv.<column of --attributes>`,
  );

/** A rule matches a company when every condition holds; a group's rules are alternatives (any matches). */
export const DesiredRuleSchema = z.strictObject({
  description: z.string().max(256).optional(),
  when: z
    .record(RuleKeySchema, ConditionSchema)
    .refine((when) => Object.keys(when).length > 0, 'a rule needs at least one condition'),
});
/** A validated rule of a group. */
export type DesiredRule = z.infer<typeof DesiredRuleSchema>;

/** A company named in a file: a 12-character resource id, or its exact name. */
const CompanyRefSchema = z.string().trim().min(1).max(256);

/** One group of the file: its name, and its members and/or rules (an empty group says `members: []`). */
export const DesiredGroupSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
    description: z.string().max(256).optional(),
    members: z.array(CompanyRefSchema).max(MAX_MEMBERS_PER_GROUP).optional(),
    rules: z.array(DesiredRuleSchema).max(MAX_RULES_PER_GROUP).optional(),
  })
  .refine((group) => group.members !== undefined || group.rules !== undefined, {
    message: 'a group needs members, rules or both (members: [] for an empty group)',
  });

/**
 * Groups named twice (compared as Keepnet compares names, ignoring case): `[index, index of first]`.
 * Run on the raw data too, so a duplicate is reported even when other fields are wrong.
 */
export function duplicateGroups(groups: unknown): { index: number; first: number; name: string }[] {
  if (!Array.isArray(groups)) return [];
  const seen = new Map<string, number>();
  const out: { index: number; first: number; name: string }[] = [];
  groups.forEach((group: unknown, index) => {
    const name = (group as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const key = name.trim().toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else out.push({ index, first, name });
  });
  return out;
}

/** The issue text for a group named twice (shared by the schema and the raw-data check). */
export const duplicateMessage = (d: { first: number; name: string }) =>
  `duplicate group "${d.name}" (groups[${d.first}] has the same name; Keepnet ignores case)`;

/**
 * The whole file: version 1, its groups, no group named twice (Keepnet ignores case, so two
 * entries would fight over one group).
 */
export const DesiredStateSchema = z
  .strictObject({
    version: z.literal(1, 'must be 1 (the only version of this format)'),
    groups: z.array(DesiredGroupSchema).max(MAX_GROUPS),
  })
  .superRefine((state, ctx) => {
    // Keepnet compares group names case-insensitively: two entries would fight over one group.
    for (const duplicate of duplicateGroups(state.groups)) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', duplicate.index, 'name'],
        message: duplicateMessage(duplicate),
      });
    }
  });
/** A validated desired-state file. */
export type DesiredState = z.infer<typeof DesiredStateSchema>;

/** The JSON Schema of the format, as published in docs/groups-file.schema.json. */
export function desiredStateJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(DesiredStateSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/keepnet-msp-automation/groups-file.schema.json',
    title: 'keepnet-groups desired-state file (version 1)',
  };
}
