// From a valid file (and optional attributes CSV) to the target: for each group named, the exact set
// of company ids it should hold — its explicit members plus every company one of its rules matches.
// Problems that need Keepnet to be seen (unknown or ambiguous companies, rules over CSV columns that do
// not exist) are reported here, with the file's line and field.
import type { CompanySummary } from '../keepnet/types';
import { type CompanyAttributes, compileGroupRules, type GroupRule } from '../rules/group-rules';
import type { AttributeTable } from './attributes';
import type { CompanyDirectory } from './companies';
import { DesiredStateError, type FileProblem } from './errors';
import { CSV_ATTRIBUTE_PREFIX, type DesiredRule, KEEPNET_COMPANY_FIELDS } from './format';
import { type ParsedDesiredState, problemAt } from './parse';

/** What one group should be. `additive`: members are only ever added (rules backfill). */
export interface TargetGroup {
  name: string;
  companyIds: readonly string[];
  additive: boolean;
}

/** What Keepnet should hold, group by group: the file with its rules resolved to company ids. */
export interface Target {
  groups: readonly TargetGroup[];
}

type Attributes = Record<string, string | string[]>;

/** A Keepnet company's fields as rule attributes: values as text, lists kept as lists, nulls left out. */
export function keepnetAttributes(company: CompanySummary): Attributes {
  const out: Attributes = {};
  for (const field of KEEPNET_COMPANY_FIELDS) {
    const value = company[field];
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) out[field] = value.filter((v) => v !== null).map(String);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[field] = String(value);
  }
  return out;
}

/** A file rule as a GROUP_RULES rule (values as text), so both are matched by the same code. */
export function asGroupRule(rule: DesiredRule, group: string): GroupRule {
  const when: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(rule.when)) {
    when[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return { when, groups: [group] };
}

/**
 * The table's attributes per company id, each column named `<prefix><column>`, with the table's own
 * problems (line-numbered): unknown or ambiguous companies, a company given twice.
 */
export function csvAttributes(
  table: AttributeTable,
  directory: CompanyDirectory,
  prefix = CSV_ATTRIBUTE_PREFIX,
): { byCompany: Map<string, Attributes>; problems: FileProblem[] } {
  const byCompany = new Map<string, Attributes>();
  const firstLine = new Map<string, number>();
  const problems: FileProblem[] = [];
  for (const row of table.rows) {
    const resolved = directory.resolve(row.companyRef);
    if ('problem' in resolved) {
      problems.push({ line: row.line, field: 'column 1', message: resolved.problem });
      continue;
    }
    const earlier = firstLine.get(resolved.id);
    if (earlier !== undefined) {
      problems.push({
        line: row.line,
        field: 'column 1',
        message: `company ${resolved.id} already has a row (line ${earlier})`,
      });
      continue;
    }
    firstLine.set(resolved.id, row.line);
    const attributes: Attributes = {};
    for (const [column, value] of Object.entries(row.values)) attributes[`${prefix}${column}`] = value;
    byCompany.set(resolved.id, attributes);
  }
  return { byCompany, problems };
}

/**
 * The target of a parsed file against the companies Keepnet has. Throws DesiredStateError listing every
 * unknown or ambiguous company and every rule key no attribute can satisfy.
 */
export function buildTarget(
  parsed: ParsedDesiredState,
  directory: CompanyDirectory,
  attributes?: AttributeTable,
): Target {
  const problems: FileProblem[] = [];
  const at = (path: PropertyKey[], message: string, key = false): FileProblem =>
    problemAt(parsed.locate, path, message, key);
  const csv = attributes ? csvAttributes(attributes, directory) : undefined;
  // The CSV's problems carry the CSV's line numbers: reported under its own name.
  if (attributes && csv && csv.problems.length > 0)
    throw new DesiredStateError(attributes.file, csv.problems);
  // Every company's attributes, built once (on first use) for all the groups' rules.
  let values: { id: string; values: CompanyAttributes }[] | undefined;
  const companyValues = () => {
    values ??= directory.companies.map((company) => ({
      id: company.companyResourceId,
      values: { ...keepnetAttributes(company), ...csv?.byCompany.get(company.companyResourceId) },
    }));
    return values;
  };
  const columns = new Set((attributes?.columns ?? []).map((c) => `${CSV_ATTRIBUTE_PREFIX}${c}`));

  const groups = parsed.state.groups.map((group, g): TargetGroup => {
    const ids = new Set<string>();
    (group.members ?? []).forEach((ref, m) => {
      const resolved = directory.resolve(ref);
      if ('problem' in resolved) problems.push(at(['groups', g, 'members', m], resolved.problem));
      else ids.add(resolved.id);
    });
    const rules = group.rules ?? [];
    rules.forEach((rule, r) => {
      for (const key of Object.keys(rule.when)) {
        if (!key.startsWith(CSV_ATTRIBUTE_PREFIX) || columns.has(key)) continue;
        const why = attributes
          ? `column "${key.slice(CSV_ATTRIBUTE_PREFIX.length)}" is not in ${attributes.file} (columns: ${attributes.columns.join(', ')})`
          : 'rules over csv.<column> need --attributes <file.csv>';
        problems.push(at(['groups', g, 'rules', r, 'when', key], why, true));
      }
    });
    if (rules.length > 0) {
      const matcher = compileGroupRules(rules.map((rule) => asGroupRule(rule, group.name)));
      for (const { id, values } of companyValues()) {
        if (matcher.groupsFor(values).length > 0) ids.add(id);
      }
    }
    return { name: group.name.trim(), companyIds: [...ids].sort(), additive: false };
  });
  if (problems.length > 0) throw new DesiredStateError(parsed.file, problems);
  return { groups };
}
