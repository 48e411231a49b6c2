// GROUP_RULES: the documented format, its matching semantics, and cold-start errors naming the fault.
import { GroupRulesError, parseGroupRules } from '../../lib/rules/group-rules';

const RULES = JSON.stringify([
  { when: { region: 'EU' }, groups: ['EU Customers'] },
  { when: { industry: ['Finance', 'Banking'], tags: 'msp-gold' }, groups: ['Regulated', 'Gold Partners'] },
  { when: { licenseType: 'Enterprise' }, groups: ['Gold Partners', 'Enterprise'] },
]);

describe('GROUP_RULES', () => {
  const rules = parseGroupRules(RULES);

  it('gives the groups of every matching rule, de-duplicated case-insensitively', () => {
    expect(
      rules.groupsFor({
        region: 'eu',
        industry: 'Banking',
        tags: ['x', 'MSP-GOLD'],
        licenseType: 'Enterprise',
      }),
    ).toEqual(['EU Customers', 'Regulated', 'Gold Partners', 'Enterprise']);
  });

  it('needs every condition of a rule (AND) and any value of a list (OR)', () => {
    expect(rules.groupsFor({ industry: 'Finance' })).toEqual([]);
    expect(rules.groupsFor({ industry: 'Finance', tags: ['msp-gold'] })).toEqual([
      'Regulated',
      'Gold Partners',
    ]);
    expect(rules.groupsFor({ industry: 'Retail', tags: ['msp-gold'] })).toEqual([]);
  });

  it('gives nothing without attributes or rules', () => {
    expect(rules.groupsFor(undefined)).toEqual([]);
    expect(parseGroupRules(undefined).groupsFor({ region: 'EU' })).toEqual([]);
    expect(parseGroupRules('  ').rules).toEqual([]);
  });

  it('does not treat inherited object keys as attributes', () => {
    const proto = parseGroupRules(JSON.stringify([{ when: { constructor: 'x' }, groups: ['G'] }]));
    expect(proto.groupsFor({})).toEqual([]);
  });

  it.each([
    ['{not json', /GROUP_RULES is not valid JSON/],
    ['{"when":{}}', /GROUP_RULES: Invalid input: expected array/],
    ['[{"when":{},"groups":["A"]}]', /GROUP_RULES\[0\]\.when: a rule needs at least one condition/],
    ['[{"when":{"region":"EU"},"groups":[]}]', /GROUP_RULES\[0\]\.groups: Too small/],
    [`[{"when":{"region":"EU"},"groups":["${'x'.repeat(65)}"]}]`, /GROUP_RULES\[0\]\.groups\[0\]: Too big/],
    ['[{"when":{"region":"EU"},"groups":["A"],"group":"B"}]', /GROUP_RULES\[0\]: Unrecognized key: "group"/],
    ['[{"when":{"region":7},"groups":["A"]}]', /GROUP_RULES\[0\]\.when\.region: a condition is a string/],
    ['[{"when":{"1st":"x"},"groups":["A"]}]', /GROUP_RULES\[0\]\.when\.1st: .*attribute names/],
  ])('refuses %s with a message naming the field', (text, message) => {
    expect(() => parseGroupRules(text)).toThrow(GroupRulesError);
    expect(() => parseGroupRules(text)).toThrow(message);
  });
});
