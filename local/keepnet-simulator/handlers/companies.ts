// Company endpoints the project needs: search (how the poller finds new companies), get, and
// create (JSON here, where the vendor takes multipart; enough for tests and the local runner).
import { INDUSTRIES, LICENSE_TYPES } from '../catalog';
import type { HandlerRequest } from '../context';
import { listReply, nestChildren } from '../quirks';
import { inputError, notFound, type Reply, success } from '../reply';
import { paginate, type SearchSpec } from '../search';
import type { SimCompany } from '../types';
import { CompanyBodySchema, parseBody } from './bodies';
import { companyDto, companySearchDto } from './dtos';
import { MEMBER_SEARCH, runSearch } from './searches';

/** The companies search takes the same fields as the members search. */
export const COMPANY_SEARCH: SearchSpec<SimCompany> = MEMBER_SEARCH;

/** undefined: not given; null: given but unknown. */
function catalogName(
  catalog: readonly { resourceId: string; name: string }[],
  resourceId: string | null | undefined,
): string | null | undefined {
  if (!resourceId) return undefined;
  return catalog.find((entry) => entry.resourceId === resourceId)?.name ?? null;
}

/**
 * `POST /api/companies/search`, how the poller finds new companies: a page of SearchCompanyDto plus
 * `limitExceededCompanyCount`, with the `childrenOf` and `nullCreateTime` quirks applied.
 */
export function searchCompanies({ core, body }: HandlerRequest): Reply {
  const result = runSearch(core.store.companies(), body, COMPANY_SEARCH);
  if (!result.ok) return result.reply;
  const { quirks } = core.behaviour;
  const { topLevel, render } = nestChildren(
    quirks,
    result.rows,
    (id) => core.store.company(id),
    (company, children: unknown[] | null) => companySearchDto(company, quirks, children),
  );
  const page = paginate(topLevel, result.search.pageNumber, result.search.pageSize);
  return listReply(core, { limitExceededCompanyCount: 0, ...page, results: page.results.map(render) });
}

/** `GET /api/companies/{resourceId}`: the CompanyDto, or 404 FAILED. */
export function getCompany({ core, params }: HandlerRequest): Reply {
  const company = core.store.company(params.resourceId ?? '');
  return company ? success(companyDto(company)) : notFound(`Company '${params.resourceId}' was not found.`);
}

/**
 * `POST /api/companies`: a company of the seeded reseller, placed in the groups of
 * `companyGroupResourceIdArray`. An unknown group or reference-data id gives INPUT_ERROR and creates nothing.
 */
export function createCompany({ core, body }: HandlerRequest): Reply {
  const parsed = parseBody(CompanyBodySchema, body);
  if (!parsed.ok) return inputError(parsed.messages);
  const input = parsed.value;
  const unknownGroups = (input.companyGroupResourceIdArray ?? []).filter((id) => !core.store.group(id));
  if (unknownGroups.length > 0) {
    return inputError([
      `companyGroupResourceIdArray: unknown company group resource id(s): ${unknownGroups.join(', ')}`,
    ]);
  }
  // The vendor's form names reference data by resource id; names are accepted too.
  const industryName = input.industryName ?? catalogName(INDUSTRIES, input.industryResourceId);
  const licenseTypeName = input.licenseTypeName ?? catalogName(LICENSE_TYPES, input.licenseTypeResourceId);
  if (industryName === null)
    return inputError([`industryResourceId: unknown industry '${input.industryResourceId}'`]);
  if (licenseTypeName === null) {
    return inputError([`licenseTypeResourceId: unknown licence type '${input.licenseTypeResourceId}'`]);
  }
  const company = core.store.addCompany({
    name: input.name,
    ...(industryName ? { industryName } : {}),
    ...(licenseTypeName ? { licenseTypeName } : {}),
    ...(input.licenseEndDate ? { licenseEndDate: input.licenseEndDate } : {}),
    ...(input.numberOfUsers != null ? { numberOfUsers: input.numberOfUsers } : {}),
    ...(input.countryName ? { countryName: input.countryName } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    groupResourceIds: input.companyGroupResourceIdArray ?? [],
  });
  return success({ resourceId: company.resourceId });
}
