// A validated GROUP_RULES rule set and how it is evaluated. Free of zod, so the router's cold start can
// compile rules that lib/rules/group-rules-guard.ts has checked without loading a schema library.

/** One rule, as GROUP_RULES gives it after validation (strings trimmed). */
export interface GroupRule {
  /** Free text shown in logs; optional. */
  description?: string | undefined;
  when: Record<string, string | string[]>;
  groups: string[];
}

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

/** Compiles already-validated rules. */
export function compileGroupRules(rules: readonly GroupRule[]): GroupRules {
  const compiled = rules.map((rule) => ({
    conditions: Object.entries(rule.when).map(
      ([attribute, value]): CompiledCondition => ({
        attribute,
        accepted: new Set((typeof value === 'string' ? [value] : value).map(fold)),
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
        const matches = rule.conditions.every(({ attribute, accepted }) => {
          const actual = Object.hasOwn(attributes, attribute) ? attributes[attribute] : undefined;
          if (actual === undefined) return false;
          const values = typeof actual === 'string' ? [actual] : actual;
          return values.some((v) => accepted.has(fold(v)));
        });
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
