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
// zod/mini: the rules are checked in the router's cold start (bench/cold-start.ts).
import * as z from 'zod/mini';
import '../validation/zod-mini-locale';
import { formatIssues } from '../validation/zod-issues';
import { plainGroupRules } from './group-rules-guard';
import {
  ATTRIBUTE_NAME,
  compileGroupRules,
  type GroupRule,
  type GroupRules,
  GroupRulesError,
} from './rule-set';

const trimmed = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

const ConditionValueSchema = z.union(
  [trimmed(256), z.array(trimmed(256)).check(z.minLength(1), z.maxLength(100))],
  {
    error: 'a condition is a string (equals) or a non-empty list of strings (any of), each 1..256 characters',
  },
);

const GroupNameSchema = trimmed(64);

const GroupRuleSchema = z.strictObject({
  /** Free text shown in logs; optional. */
  description: z.optional(z.string().check(z.maxLength(256))),
  when: z
    .record(
      z
        .string()
        .check(
          z.regex(
            ATTRIBUTE_NAME,
            'attribute names are letters, digits, "_", "." or "-", starting with a letter',
          ),
        ),
      ConditionValueSchema,
    )
    .check(z.refine((when) => Object.keys(when).length > 0, 'a rule needs at least one condition')),
  groups: z.array(GroupNameSchema).check(z.minLength(1), z.maxLength(50)),
});

/** GROUP_RULES: at most 500 rules (see lib/onboarding/README.md for the format). */
export const GroupRulesSchema = z.array(GroupRuleSchema).check(z.maxLength(500));

export type { CompanyAttributes, GroupRule, GroupRules } from './rule-set';
export { compileGroupRules, GroupRulesError } from './rule-set';

import { ENV } from '../config/variables';

// The schema and the hand-written rule type (./rule-set.ts, kept free of zod) must agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _ruleTypeMatchesSchema: Same<z.infer<typeof GroupRuleSchema>, GroupRule> = true;
void _ruleTypeMatchesSchema;

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
    throw new GroupRulesError(`${ENV.groupRules} is not valid JSON: ${(error as Error).message}`);
  }
  // Plainly valid rules (the usual case) skip the schema; it decides the rest and words the faults.
  const plain = plainGroupRules(json);
  if (plain) return compileGroupRules(plain);
  const result = z.safeParse(GroupRulesSchema, json);
  if (!result.success) {
    throw new GroupRulesError(`${ENV.groupRules} is invalid: ${formatIssues(result.error, ENV.groupRules)}`);
  }
  return compileGroupRules(result.data);
}
