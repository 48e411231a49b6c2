// The simulator's data: companies of one reseller, company groups and their members.
// Plain in-memory maps (insertion-ordered); HTTP handlers and the test-facing `state` both use it.
import { INDUSTRIES, LICENSE_TYPES, RESELLER_NAME } from './catalog';
import { type Random, resourceId } from './rng';
import type { NewCompany, SimCompany, SimGroup, SimulatorState } from './types';

export class SimulatorStore implements SimulatorState {
  private readonly companiesById = new Map<string, SimCompany>();
  private readonly groupsById = new Map<string, SimGroup>();
  private readonly membersByGroup = new Map<string, Set<string>>();

  constructor(private random: Random) {}

  newId(): string {
    let id = resourceId(this.random);
    while (this.companiesById.has(id) || this.groupsById.has(id)) id = resourceId(this.random);
    return id;
  }

  /** Empties the store and restarts its id sequence from `random` (used by `reset()`). */
  clear(random: Random = this.random): void {
    this.random = random;
    this.companiesById.clear();
    this.groupsById.clear();
    this.membersByGroup.clear();
  }

  // ---- companies ----

  companies(): SimCompany[] {
    return [...this.companiesById.values()];
  }

  company(id: string): SimCompany | undefined {
    return this.companiesById.get(id);
  }

  companyByName(name: string): SimCompany | undefined {
    const wanted = name.trim().toLowerCase();
    return this.companies().find((c) => c.name.toLowerCase() === wanted);
  }

  addCompany(input: NewCompany): SimCompany {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 64) throw new Error('company name must be 1..64 characters');
    for (const groupId of input.groupResourceIds ?? []) this.requireGroup(groupId);
    // Names outside the catalog are kept, with a stand-in id (the real API would refuse them).
    const industry = input.industryName
      ? (INDUSTRIES.find((i) => i.name === input.industryName) ?? {
          name: input.industryName,
          resourceId: 'IndOther0001',
        })
      : INDUSTRIES[0];
    const license = input.licenseTypeName
      ? (LICENSE_TYPES.find((l) => l.name === input.licenseTypeName) ?? {
          name: input.licenseTypeName,
          resourceId: 'LicOther0001',
        })
      : LICENSE_TYPES[0];
    const numberOfUsers = input.numberOfUsers ?? 100;
    const company: SimCompany = {
      resourceId: this.newId(),
      name,
      industryName: industry.name,
      industryResourceId: industry.resourceId,
      licenseTypeName: license.name,
      licenseTypeResourceId: license.resourceId,
      licenseEndDate: input.licenseEndDate ?? null,
      numberOfUsers,
      isNumberOfUsersLimited: true,
      createTime: input.createTime ?? new Date().toISOString(),
      resellerName: RESELLER_NAME,
      countryName: input.countryName ?? 'United Kingdom',
      tags: input.tags ?? [],
      companyStatusId: 1,
      companyStatusName: 'Active',
      targetUserCount: Math.max(0, numberOfUsers - 3),
    };
    this.companiesById.set(company.resourceId, company);
    for (const groupId of input.groupResourceIds ?? [])
      this.membersByGroup.get(groupId)?.add(company.resourceId);
    return company;
  }

  // ---- groups ----

  groups(): SimGroup[] {
    return [...this.groupsById.values()];
  }

  group(id: string): SimGroup | undefined {
    return this.groupsById.get(id);
  }

  groupByName(name: string): SimGroup | undefined {
    const wanted = name.trim().toLowerCase();
    return this.groups().find((g) => g.name.toLowerCase() === wanted);
  }

  addGroup(name: string, memberIds: string[] = [], createTime = new Date().toISOString()): SimGroup {
    const group: SimGroup = { resourceId: this.newId(), name: name.trim(), createTime };
    this.groupsById.set(group.resourceId, group);
    this.membersByGroup.set(group.resourceId, new Set(memberIds));
    return group;
  }

  renameGroup(id: string, name: string): void {
    this.requireGroup(id).name = name.trim();
  }

  deleteGroup(id: string): boolean {
    this.membersByGroup.delete(id);
    return this.groupsById.delete(id);
  }

  // ---- members ----

  groupMemberIds(id: string): string[] {
    this.requireGroup(id);
    return [...(this.membersByGroup.get(id) ?? [])];
  }

  memberCount(id: string): number {
    return this.membersByGroup.get(id)?.size ?? 0;
  }

  groupMembers(id: string): SimCompany[] {
    return this.groupMemberIds(id).flatMap((cid) => this.companiesById.get(cid) ?? []);
  }

  setGroupMembers(id: string, companyIds: string[]): void {
    this.requireGroup(id);
    this.membersByGroup.set(id, new Set(companyIds));
  }

  addGroupMembers(id: string, companyIds: string[]): void {
    this.requireGroup(id);
    const members = this.membersByGroup.get(id) ?? new Set<string>();
    for (const cid of companyIds) members.add(cid);
    this.membersByGroup.set(id, members);
  }

  removeGroupMembers(id: string, companyIds: string[]): void {
    const members = this.membersByGroup.get(id);
    for (const cid of companyIds) members?.delete(cid);
  }

  private requireGroup(id: string): SimGroup {
    const group = this.groupsById.get(id);
    if (!group) throw new Error(`unknown company group ${id}`);
    return group;
  }
}
