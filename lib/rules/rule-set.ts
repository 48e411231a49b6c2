// A validated GROUP_RULES rule set and how it is evaluated. Free of zod, so the router's cold start can
// compile rules that lib/rules/group-rules-guard.ts has checked without loading a schema library.

/** What an attribute name may be: the schema and the fast path both check exactly this. */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** One rule, as GROUP_RULES gives it after validation (strings trimmed). */
export interface GroupRule {
  /** Free text shown in logs; optional. */
  description?: string | undefined;
  when: Record<string, string | string[]>;
  groups: string[];
}

/** Attribute values as a CompanyCreated event carries them. */
export type CompanyAttributes = Readonly<Record<string, string | readonly string[] | undefined>>;

/** GROUP_RULES that cannot be used; the message names the rule index and field. */
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

/** A compiled rule set: which groups a company's attributes put it in. */
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
