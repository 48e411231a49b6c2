// The zod schemas of the REST API: the same objects validate requests (through the Powertools router's
// validation middleware) and generate the OpenAPI document (openapi.ts), so the two cannot
// drift. Request schemas are strict: an unknown field is a 400 naming that field, never silently ignored.
import * as z from 'zod';
import { canonicalExportFormat, EXPORT_FORMAT_PATTERN, EXPORT_FORMAT_RULE } from '../exports/format-name';
import { GroupNameSchema, ResourceIdSchema } from '../keepnet/identifiers';
import { IdempotencyKeySchema } from '../operations/operation';

/** Request schemas that get a name under `components.schemas` in the OpenAPI document. */
export const requestSchemas = z.registry<{ id: string; description?: string }>();
/** Response schemas that get a name under `components.schemas` in the OpenAPI document. */
export const responseSchemas = z.registry<{ id: string; description?: string }>();

/** Company ids for a write: at most 1000 per call, duplicates dropped. */
export const CompanyIdListSchema = z
  .array(ResourceIdSchema)
  .max(1000, 'must list at most 1000 companies per call')
  .transform((ids) => [...new Set(ids)]);

const NonEmptyCompanyIdListSchema = z
  .array(ResourceIdSchema)
  .min(1, 'must list at least one company')
  .max(1000, 'must list at most 1000 companies per call')
  .transform((ids) => [...new Set(ids)]);

/** `{groupId}` in a group route's path. */
export const GroupPathSchema = z.strictObject({ groupId: ResourceIdSchema });

// ---- search --------------------------------------------------------------------------------------

/** One condition of a Keepnet search filter: field, operator, value. */
export const FilterItemSchema = z.strictObject({
  fieldName: z.string().min(1, 'must not be empty').max(100),
  operator: z.enum(['=', '!=', 'Contains', '>', '<', '>=', '<=']),
  value: z.string().max(500),
});

/** A group of filter conditions joined by AND or OR, nestable (bounded in size and depth). */
export const FilterGroupSchema: z.ZodType<FilterGroupInput> = z.strictObject({
  condition: z.enum(['AND', 'OR']),
  filterItems: z.array(FilterItemSchema).max(50).optional(),
  get filterGroups() {
    return z.array(FilterGroupSchema).max(20).optional();
  },
});
requestSchemas.add(FilterGroupSchema, { id: 'FilterGroup' });

/** A filter group as a caller sends it; written out because the schema is recursive. */
export interface FilterGroupInput {
  condition: 'AND' | 'OR';
  filterItems?: z.infer<typeof FilterItemSchema>[] | undefined;
  filterGroups?: FilterGroupInput[] | undefined;
}

/** The filter of a search request: free text and/or filter groups. */
export const SearchFilterSchema = z.strictObject({
  condition: z.enum(['AND', 'OR']).optional(),
  searchInputTextValue: z.string().max(200).optional(),
  filterGroups: z.array(FilterGroupSchema).max(20).optional(),
});
requestSchemas.add(SearchFilterSchema, { id: 'SearchFilter' });

/** One page can be at most this big: a Lambda response is capped at 6 MB. */
export const MAX_PAGE_SIZE = 1000;
/** `all: true` stops here rather than build a response Lambda cannot return. */
export const MAX_ALL_RESULTS = 10_000;

const SearchFields = {
  pageNumber: z.int().min(1).optional(),
  pageSize: z.int().min(1).max(MAX_PAGE_SIZE).optional(),
  orderBy: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a field name such as CreateTime')
    .optional(),
  ascending: z.boolean().optional(),
  filter: SearchFilterSchema.optional(),
};

/** POST /groups/search: Keepnet's paging, order and filter, or `all` for every page. */
export const GroupSearchBodySchema = z.strictObject({
  ...SearchFields,
  all: z.boolean().optional().describe(`Return every page (at most ${MAX_ALL_RESULTS} results).`),
});
requestSchemas.add(GroupSearchBodySchema, { id: 'GroupSearchRequest' });

// Query strings arrive as text: coerce, but keep the rules of the body form.
const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

/** A group's member list: a page, or `all=true` for every page. */
export const MembersQuerySchema = z.strictObject({
  pageNumber: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  all: booleanQuery.optional(),
});

/** Free text over company names, as the vendor's UI search box sends it. */
const SEARCH_TEXT_MAX = 200;

/** The company list: a text search, paged; or `inNoGroup=true`, never paged. */
export const CompaniesQuerySchema = z
  .strictObject({
    search: z
      .string()
      .max(SEARCH_TEXT_MAX, `must be at most ${SEARCH_TEXT_MAX} characters`)
      .optional()
      .describe('Free text matched against company names (Keepnet compares case-insensitively).'),
    pageNumber: z.coerce.number().int().min(1).optional(),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
    inNoGroup: booleanQuery
      .optional()
      .describe(
        `Only companies in no group: every matching one in one answer (at most ${MAX_ALL_RESULTS}), so no paging.`,
      ),
  })
  .superRefine((query, ctx) => {
    if (!query.inNoGroup) return;
    for (const field of ['pageNumber', 'pageSize'] as const) {
      if (query[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'cannot be combined with inNoGroup=true (that answer is never paged)',
        });
      }
    }
  });

/** `{companyResourceId}` in a company route's path; its length is capped before the pattern runs. */
export const CompanyPathSchema = z.strictObject({
  // Capped before the pattern runs, whatever the caller sends.
  companyResourceId: z
    .string()
    .max(64, { error: 'must be at most 64 characters', abort: true })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "-" or "_"'),
});

/** `{name}` in a group-by-name route's path, under Keepnet's group-name rule. */
export const GroupNamePathSchema = z.strictObject({
  name: z
    .string()
    .max(256, { error: 'is too long (a group name is at most 64 characters)', abort: true })
    .pipe(GroupNameSchema),
});

/**
 * A caller's retry of the same write carries the same key: it is the same operation (same id), found
 * in the operation store and queued nothing new; the same key for a different request is a 409.
 */
export const IdempotencyHeadersSchema = z.looseObject({
  'idempotency-key': IdempotencyKeySchema.optional().describe(
    'Makes a retried request the same operation: nothing new is queued.',
  ),
});

/** GET /health: `deep=true` also asks Keepnet. */
export const HealthQuerySchema = z.strictObject({
  deep: booleanQuery.optional(),
});

// ---- group writes --------------------------------------------------------------------------------

/** POST /groups: the name, and companies to put in the new group. */
export const CreateGroupBodySchema = z.strictObject({
  name: GroupNameSchema,
  companyResourceIds: CompanyIdListSchema.optional(),
});
requestSchemas.add(CreateGroupBodySchema, { id: 'CreateGroupRequest' });

/** PATCH /groups/{groupId}: the new name. */
export const RenameGroupBodySchema = z.strictObject({ name: GroupNameSchema });
requestSchemas.add(RenameGroupBodySchema, { id: 'RenameGroupRequest' });

/** Companies to add to a group (at least one). */
export const AddCompaniesBodySchema = z.strictObject({ companyResourceIds: NonEmptyCompanyIdListSchema });
requestSchemas.add(AddCompaniesBodySchema, { id: 'AddCompaniesRequest' });

/** Companies to take out of a group (at least one). */
export const RemoveCompaniesBodySchema = z.strictObject({ companyResourceIds: NonEmptyCompanyIdListSchema });
requestSchemas.add(RemoveCompaniesBodySchema, { id: 'RemoveCompaniesRequest' });

/** The exact membership wanted for a group. */
export const SetCompaniesBodySchema = z.strictObject({
  companyResourceIds: CompanyIdListSchema.describe('The exact membership wanted; [] empties the group.'),
});
requestSchemas.add(SetCompaniesBodySchema, { id: 'SetCompaniesRequest' });

/** The export routes: the file format and how long its download URL lives (seconds). */
export const ExportBodySchema = z.strictObject({
  format: z
    .string()
    .max(16)
    .regex(EXPORT_FORMAT_PATTERN, EXPORT_FORMAT_RULE)
    .transform((value) => canonicalExportFormat(value) ?? 'CSV')
    .default('CSV')
    .describe('CSV or Excel, in any case (xlsx also means Excel); answers always say CSV or Excel.'),
  expiresInSeconds: z
    .int()
    .min(60)
    .max(43_200)
    .default(900)
    .describe('Lifetime of the presigned download URL.'),
});
requestSchemas.add(ExportBodySchema, { id: 'ExportRequest' });

// ---- responses -----------------------------------------------------------------------------------

/** The one error shape every route answers with (and API Gateway's own errors too). */
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
responseSchemas.add(ErrorResponseSchema, { id: 'Error' });

/** A company group as the list and get routes answer it. */
export const GroupSchema = z.object({
  resourceId: z.string(),
  name: z.string(),
  addedTime: z.string().nullable().optional(),
  companyCount: z.number(),
  createdAt: z
    .string()
    .nullable()
    .describe(
      "When the group was created, under one name: Keepnet's `addedTime` (list, get) or `createTime` (search), which are passed through too.",
    ),
});
responseSchemas.add(GroupSchema, { id: 'Group' });

/** A company group as the search route answers it. */
export const GroupSearchItemSchema = z.object({
  resourceId: z.string(),
  name: z.string(),
  companyCount: z.number(),
  createTime: z.string(),
  createdAt: z
    .string()
    .nullable()
    .describe(
      "When the group was created, under one name: Keepnet's `addedTime` (list, get) or `createTime` (search), which are passed through too.",
    ),
});
responseSchemas.add(GroupSearchItemSchema, { id: 'GroupSearchItem' });

/** A company as the member and company routes answer it; Keepnet's other fields pass through. */
export const CompanySummarySchema = z.looseObject({
  companyResourceId: z.string(),
  companyName: z.string().nullable(),
  createTime: z.string().nullable(),
});
responseSchemas.add(CompanySummarySchema, { id: 'Company' });

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    pageNumber: z.number(),
    pageSize: z.number(),
    totalNumberOfPages: z.number(),
    totalNumberOfRecords: z.number(),
    results: z.array(item),
    truncated: z
      .boolean()
      .optional()
      .describe(`True when \`all\` (or \`inNoGroup\`) stopped at ${MAX_ALL_RESULTS} results.`),
  });

/** GET /groups: every group. */
export const GroupListResponseSchema = z.object({ groups: z.array(GroupSchema) });
responseSchemas.add(GroupListResponseSchema, { id: 'GroupList' });

/** POST /groups/search: one page of groups (or every page, with `truncated`). */
export const GroupSearchResponseSchema = pageOf(GroupSearchItemSchema);
responseSchemas.add(GroupSearchResponseSchema, { id: 'GroupSearchPage' });

/** A page of companies (or every page, with `truncated`). */
export const MembersResponseSchema = pageOf(CompanySummarySchema);
responseSchemas.add(MembersResponseSchema, { id: 'CompanyPage' });

/** One company and the groups it is in. */
export const CompanyWithGroupsResponseSchema = z.object({
  company: CompanySummarySchema,
  groups: z
    .array(z.object({ resourceId: z.string(), name: z.string(), companyCount: z.number() }))
    .describe('The groups the company is a member of, by name; [] when none.'),
});
responseSchemas.add(CompanyWithGroupsResponseSchema, { id: 'CompanyWithGroups' });

/** The id of a group just created. */
export const ResourceIdResponseSchema = z.object({ resourceId: z.string() });
responseSchemas.add(ResourceIdResponseSchema, { id: 'ResourceIdResult' });

/** `{operationId}` in GET /operations/{operationId}. */
export const OperationPathSchema = z.strictObject({
  operationId: z
    .string()
    .max(64)
    .regex(/^op_[0-9a-f]{32}$/, 'must be an operation id (op_ and 32 hex digits)'),
});

const OperationStatus = z.enum(['pending', 'succeeded', 'failed']);
const OperationKind = z.enum(['add', 'remove', 'set', 'rename']);

/** 202 for a group write: the operation queued for the group's writer, and where to poll it. */
export const OperationAcceptedResponseSchema = z.object({
  operationId: z.string(),
  status: OperationStatus.describe(
    'pending until the worker applied it; a retried request may find it settled.',
  ),
  groupId: z.string(),
  kind: OperationKind,
  location: z.string().describe('Where to read the outcome: GET /operations/{operationId}.'),
});
responseSchemas.add(OperationAcceptedResponseSchema, { id: 'OperationAccepted' });

/** An operation's record: its status and, once settled, what the worker did or why it failed. */
export const OperationResponseSchema = z.object({
  operationId: z.string(),
  status: OperationStatus,
  groupId: z.string(),
  kind: OperationKind,
  change: z.looseObject({ kind: OperationKind }),
  source: z.string(),
  requestedAt: z.string(),
  updatedAt: z.string(),
  result: z
    .object({
      added: z.array(z.string()),
      removed: z.array(z.string()),
      alreadySo: z.array(z.string()).describe('Asked for and already so: no write was needed.'),
      refused: z.array(z.object({ companyResourceId: z.string(), reason: z.string() })),
      renamedTo: z.string().optional(),
      renameRefused: z.string().optional(),
    })
    .optional(),
  error: z.object({ code: z.string(), reason: z.string() }).optional(),
});
responseSchemas.add(OperationResponseSchema, { id: 'Operation' });

/** One onboarding message the webhook queued: the company, the target group, the SQS message id. */
export const QueuedMessageSchema = z.object({
  companyResourceId: z.string(),
  group: z.union([z.object({ id: z.string() }), z.object({ name: z.string() })]),
  messageId: z.string(),
});

/** 202 for the webhook: the messages queued, one per target group. */
export const WebhookAcceptedResponseSchema = z.object({
  companyResourceId: z.string(),
  queued: z.array(QueuedMessageSchema).describe('One onboarding message per target group.'),
});
responseSchemas.add(WebhookAcceptedResponseSchema, { id: 'WebhookAccepted' });

/** An on-demand export: where the file is, its size and checksum, and a presigned download URL. */
export const ExportResponseSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  bytes: z.number(),
  contentType: z.string(),
  checksum: z.string().optional(),
  rows: z.number().optional(),
  downloadUrl: z.string(),
  expiresAt: z.string(),
});
responseSchemas.add(ExportResponseSchema, { id: 'ExportResult' });

/** GET /reports/latest: how long the download URL lives (seconds). */
export const ReportQuerySchema = z.strictObject({
  expiresInSeconds: z.coerce
    .number()
    .int()
    .min(60)
    .max(43_200)
    .optional()
    .describe('Lifetime of the presigned download URL (default 900).'),
});

/** The newest nightly report's key and a presigned download URL. */
export const LatestReportResponseSchema = z.object({
  key: z.string(),
  downloadUrl: z.string(),
  expiresAt: z.string(),
});
responseSchemas.add(LatestReportResponseSchema, { id: 'LatestReport' });

/** GET /health: the function answers; with `deep`, whether Keepnet does. */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  keepnet: z.enum(['not-checked', 'reachable', 'unreachable']),
  detail: z.string().optional(),
});
responseSchemas.add(HealthResponseSchema, { id: 'Health' });

/** A validated group search request. */
export type GroupSearchBody = z.infer<typeof GroupSearchBodySchema>;
/** A validated export request (format made canonical, defaults filled in). */
export type ExportBody = z.infer<typeof ExportBodySchema>;
