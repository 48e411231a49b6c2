// The zod-free fast path for GROUP_RULES at cold start: accepts a rule set only when it is plainly valid
// (every rule, field and length as GroupRulesSchema requires) and returns exactly what the schema would
// (strings trimmed). Anything else returns undefined and the caller falls back to the schema, which
// stays the one authority on what is valid and on the messages that name a fault.
// test/unit/group-rules-guard.test.ts checks against the schema that whatever this accepts, the schema
// accepts with the same result.
import { ATTRIBUTE_NAME, type GroupRule } from './rule-set';

const RULE_KEYS = new Set(['description', 'when', 'groups']);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value));

/** A string that is 1..max characters once trimmed: the trimmed string, else undefined. */
function trimmed(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const out = value.trim();
  return out.length >= 1 && out.length <= max ? out : undefined;
}

function trimmedList(value: unknown, min: number, max: number, each: number): string[] | undefined {
  if (!Array.isArray(value) || value.length < min || value.length > max) return undefined;
  const out: string[] = [];
  for (const item of value) {
    const text = trimmed(item, each);
    if (text === undefined) return undefined;
    out.push(text);
  }
  return out;
}

function plainRule(value: unknown): GroupRule | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const key of Object.keys(value)) if (!RULE_KEYS.has(key)) return undefined;
  const { description, when, groups } = value;
  if (description !== undefined && (typeof description !== 'string' || description.length > 256))
    return undefined;
  if (!isPlainObject(when)) return undefined;
  const attributes = Object.keys(when);
  if (attributes.length === 0) return undefined;
  const conditions: Record<string, string | string[]> = {};
  for (const attribute of attributes) {
    if (!ATTRIBUTE_NAME.test(attribute)) return undefined;
    const raw = when[attribute];
    const condition = typeof raw === 'string' ? trimmed(raw, 256) : trimmedList(raw, 1, 100, 256);
    if (condition === undefined) return undefined;
    conditions[attribute] = condition;
  }
  const groupNames = trimmedList(groups, 1, 50, 64);
  if (groupNames === undefined) return undefined;
  return {
    ...(description !== undefined || 'description' in value ? { description } : {}),
    when: conditions,
    groups: groupNames,
  };
}

/** GROUP_RULES' parsed JSON as GroupRulesSchema would return it, when plainly valid; else undefined. */
export function plainGroupRules(json: unknown): GroupRule[] | undefined {
  if (!Array.isArray(json) || json.length > 500) return undefined;
  const rules: GroupRule[] = [];
  for (const item of json) {
    const rule = plainRule(item);
    if (rule === undefined) return undefined;
    rules.push(rule);
  }
  return rules;
}
