// The zod-free GROUP_RULES guard used at cold start may only ever accept what GroupRulesSchema accepts,
// returning the same value; it must also accept ordinary valid rule sets (or it saves nothing).
import fc from 'fast-check';
import * as z from 'zod/mini';
import { GroupRulesSchema } from '../../lib/rules/group-rules';
import { plainGroupRules } from '../../lib/rules/group-rules-guard';

const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: max + 2 }),
    fc.constantFrom('', ' ', ' EU ', '\t', 'x'.repeat(max), ` ${'y'.repeat(max)} `, 'x'.repeat(max + 1)),
  );
const attributeName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,8}$/),
  fc.constantFrom('1st', '', 'constructor', '__proto__', 'a b', 'x'.repeat(65), 'toString'),
);
const condition = fc.oneof(text(256), fc.array(text(256), { maxLength: 4 }), fc.integer(), fc.constant(null));
const rule = fc.record(
  {
    description: fc.oneof(text(256), fc.constant(undefined), fc.integer()),
    when: fc.oneof(
      fc.dictionary(attributeName, condition, { maxKeys: 4 }),
      fc.constant([]),
      fc.constant('EU'),
    ),
    groups: fc.oneof(fc.array(text(64), { maxLength: 4 }), fc.constant('G')),
    group: fc.string(),
  },
  { requiredKeys: [] },
);
const anything = fc.oneof(fc.array(rule, { maxLength: 4 }), fc.jsonValue(), fc.anything());

const valid = fc.array(
  fc.record({
    when: fc.dictionary(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,8}$/),
      fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9 ]{0,8}[A-Za-z0-9]$/),
        fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { minLength: 1, maxLength: 3 }),
      ),
      { minKeys: 1, maxKeys: 3 },
    ),
    groups: fc.array(fc.stringMatching(/^ ?[A-Za-z0-9][A-Za-z0-9 ]{0,20} ?$/), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  { maxLength: 5 },
);

describe('GROUP_RULES zod-free guard', () => {
  it('accepts only what the schema accepts, returning what the schema returns', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const fast = plainGroupRules(input);
        if (fast === undefined) return;
        const result = z.safeParse(GroupRulesSchema, input);
        expect(result.success).toBe(true);
        expect(fast).toEqual(result.data);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts ordinary valid rule sets (so the cold start skips the schema)', () => {
    fc.assert(
      fc.property(valid, (rules) => {
        expect(plainGroupRules(rules)).toEqual(z.parse(GroupRulesSchema, rules));
      }),
    );
    // The accepted-side check above can fail: a refused rule set is not "plainly valid".
    expect(plainGroupRules([{ when: {}, groups: ['A'] }])).toBeUndefined();
    expect(plainGroupRules([{ when: { region: 'EU' }, groups: ['A'], group: 'B' }])).toBeUndefined();
  });
});
