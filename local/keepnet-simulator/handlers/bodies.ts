// Request body schemas of the company-group and company endpoints (after key canonicalisation),
// with messages that name the field and the rule.
import * as z from 'zod';
import { issuesToMessages, SearchBodySchema } from '../search';

const idArray = z.array(z.string({ error: 'must be an array of resource ids (strings)' }), {
  error: 'must be an array of resource ids (strings)',
});

const groupName = z
  .string({ error: 'is required (1..64 characters)' })
  .trim()
  .min(1, 'must be 1..64 characters after trimming')
  .max(64, 'must be 1..64 characters after trimming');

/**
 * Create and update of a group. `companyResourceIdArray` is optional: missing or null on an update is the
 * undocumented case `updateWithoutMembers` plays.
 */
export const GroupBodySchema = z.object(
  { name: groupName, companyResourceIdArray: idArray.nullish() },
  { error: 'a JSON object is required' },
);

/** PUT and DELETE `…/participants`: the company ids to set, add or remove (the DELETE carries a body). */
export const ParticipantsBodySchema = z.object(
  { companyResourceIdArray: idArray },
  { error: 'a JSON object with companyResourceIdArray is required' },
);

/**
 * `DELETE /api/company-groups/bulk-delete`: explicit `items`, or `selectAll` minus `excludedItems`, narrowed
 * by the filter's text.
 */
export const BulkDeleteBodySchema = z.object(
  {
    items: idArray.nullish(),
    selectAll: z.boolean().nullish(),
    excludedItems: idArray.nullish(),
    filter: z.object({ searchInputTextValue: z.string().nullish() }).nullish(),
  },
  { error: 'a JSON object is required' },
);

/**
 * The two export routes: a search body plus `exportType` ("CSV" or "Excel" in any case, normalised to
 * ExportFormat) and `reportAllPages` (every match instead of one page).
 */
export const ExportBodySchema = SearchBodySchema.extend({
  exportType: z
    .string({ error: 'is required ("CSV" or "Excel")' })
    .refine((v) => ['csv', 'excel'].includes(v.toLowerCase()), 'must be "CSV" or "Excel"')
    .transform((v) => (v.toLowerCase() === 'csv' ? ('CSV' as const) : ('Excel' as const))),
  reportAllPages: z.boolean().nullish(),
});

/**
 * `POST /api/companies`, as JSON or multipart: only `name` is required; reference data by name or by resource
 * id; `numberOfUsers` is coerced because multipart fields arrive as text.
 */
export const CompanyBodySchema = z.object(
  {
    name: groupName,
    industryName: z.string().nullish(),
    industryResourceId: z.string().nullish(),
    licenseTypeName: z.string().nullish(),
    licenseTypeResourceId: z.string().nullish(),
    licenseEndDate: z.string().nullish(),
    numberOfUsers: z.coerce.number().int().min(0).nullish(),
    countryName: z.string().nullish(),
    tags: z.array(z.string()).nullish(),
    companyGroupResourceIdArray: idArray.nullish(),
  },
  { error: 'a JSON object is required' },
);

/** A validated body, or the INPUT_ERROR messages (one per problem, naming the field and the rule). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; messages: string[] };

/** Validates a body (keys already canonical) against `schema`; never throws. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): ParseResult<T> {
  const result = schema.safeParse(body);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, messages: issuesToMessages(result.error) };
}
