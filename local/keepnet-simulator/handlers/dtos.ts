// The vendor's DTOs as the simulator serves them, one builder per shape.

import type { ReplyQuirks } from '../behaviour';
import { servedCreateTime } from '../quirks';
import type { SimulatorStore } from '../store';
import type { SimCompany, SimGroup } from '../types';
import type { GroupRow } from './searches';

/** `CompanyGroupDto`, as list and get return it. */
export function groupDto(store: SimulatorStore, group: SimGroup) {
  return {
    resourceId: group.resourceId,
    name: group.name,
    addedTime: group.createTime,
    companyCount: store.memberCount(group.resourceId),
  };
}

/** `SearchCompanyGroupDto`. */
export function groupSearchDto(row: GroupRow) {
  return {
    resourceId: row.group.resourceId,
    name: row.group.name,
    companyCount: row.companyCount,
    createTime: row.group.createTime,
  };
}

/**
 * The industry and licence fields both company searches serve, in the order they serve them (spread in
 * place so the key order on the wire stays the vendor's); `numberOfUsers` is a string there.
 */
function searchedLicence(company: SimCompany) {
  return {
    industryName: company.industryName,
    industryResourceId: company.industryResourceId,
    licenseTypeName: company.licenseTypeName,
    licenseTypeResourceId: company.licenseTypeResourceId,
    isNumberOfUsersLimited: company.isNumberOfUsersLimited,
    numberOfUsers: String(company.numberOfUsers),
  };
}

/** `SearchGroupCompanyDto`. */
export function memberDto(company: SimCompany, quirks: ReplyQuirks = {}) {
  return {
    companyName: company.name,
    companyResourceId: company.resourceId,
    ...searchedLicence(company),
    licenseEndDate: company.licenseEndDate,
    createTime: servedCreateTime(quirks, company.resourceId, company.createTime),
    companyStatusId: company.companyStatusId,
    companyStatusName: company.companyStatusName,
  };
}

/** `SearchCompanyDto`; `children` as nested by the `childrenOf` quirk (null: none). */
export function companySearchDto(
  company: SimCompany,
  quirks: ReplyQuirks = {},
  children: unknown[] | null = null,
) {
  return {
    companyName: company.name,
    companyResourceId: company.resourceId,
    resellerName: company.resellerName,
    ...searchedLicence(company),
    privacyDurationId: 0,
    licenceExpired: company.licenseEndDate !== null && Date.parse(company.licenseEndDate) < Date.now(),
    licenseEndDate: company.licenseEndDate,
    createTime: servedCreateTime(quirks, company.resourceId, company.createTime),
    targetUserCount: company.targetUserCount,
    children,
    tags: company.tags,
    deletedTargetUserCount: 0,
    inactiveTargetUserCount: 0,
    monthlyActiveUserCount: 0,
  };
}

/** `CompanyDto` (the fields the simulator knows). */
export function companyDto(company: SimCompany) {
  return {
    resourceId: company.resourceId,
    name: company.name,
    industryResourceId: company.industryResourceId,
    industryName: company.industryName,
    countryName: company.countryName,
    licenseTypeResourceId: company.licenseTypeResourceId,
    licenseTypeName: company.licenseTypeName,
    licenseEndDate: company.licenseEndDate,
    isNumberOfUsersLimited: company.isNumberOfUsersLimited,
    numberOfUsers: company.numberOfUsers,
  };
}
