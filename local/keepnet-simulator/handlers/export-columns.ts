// The columns of the two export files.
import type { ExportColumn } from '../export-writers';
import type { SimCompany } from '../types';
import type { GroupRow } from './searches';

/** Columns of the groups export (`POST /api/company-groups/search/export`). */
export const GROUP_COLUMNS: ExportColumn<GroupRow>[] = [
  { header: 'Name', value: (r) => r.group.name },
  { header: 'Company Count', value: (r) => r.companyCount },
  { header: 'Create Time', value: (r) => r.group.createTime },
  { header: 'Resource Id', value: (r) => r.group.resourceId },
];

/** Columns of a group's members export (`…/{resourceId}/companies/search/export`). */
export const MEMBER_COLUMNS: ExportColumn<SimCompany>[] = [
  { header: 'Company Name', value: (c) => c.name },
  { header: 'Industry', value: (c) => c.industryName },
  { header: 'License Type', value: (c) => c.licenseTypeName },
  { header: 'License End Date', value: (c) => c.licenseEndDate },
  { header: 'Number Of Users', value: (c) => c.numberOfUsers },
  { header: 'Create Time', value: (c) => c.createTime },
  { header: 'Company Resource Id', value: (c) => c.resourceId },
];
