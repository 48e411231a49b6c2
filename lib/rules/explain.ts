// Why a company gets the groups it gets: every rule of a rule set, whether it matched, and each of its
// conditions with the company's value — what `keepnet-groups rules test` prints. Matching is the
// rule set's own (acceptedValues, conditionHolds), so the explanation never disagrees with routing.
import {
  acceptedValues,
  attributeValue,
  type CompanyAttributes,
  conditionHolds,
  type GroupRule,
} from './rule-set';

/** One condition of a rule, as it went for this company. */
export interface ConditionOutcome {
  attribute: string;
  expected: string | readonly string[];
  actual: string | readonly string[] | null;
  holds: boolean;
}

/** One rule: its index in the set, whether it matched, and why. */
export interface RuleOutcome {
  index: number;
  description?: string;
  groups: readonly string[];
  matched: boolean;
  conditions: ConditionOutcome[];
}

/** Every rule of the set, in order, against these attributes. */
export function explainGroupRules(rules: readonly GroupRule[], attributes: CompanyAttributes): RuleOutcome[] {
  return rules.map((rule, index) => {
    const conditions = Object.entries(rule.when).map(([attribute, expected]): ConditionOutcome => {
      const actual = attributeValue(attributes, attribute);
      return {
        attribute,
        expected,
        actual: actual ?? null,
        holds: conditionHolds(acceptedValues(expected), actual),
      };
    });
    return {
      index,
      ...(rule.description ? { description: rule.description } : {}),
      groups: rule.groups,
      matched: conditions.every((c) => c.holds),
      conditions,
    };
  });
}

/** `industry in ["Finance","Banking"] (is "Finance")`: one condition for people. */
export function describeCondition(condition: ConditionOutcome): string {
  const expected =
    typeof condition.expected === 'string'
      ? `= ${JSON.stringify(condition.expected)}`
      : `in ${JSON.stringify(condition.expected)}`;
  const actual = condition.actual === null ? 'missing' : `is ${JSON.stringify(condition.actual)}`;
  return `${condition.attribute} ${expected} (${actual})`;
}
