// The desired-state file format (issue 16): the published JSON Schema is the zod schema's, the full
// example in docs/ is valid by both, and every problem names its line and field, in YAML and in JSON.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parseAttributes } from '../../lib/desired-state/attributes';
import { DesiredStateError } from '../../lib/desired-state/errors';
import { parseDesiredState } from '../../lib/desired-state/parse';
import { GROUPS_FILE_SCHEMA_PATH, groupsFileSchemaText } from '../../local/write-groups-file-schema';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The problems a text has, as the CLI prints them. */
function problems(text: string, file = 'groups.yaml'): string[] {
  try {
    parseDesiredState(text, file);
  } catch (error) {
    if (error instanceof DesiredStateError)
      return error.message
        .split('\n')
        .slice(1)
        .map((l) => l.trim());
    throw error;
  }
  return [];
}

describe('the published JSON Schema', () => {
  it('is the one the zod schema gives (run `npm run schema:groups-file` after changing the format)', () => {
    // Compared as JSON: Biome formats the published file.
    expect(JSON.parse(read(GROUPS_FILE_SCHEMA_PATH))).toEqual(JSON.parse(groupsFileSchemaText()));
  });

  it('accepts the example in docs/ and refuses an unknown key, as the parser does', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(read(GROUPS_FILE_SCHEMA_PATH)));
    const example = parseDesiredState(read('docs/groups.example.yaml'), 'groups.example.yaml');
    expect(validate(example.state)).toBe(true);
    expect(example.state.groups.map((g) => g.name)).toEqual([
      'Finance',
      'Regulated',
      'EU Customers',
      'Gold Partners',
      'Pilot wave 2',
    ]);
    expect(validate({ version: 1, groups: [{ name: 'x', members: [], colour: 'blue' }] })).toBe(false);
    expect(validate({ version: 2, groups: [] })).toBe(false);
  });
});

it('docs/cli.md shows the example file as it is', () => {
  const cliDoc = read('docs/cli.md');
  const start = cliDoc.indexOf('```yaml\n', cliDoc.indexOf('The full example'));
  const block = cliDoc.slice(start + '```yaml\n'.length, cliDoc.indexOf('```\n', start + 8));
  expect(block).toBe(read('docs/groups.example.yaml'));
});

describe('problems name the line and the field', () => {
  it('in YAML: unknown keys, wrong types, a missing version, duplicate names ignoring case', () => {
    const text = [
      'groups:',
      '  - name: A',
      '    members: [x]',
      '    extra: 1',
      '  - name: a',
      '    members: 3',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      'groups.yaml:1:1: version: must be 1 (the only version of this format)',
      'groups.yaml:4:5: groups[0].extra: unknown key "extra" (not part of version 1 of the format)',
      'groups.yaml:6:14: groups[1].members: Invalid input: expected array, received number',
      'groups.yaml:5:11: groups[1].name: duplicate group "a" (groups[0] has the same name; Keepnet ignores case)',
    ]);
  });

  it('in JSON, by the same parser', () => {
    const text = JSON.stringify({ version: 1, groups: [{ name: '', rules: [{ when: {} }] }] }, null, 2);
    expect(problems(text, 'groups.json')).toEqual([
      'groups.json:5:15: groups[0].name: must not be empty',
      'groups.json:8:19: groups[0].rules[0].when: a rule needs at least one condition',
    ]);
  });

  it('syntax errors, empty files, alias bombs and oversized files are problems, not crashes', () => {
    expect(problems('version: 1\ngroups: [\n')[0]).toMatch(/^groups\.yaml:3:1: \(syntax\): /);
    expect(problems('')).toEqual(['groups.yaml: (file): is empty: expected `version: 1` and `groups`']);
    expect(problems('version: 1\nversion: 1\ngroups: []\n')[0]).toMatch(
      /^groups\.yaml:2:1: \(syntax\): .*unique/,
    );
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 60 }, (_, i) => `b${i}: [*a, *a]`),
    ];
    expect(problems(bomb.join('\n'))[0]).toMatch(/^groups\.yaml: \(file\): .*[Aa]lias/);
    expect(problems('#'.repeat(2 * 1024 * 1024 + 1))[0]).toMatch(/is 2097153 bytes; the limit is 2097152/);
  });
});

describe('the attributes CSV', () => {
  it('keeps each row with its line; quoted names survive', () => {
    const table = parseAttributes(read('docs/crm.example.csv'), 'crm.example.csv');
    expect(table.columns).toEqual(['region', 'tier']);
    expect(table.rows).toEqual([
      { line: 2, companyRef: 'O\'Neil, Marsh & "Partners"', values: { region: 'EU', tier: 'gold' } },
    ]);
  });

  it('names the line of a ragged row and a header without attribute columns', () => {
    expect(() => parseAttributes('id,region\nabc,EU,extra\n', 'crm.csv')).toThrow(/crm\.csv:2: \(csv\): /);
    expect(() => parseAttributes('id\nabc\n', 'crm.csv')).toThrow(/crm\.csv:1: \(header\): needs a header/);
  });
});
