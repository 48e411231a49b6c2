// Which groups a new company joins: the event's ids and names, then the groups the rules give.

import { type GroupTarget, targetKey } from '../group-queue/targets';
import type { GroupRules } from '../rules/group-rules';
import type { CompanyCreatedDetail } from './company-created';

/** groupResourceIds ∪ groupNames ∪ rule groups, de-duplicated (names case-insensitively), in that order. */
export function targetsFor(detail: CompanyCreatedDetail, rules: GroupRules): GroupTarget[] {
  const candidates: GroupTarget[] = [
    ...(detail.groupResourceIds ?? []).map((groupId): GroupTarget => ({ kind: 'id', groupId })),
    ...(detail.groupNames ?? []).map((groupName): GroupTarget => ({ kind: 'name', groupName })),
    ...rules.groupsFor(detail.attributes).map((groupName): GroupTarget => ({ kind: 'name', groupName })),
  ];
  const seen = new Set<string>();
  return candidates.filter((target) => {
    const key = targetKey(target);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
