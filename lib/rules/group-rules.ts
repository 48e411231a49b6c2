// GROUP_RULES: a small JSON format mapping company attributes to the names of the groups a new company
// joins. Parsed and checked once (at cold start); evaluating a rule set never throws.
//
// Format: a JSON array of rules. A rule matches when EVERY condition in `when` holds; it then gives
// all of its `groups`. A condition's value is a string (equality) or a list of strings (any of).
// When the company's attribute is itself a list (e.g. `tags`), the condition holds if ANY element
// matches. Comparison ignores case and surrounding blanks ("eu" matches "EU ").
//
//   [
//     { "when": { "region": "EU" }, "groups": ["EU Customers"] },
//     { "when": { "industry": ["Finance", "Banking"], "tags": "msp-gold" },
//       "groups": ["Regulated", "Gold Partners"] }
//   ]
import * as z from 'zod';
import { formatIssues } from '../validation/zod-issues';

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

const ConditionValueSchema = z.union(
  [z.string().trim().min(1).max(256), z.array(z.string().trim().min(1).max(256)).min(1).max(100)],
  {
    error: 'a condition is a string (equals) or a non-empty list of strings (any of), each 1..256 characters',
  },
);

const GroupNameSchema = z.string().trim().min(1).max(64);

const GroupRuleSchema = z.strictObject({
  /** Free text shown in logs; optional. */
  description: z.string().max(256).optional(),
  when: z
    .record(
      z
        .string()
        .regex(
          ATTRIBUTE_NAME,
          'attribute names are letters, digits, "_", "." or "-", starting with a letter',
        ),
      ConditionValueSchema,
    )
    .refine((when) => Object.keys(when).length > 0, 'a rule needs at least one condition'),
  groups: z.array(GroupNameSchema).min(1).max(50),
});

export const GroupRulesSchema = z.array(GroupRuleSchema).max(500);

export type GroupRule = z.infer<typeof GroupRuleSchema>;

/** Attribute values as a CompanyCreated event carries them. */
export type CompanyAttributes = Readonly<Record<string, string | readonly string[] | undefined>>;

export class GroupRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GroupRulesError';
  }
}

interface CompiledCondition {
  attribute: string;
  accepted: ReadonlySet<string>;
}

export interface GroupRules {
  readonly rules: readonly GroupRule[];
  /** Group names given by every rule that matches, in rule order, de-duplicated case-insensitively. */
  groupsFor(attributes: CompanyAttributes | undefined): string[];
}

const fold = (value: string): string => value.trim().toLowerCase();

/** The values a condition accepts, folded for comparison. */
export function acceptedValues(condition: string | readonly string[]): ReadonlySet<string> {
  return new Set((typeof condition === 'string' ? [condition] : condition).map(fold));
}

/** The company's own value of an attribute (never one inherited from Object.prototype). */
export function attributeValue(
  attributes: CompanyAttributes,
  attribute: string,
): string | readonly string[] | undefined {
  return Object.hasOwn(attributes, attribute) ? attributes[attribute] : undefined;
}

/** A condition holds when the value, or any element of a list value, is one of those accepted. */
export function conditionHolds(
  accepted: ReadonlySet<string>,
  actual: string | readonly string[] | undefined,
): boolean {
  if (actual === undefined) return false;
  const values = typeof actual === 'string' ? [actual] : actual;
  return values.some((v) => accepted.has(fold(v)));
}

/** Compiles already-validated rules. */
export function compileGroupRules(rules: readonly GroupRule[]): GroupRules {
  const compiled = rules.map((rule) => ({
    conditions: Object.entries(rule.when).map(
      ([attribute, value]): CompiledCondition => ({
        attribute,
        accepted: acceptedValues(value),
      }),
    ),
    groups: rule.groups,
  }));

  return {
    rules,
    groupsFor(attributes) {
      if (!attributes) return [];
      const seen = new Set<string>();
      const out: string[] = [];
      for (const rule of compiled) {
        const matches = rule.conditions.every(({ attribute, accepted }) =>
          conditionHolds(accepted, attributeValue(attributes, attribute)),
        );
        if (!matches) continue;
        for (const group of rule.groups) {
          const key = fold(group);
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(group);
        }
      }
      return out;
    },
  };
}

/**
 * Parses the GROUP_RULES text. Empty or missing means "no rules". Throws GroupRulesError naming the
 * rule and field at fault, so a bad deployment fails at cold start instead of mis-routing events.
 */
export function parseGroupRules(text: string | undefined): GroupRules {
  if (text === undefined || text.trim() === '') return compileGroupRules([]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GroupRulesError(`GROUP_RULES is not valid JSON: ${(error as Error).message}`);
  }
  const result = GroupRulesSchema.safeParse(json);
  if (!result.success) {
    throw new GroupRulesError(`GROUP_RULES is invalid: ${formatIssues(result.error, 'GROUP_RULES')}`);
  }
  return compileGroupRules(result.data);
}
