// Plans and saved-plan checks (issue 16) on plain data: what a plan adds and removes, that an additive
// target never removes, and every way Keepnet can move under a saved plan.
import { computePlan, type Plan, planHasChanges } from '../../lib/desired-state/plan';
import { checkPlan, planWasEdited } from '../../lib/desired-state/staleness';

const group = (resourceId: string, name: string) => ({ resourceId, name, companyCount: 0 });

function planOf(): Plan {
  return computePlan(
    {
      groups: [
        { name: 'finance', companyIds: ['c2', 'c3'], additive: false },
        { name: 'New one', companyIds: ['c1'], additive: false },
        { name: 'Rules only', companyIds: ['c1'], additive: true },
      ],
    },
    {
      groups: [
        group('gFinance0001', 'Finance'),
        group('gRules000001', 'Rules only'),
        group('gOther000001', 'Other'),
      ],
      members: new Map([
        ['gFinance0001', ['c1', 'c2']],
        ['gRules000001', ['c9']],
      ]),
      companies: [],
    },
    'groups.yaml',
  );
}

describe('computePlan', () => {
  it('adds and removes per group, creates the missing, never removes from an additive group', () => {
    const plan = planOf();
    expect(plan.groups.map(({ name, groupId, add, remove }) => ({ name, groupId, add, remove }))).toEqual([
      { name: 'Finance', groupId: 'gFinance0001', add: ['c3'], remove: ['c1'] },
      { name: 'New one', groupId: null, add: ['c1'], remove: [] },
      { name: 'Rules only', groupId: 'gRules000001', add: ['c1'], remove: [] },
    ]);
    expect(plan.unmanaged).toEqual([{ groupId: 'gOther000001', name: 'Other', companyCount: 0 }]);
    expect(planHasChanges(plan)).toBe(true);
    expect(planWasEdited(plan)).toBe(false);
    expect(planWasEdited({ ...plan, groups: plan.groups.map((g) => ({ ...g, before: [] })) })).toBe(true);
  });
});

describe('checkPlan', () => {
  const now = (
    members: Record<string, string[]>,
    groups = [group('gFinance0001', 'Finance'), group('gRules000001', 'Rules only')],
  ) => ({
    groups,
    members: new Map(Object.entries(members)),
  });

  it('nothing moved: everything to apply', () => {
    const check = checkPlan(planOf(), now({ gFinance0001: ['c2', 'c1'], gRules000001: ['c9'] }));
    expect(check.toApply.map((g) => g.name)).toEqual(['Finance', 'New one', 'Rules only']);
    expect(check.moved).toEqual([]);
  });

  it('already as planned (applied before, perhaps in part): skipped, not a conflict', () => {
    const check = checkPlan(
      planOf(),
      now({ gFinance0001: ['c2', 'c3'], gRules000001: ['c9'], gNew00000001: ['c1'] }, [
        group('gFinance0001', 'Finance'),
        group('gRules000001', 'Rules only'),
        group('gNew00000001', 'NEW ONE'),
      ]),
    );
    expect(check.alreadyApplied.map((g) => g.name)).toEqual(['Finance', 'New one']);
    expect(check.toApply.map((g) => g.name)).toEqual(['Rules only']);
    expect(check.moved).toEqual([]);
  });

  it('interrupted (created, half the changes made): applied again, the created group by its id', () => {
    const check = checkPlan(
      planOf(),
      now({ gFinance0001: ['c1', 'c2', 'c3'], gRules000001: ['c9'], gNew00000001: [] }, [
        group('gFinance0001', 'Finance'),
        group('gRules000001', 'Rules only'),
        group('gNew00000001', 'New one'),
      ]),
    );
    expect(check.moved).toEqual([]);
    expect(check.toApply.map((g) => [g.name, g.groupId])).toEqual([
      ['Finance', 'gFinance0001'],
      ['New one', 'gNew00000001'],
      ['Rules only', 'gRules000001'],
    ]);
  });

  it('names what moved: members changed, a group created, a group deleted', () => {
    const check = checkPlan(
      planOf(),
      now({ gFinance0001: ['c2', 'c7'], gNew00000001: ['c5'] }, [
        group('gFinance0001', 'Finance'),
        group('gNew00000001', 'New one'),
      ]),
    );
    expect(check.moved).toEqual([
      'group "Finance" (gFinance0001): 1 member(s) added (c7) and 1 member(s) removed (c1) since the plan',
      'group "New one" was created since the plan (gNew00000001) with other members',
      'group "Rules only" (gRules000001) was deleted or renamed since the plan',
    ]);
  });
});
