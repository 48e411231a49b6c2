// The Keepnet company-group API over HTTP: one method per operation of the vendor's spec, plus
// companies search. Transport concerns live in ./transport.

import type { Dispatcher } from 'undici';
import type { ApiRequest } from './api-attempt';
import type { CredentialsProvider } from './credentials/provider';
import { KeepnetServerError, KeepnetValidationError } from './errors';
import { checkGroupName, checkResourceId, checkResourceIds } from './input';
import { paginate } from './paginate';
import { readCompanyPage, readGroup, readGroupList, readGroupPage, readOptionalId } from './replies';
import type { RetryPolicy } from './retry-policy';
import type { Runtime } from './runtime';
import { completeExportBody, completeFilter, completeSearchBody, withPascalCaseFilter } from './search-body';
import { KeepnetTransport, type TransportStats, type TransportTimeouts } from './transport';
import type {
  CallOptions,
  CompanyGroup,
  CompanyGroupSearchItem,
  CompanySummary,
  ExportDownload,
  ExportType,
  KeepnetApi,
  Page,
  ResourceId,
  SearchOptions,
} from './types';

/** How a {@link KeepnetClient} connects and retries; only `credentials` is required. */
export interface KeepnetClientOptions {
  /** e.g. https://api.keepnetlabs.com; https only, except loopback. Default: the credentials' `baseUrl`, else the vendor's host. */
  baseUrl?: string;
  /** What to call the base URL in configuration errors (e.g. "KEEPNET_BASE_URL"); default "baseUrl". */
  baseUrlSource?: string;
  credentials: CredentialsProvider;
  timeouts?: Partial<TransportTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** Injectable clock, sleep and randomness (tests). */
  runtime?: Partial<Runtime>;
  /** Max parallel connections (default 16). */
  connections?: number;
  /** A custom undici dispatcher (tests); default: a keep-alive Pool owned by this client. */
  dispatcher?: Dispatcher;
}

/** Counters since construction (see `TransportStats`). */
export type KeepnetClientStats = TransportStats;

const GROUPS = '/api/company-groups';

/**
 * The Keepnet API, one method per operation: checks its input (nothing is sent on bad input), builds the
 * documented body and reads the reply into the domain types, throwing `KeepnetError`s. One per process
 * (`createKeepnetClientFromEnv`): it holds the token cache and the connection pool; `close()` when done.
 */
export class KeepnetClient implements KeepnetApi {
  private readonly transport: KeepnetTransport;

  constructor(options: KeepnetClientOptions) {
    this.transport = new KeepnetTransport(options);
  }

  /** Counters since construction: API requests, retries, token requests, 401 refreshes. A copy. */
  get stats(): KeepnetClientStats {
    return { ...this.transport.stats };
  }

  /** Closes the connection pool. The client must not be used afterwards. */
  close(): Promise<void> {
    return this.transport.close();
  }

  async listGroups(opts?: CallOptions): Promise<CompanyGroup[]> {
    const request = get(GROUPS);
    return readGroupList(await this.transport.json(request, opts), where(request));
  }

  async searchGroups(search?: SearchOptions, opts?: CallOptions): Promise<Page<CompanyGroupSearchItem>> {
    const body = completeSearchBody(search);
    const request = read('POST', `${GROUPS}/search`, withPascalCaseFilter(body));
    return readGroupPage(await this.transport.json(request, opts), where(request), body);
  }

  iterateGroups(search?: SearchOptions, opts?: CallOptions): AsyncIterable<CompanyGroupSearchItem> {
    completeSearchBody(search); // fail on bad input now, not at the first `next()`
    return paginate(
      (page) => this.searchGroups(page, opts),
      search,
      (group) => group.resourceId,
      `POST ${GROUPS}/search`,
    );
  }

  async searchGroupsWithParent(
    search?: SearchOptions,
    opts?: CallOptions,
  ): Promise<Page<CompanyGroupSearchItem>> {
    const body = completeSearchBody(search);
    const request = read('POST', `${GROUPS}/search-with-parent`, body);
    return readGroupPage(await this.transport.json(request, opts), where(request), body);
  }

  async getGroup(groupId: ResourceId, opts?: CallOptions): Promise<CompanyGroup> {
    const request = get(`${GROUPS}/${checkResourceId(groupId, 'groupId')}`);
    return readGroup(await this.transport.json(request, opts), where(request));
  }

  async createGroup(
    input: { name: string; companyResourceIds?: ResourceId[] },
    opts?: CallOptions,
  ): Promise<{ resourceId: ResourceId }> {
    const body = {
      name: checkGroupName(input.name),
      ...(input.companyResourceIds === undefined || input.companyResourceIds.length === 0
        ? {}
        : { companyResourceIdArray: checkResourceIds(input.companyResourceIds, 'companyResourceIds') }),
    };
    const request: ApiRequest = { method: 'POST', path: GROUPS, body, safety: 'create' };
    const created = readOptionalId(await this.transport.json(request, opts), where(request));
    return created ?? { resourceId: await this.idOfCreatedGroup(body.name, opts) };
  }

  /**
   * A create answered with success but no id (`data: null`, an empty body, `resourceId: null`) did create
   * the group: find it by its name, which Keepnet keeps unique (case-insensitively).
   */
  private async idOfCreatedGroup(name: string, opts?: CallOptions): Promise<ResourceId> {
    const wanted = name.toLowerCase();
    const found = (await this.listGroups(opts)).find((group) => group.name.trim().toLowerCase() === wanted);
    if (found) return found.resourceId;
    throw new KeepnetServerError(
      `POST ${GROUPS}: Keepnet reported success without the new group's id, and no group named "${name}" can be found`,
      { method: 'POST', path: GROUPS },
    );
  }

  async updateGroup(
    groupId: ResourceId,
    input: { name: string; companyResourceIds: ResourceId[] },
    opts?: CallOptions,
  ): Promise<{ resourceId: ResourceId }> {
    const id = checkResourceId(groupId, 'groupId');
    const name = checkGroupName(input.name);
    // Always an array (possibly empty): what a missing or null array does to membership is undocumented.
    if (!Array.isArray(input.companyResourceIds)) {
      throw new KeepnetValidationError(
        'companyResourceIds must be an array (pass the current members when renaming)',
        {
          field: 'companyResourceIds',
        },
      );
    }
    const members =
      input.companyResourceIds.length === 0
        ? []
        : checkResourceIds(input.companyResourceIds, 'companyResourceIds');
    const request = write('PUT', `${GROUPS}/${id}`, { name, companyResourceIdArray: members });
    const data = await this.transport.json(request, opts);
    // Some replies to an update carry no id; the id we sent is the answer then.
    return readOptionalId(data, where(request)) ?? { resourceId: id };
  }

  async deleteGroup(groupId: ResourceId, opts?: CallOptions): Promise<void> {
    const request = write('DELETE', `${GROUPS}/${checkResourceId(groupId, 'groupId')}`);
    // A reset after Keepnet deleted the group makes the retry answer 404: that is success.
    await this.transport.json({ ...request, notFoundOnRetryMeansDone: true }, opts);
  }

  async bulkDeleteGroups(groupIds: ResourceId[], opts?: CallOptions): Promise<void> {
    // `CompanyGroupsBulkDeleteRequest`: explicit items, never `selectAll` (which would delete by filter).
    const body = {
      items: checkResourceIds(groupIds, 'groupIds'),
      selectAll: false,
      excludedItems: [],
      filter: completeFilter(undefined),
    };
    await this.transport.json(write('DELETE', `${GROUPS}/bulk-delete`, body), opts);
  }

  async putParticipants(
    groupId: ResourceId,
    companyResourceIds: ResourceId[],
    opts?: CallOptions,
  ): Promise<void> {
    await this.transport.json(participantsWrite('PUT', groupId, companyResourceIds), opts);
  }

  async removeParticipants(
    groupId: ResourceId,
    companyResourceIds: ResourceId[],
    opts?: CallOptions,
  ): Promise<void> {
    await this.transport.json(participantsWrite('DELETE', groupId, companyResourceIds), opts);
  }

  async searchGroupMembers(
    groupId: ResourceId,
    search?: SearchOptions,
    opts?: CallOptions,
  ): Promise<Page<CompanySummary>> {
    const path = `${GROUPS}/${checkResourceId(groupId, 'groupId')}/companies/search`;
    const body = completeSearchBody(search);
    const request = read('POST', path, body);
    return readCompanyPage(await this.transport.json(request, opts), where(request), body);
  }

  iterateGroupMembers(
    groupId: ResourceId,
    search?: SearchOptions,
    opts?: CallOptions,
  ): AsyncIterable<CompanySummary> {
    const id = checkResourceId(groupId, 'groupId');
    completeSearchBody(search);
    return paginate(
      (page) => this.searchGroupMembers(id, page, opts),
      search,
      (company) => company.companyResourceId,
      `POST ${GROUPS}/${id}/companies/search`,
    );
  }

  exportGroups(
    input: { exportType: ExportType; search?: SearchOptions; reportAllPages?: boolean },
    opts?: CallOptions,
  ): Promise<ExportDownload> {
    // Inline schema with a PascalCase filter, like the group search (see withPascalCaseFilter).
    const body = withPascalCaseFilter(completeExportBody(input));
    return this.transport.download(read('POST', `${GROUPS}/search/export`, body), opts);
  }

  exportGroupMembers(
    groupId: ResourceId,
    input: { exportType: ExportType; search?: SearchOptions; reportAllPages?: boolean },
    opts?: CallOptions,
  ): Promise<ExportDownload> {
    const path = `${GROUPS}/${checkResourceId(groupId, 'groupId')}/companies/search/export`;
    return this.transport.download(read('POST', path, completeExportBody(input)), opts);
  }

  async searchCompanies(search?: SearchOptions, opts?: CallOptions): Promise<Page<CompanySummary>> {
    const body = completeSearchBody(search);
    const request = read('POST', '/api/companies/search', withPascalCaseFilter(body));
    return readCompanyPage(await this.transport.json(request, opts), where(request), body);
  }

  iterateCompanies(search?: SearchOptions, opts?: CallOptions): AsyncIterable<CompanySummary> {
    completeSearchBody(search);
    return paginate(
      (page) => this.searchCompanies(page, opts),
      search,
      (company) => company.companyResourceId,
      'POST /api/companies/search',
    );
  }
}

// Searches and exports are POSTs that only read: safe to retry like a GET.
function read(method: 'POST', path: string, body: unknown): ApiRequest {
  return { method, path, body, safety: 'idempotent' };
}

function get(path: string): ApiRequest {
  return { method: 'GET', path, safety: 'idempotent' };
}

// Writes that converge when repeated with the same body (see ./transport for the reasoning per route).
function write(method: 'PUT' | 'DELETE', path: string, body?: unknown): ApiRequest {
  return { method, path, body, safety: 'idempotent' };
}

// PUT adds (or replaces, depending on the reading: ../membership) and DELETE removes, with one body shape.
function participantsWrite(
  method: 'PUT' | 'DELETE',
  groupId: ResourceId,
  companyResourceIds: ResourceId[],
): ApiRequest {
  const path = `${GROUPS}/${checkResourceId(groupId, 'groupId')}/participants`;
  const body = { companyResourceIdArray: checkResourceIds(companyResourceIds, 'companyResourceIds') };
  return write(method, path, body);
}

function where(request: ApiRequest): string {
  return `${request.method} ${request.path}`;
}
