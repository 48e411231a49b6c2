// The simulator's data: the companies of one reseller, company groups and their members.
import { INDUSTRIES, LICENSE_TYPES, RESELLER_NAME } from './catalog';
import { type Random, resourceId } from './rng';
import type { NewCompany, SimCompany, SimGroup, SimulatorState } from './types';

/** Everything the store holds, as plain JSON: what a kept simulator writes to its state file. */
export interface StoreSnapshot {
  version: 1;
  /** Random draws the id sequence has made: a restored store continues it, so ids are never reused. */
  idDraws: number;
  companies: SimCompany[];
  groups: (SimGroup & { memberIds: string[] })[];
}

/**
 * The simulator's data, in insertion-ordered maps: the handlers' store and the test-facing `state`. It
 * checks little (a company name's length, that a group exists); the API's rules live in the handlers.
 * `snapshot`, `restore` and `onChange` let persistence.ts keep it in a file between runs.
 */
export class SimulatorStore implements SimulatorState {
  private readonly companiesById = new Map<string, SimCompany>();
  private readonly groupsById = new Map<string, SimGroup>();
  private readonly membersByGroup = new Map<string, Set<string>>();
  private random: Random;
  private idDraws = 0;
  private listener: (() => void) | undefined;
  /** >0 while `batch` runs: changes are reported once, at its end. */
  private batching = 0;

  constructor(random: Random) {
    this.random = this.counted(random);
  }

  newId(): string {
    let id = resourceId(this.random);
    while (this.companiesById.has(id) || this.groupsById.has(id)) id = resourceId(this.random);
    return id;
  }

  /** Empties the store and restarts its id sequence from `random` (used by `reset()`). */
  clear(random: Random): void {
    this.idDraws = 0;
    this.random = this.counted(random);
    this.companiesById.clear();
    this.groupsById.clear();
    this.membersByGroup.clear();
    this.changed();
  }

  // ---- persistence ----

  /** Calls `listener` after every change (one call per `batch`). One listener; a new one replaces it. */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  /** Runs `work` (e.g. seeding) and reports its changes once. */
  batch(work: () => void): void {
    this.batching++;
    try {
      work();
    } finally {
      this.batching--;
    }
    this.changed();
  }

  snapshot(): StoreSnapshot {
    return {
      version: 1,
      idDraws: this.idDraws,
      companies: this.companies(),
      groups: this.groups().map((g) => ({
        ...g,
        memberIds: [...(this.membersByGroup.get(g.resourceId) ?? [])],
      })),
    };
  }

  /** Replaces the contents with `snapshot`; the id sequence restarts from `random` and skips the draws already made. */
  restore(snapshot: StoreSnapshot, random: Random): void {
    this.batch(() => {
      this.clear(random);
      for (let i = 0; i < snapshot.idDraws; i++) this.random();
      for (const company of snapshot.companies) this.companiesById.set(company.resourceId, { ...company });
      for (const { memberIds, ...group } of snapshot.groups) {
        this.groupsById.set(group.resourceId, group);
        this.membersByGroup.set(group.resourceId, new Set(memberIds));
      }
    });
  }

  private counted(random: Random): Random {
    return () => {
      this.idDraws++;
      return random();
    };
  }

  private changed(): void {
    if (this.batching === 0) this.listener?.();
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
    this.changed();
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
    this.changed();
    return group;
  }

  renameGroup(id: string, name: string): void {
    this.requireGroup(id).name = name.trim();
    this.changed();
  }

  deleteGroup(id: string): boolean {
    this.membersByGroup.delete(id);
    const deleted = this.groupsById.delete(id);
    if (deleted) this.changed();
    return deleted;
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
    this.changed();
  }

  addGroupMembers(id: string, companyIds: string[]): void {
    this.requireGroup(id);
    const members = this.membersByGroup.get(id) ?? new Set<string>();
    for (const cid of companyIds) members.add(cid);
    this.membersByGroup.set(id, members);
    this.changed();
  }

  removeGroupMembers(id: string, companyIds: string[]): void {
    const members = this.membersByGroup.get(id);
    for (const cid of companyIds) members?.delete(cid);
    this.changed();
  }

  private requireGroup(id: string): SimGroup {
    const group = this.groupsById.get(id);
    if (!group) throw new Error(`unknown company group ${id}`);
    return group;
  }
}
