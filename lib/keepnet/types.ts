// The domain of Keepnet's company-group API as this project sees it: plain data, no transport.
// Names follow the vendor's JSON (camelCase); the client normalises PascalCase replies into these.
import type { Readable } from 'node:stream';

/** Keepnet's id of a group or company: 12 alphanumerics in practice. */
export type ResourceId = string;

/** A group as list/get return it (`CompanyGroupDto`). A group read never includes its members. */
export interface CompanyGroup {
  resourceId: ResourceId;
  name: string;
  addedTime?: string | null;
  companyCount: number;
}

/** A group as search returns it (`SearchCompanyGroupDto`). */
export interface CompanyGroupSearchItem {
  resourceId: ResourceId;
  name: string;
  companyCount: number;
  createTime: string;
}

/** A company inside a group (`SearchGroupCompanyDto`), or a company from companies search. */
export interface CompanySummary {
  companyResourceId: ResourceId;
  companyName: string | null;
  /** Nullable in the spec: null when Keepnet sends none. */
  createTime: string | null;
  /** Companies search: the parent it was nested under (`SearchCompanyDto.children`), if any. */
  parentCompanyResourceId?: ResourceId;
  industryName?: string | null;
  licenseTypeName?: string | null;
  licenseEndDate?: string | null;
  numberOfUsers?: string | null;
  resellerName?: string | null;
  [field: string]: unknown;
}

/** One condition of a search filter (`fieldName operator value`). */
export interface FilterItem {
  fieldName: string;
  operator: '=' | '!=' | 'Contains' | '>' | '<' | '>=' | '<=' | (string & {});
  value: string;
}

/** Conditions joined by `condition`, nested groups included. */
export interface FilterGroup {
  condition: 'AND' | 'OR';
  filterItems?: FilterItem[];
  filterGroups?: FilterGroup[];
}

/** A search's filter: free text plus filter groups, joined by `condition` (AND by default). */
export interface SearchFilter {
  condition?: 'AND' | 'OR';
  searchInputTextValue?: string;
  filterGroups?: FilterGroup[];
}

/** What a caller may pass; the client always completes it (page, size, orderBy, ascending, filter). */
export interface SearchOptions {
  pageNumber?: number;
  pageSize?: number;
  orderBy?: string;
  ascending?: boolean;
  filter?: SearchFilter;
}

/** One page of a search, with the totals Keepnet reported (or derived). */
export interface Page<T> {
  pageNumber: number;
  pageSize: number;
  totalNumberOfPages: number;
  totalNumberOfRecords: number;
  results: T[];
}

/** The file formats Keepnet exports: CSV, or Excel (xlsx). */
export type ExportType = 'CSV' | 'Excel';

/** An export body, streamed: never buffered whole. The caller must consume or destroy `body`. */
export interface ExportDownload {
  body: Readable;
  contentType: string;
  fileName: string | null;
  /** From Content-Length when the server sent one. */
  contentLength: number | null;
}

/** Per-call controls. `deadline` is an absolute epoch-millisecond time (e.g. now + Lambda remaining time). */
export interface CallOptions {
  deadline?: number;
  signal?: AbortSignal;
}

/** Every company-group operation of the vendor's spec, plus companies search (for the poller). */
export interface KeepnetApi {
  listGroups(opts?: CallOptions): Promise<CompanyGroup[]>;
  searchGroups(search?: SearchOptions, opts?: CallOptions): Promise<Page<CompanyGroupSearchItem>>;
  /** Pages through every result of a group search. */
  iterateGroups(search?: SearchOptions, opts?: CallOptions): AsyncIterable<CompanyGroupSearchItem>;
  searchGroupsWithParent(search?: SearchOptions, opts?: CallOptions): Promise<Page<CompanyGroupSearchItem>>;
  getGroup(groupId: ResourceId, opts?: CallOptions): Promise<CompanyGroup>;
  /** Never retried blindly: a create that may have happened is not sent twice. */
  createGroup(
    input: { name: string; companyResourceIds?: ResourceId[] },
    opts?: CallOptions,
  ): Promise<{ resourceId: ResourceId }>;
  /** Sets name and membership (`companyResourceIdArray`). Callers renaming must pass the current members. */
  updateGroup(
    groupId: ResourceId,
    input: { name: string; companyResourceIds: ResourceId[] },
    opts?: CallOptions,
  ): Promise<{ resourceId: ResourceId }>;
  deleteGroup(groupId: ResourceId, opts?: CallOptions): Promise<void>;
  bulkDeleteGroups(groupIds: ResourceId[], opts?: CallOptions): Promise<void>;
  /** `PUT …/participants`: adds, or (under another reading of the API) replaces. See lib/onboarding. */
  putParticipants(groupId: ResourceId, companyResourceIds: ResourceId[], opts?: CallOptions): Promise<void>;
  /** `DELETE …/participants` with a body. */
  removeParticipants(
    groupId: ResourceId,
    companyResourceIds: ResourceId[],
    opts?: CallOptions,
  ): Promise<void>;
  searchGroupMembers(
    groupId: ResourceId,
    search?: SearchOptions,
    opts?: CallOptions,
  ): Promise<Page<CompanySummary>>;
  /** Pages through every member of a group. */
  iterateGroupMembers(
    groupId: ResourceId,
    search?: SearchOptions,
    opts?: CallOptions,
  ): AsyncIterable<CompanySummary>;
  exportGroups(
    input: { exportType: ExportType; search?: SearchOptions; reportAllPages?: boolean },
    opts?: CallOptions,
  ): Promise<ExportDownload>;
  exportGroupMembers(
    groupId: ResourceId,
    input: { exportType: ExportType; search?: SearchOptions; reportAllPages?: boolean },
    opts?: CallOptions,
  ): Promise<ExportDownload>;
  searchCompanies(search?: SearchOptions, opts?: CallOptions): Promise<Page<CompanySummary>>;
  iterateCompanies(search?: SearchOptions, opts?: CallOptions): AsyncIterable<CompanySummary>;
}
