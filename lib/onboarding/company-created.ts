// The CompanyCreated event: its detail (shared by the router, the poller and the HTTP API's webhook)
// and its EventBridge envelope.

import * as z from 'zod';
import { EventBridgeSchema } from '../events/eventbridge-envelope';
import { GroupNameSchema, ResourceIdSchema } from '../keepnet/identifiers';
import { firstField, formatIssues } from '../validation/zod-issues';

/** The EventBridge `detail-type` of a new company (a public contract: rules match on it). */
export const COMPANY_CREATED_DETAIL_TYPE = 'CompanyCreated';

const AttributeValueSchema = z.union(
  [
    z.string().max(256, 'must be at most 256 characters'),
    z.array(z.string().max(256, 'must be at most 256 characters')).max(50, 'must list at most 50 values'),
  ],
  { error: 'must be a string (at most 256 characters) or a list of at most 50 such strings' },
);

/**
 * What a new company brings: its id, and the groups it joins by id, by name, or by its attributes
 * (through GROUP_RULES). Every string and list is bounded: an event is untrusted input that fans out
 * into queue messages and API writes.
 */
export const CompanyCreatedDetailSchema = z.object({
  companyResourceId: ResourceIdSchema,
  companyName: z.string().max(256, 'must be at most 256 characters').optional(),
  attributes: z
    .record(z.string().min(1).max(64, 'attribute names must be at most 64 characters'), AttributeValueSchema)
    .refine((a) => Object.keys(a).length <= 50, 'must have at most 50 attributes')
    .optional(),
  groupResourceIds: z.array(ResourceIdSchema).max(50, 'must list at most 50 groups').optional(),
  groupNames: z.array(GroupNameSchema).max(50, 'must list at most 50 groups').optional(),
});

/** A validated CompanyCreated detail. */
export type CompanyCreatedDetail = z.infer<typeof CompanyCreatedDetailSchema>;

/** The EventBridge event the onboarding router accepts (the EventBridge envelope, narrowed). */
export const CompanyCreatedEventSchema = EventBridgeSchema.extend({
  'detail-type': z.literal(COMPANY_CREATED_DETAIL_TYPE, {
    error: `must be "${COMPANY_CREATED_DETAIL_TYPE}"`,
  }),
  detail: CompanyCreatedDetailSchema,
});

/** A validated CompanyCreated EventBridge event. */
export type CompanyCreatedEvent = z.infer<typeof CompanyCreatedEventSchema>;

/** Bad input: names the first offending field; the message lists every issue (paths, never values). */
export class InvalidCompanyCreatedError extends Error {
  readonly field: string;
  constructor(
    readonly issues: z.core.$ZodIssue[],
    field: string,
    summary: string,
  ) {
    super(`Invalid CompanyCreated event: ${summary}`);
    this.name = 'InvalidCompanyCreatedError';
    this.field = field;
  }
}

function invalid(error: z.ZodError, root?: string): InvalidCompanyCreatedError {
  return new InvalidCompanyCreatedError(error.issues, firstField(error, root), formatIssues(error, root));
}

/** Validates a whole EventBridge event. Throws `InvalidCompanyCreatedError`. */
export function parseCompanyCreatedEvent(event: unknown): CompanyCreatedEvent {
  const result = CompanyCreatedEventSchema.safeParse(event);
  if (!result.success) throw invalid(result.error);
  return result.data;
}

/**
 * Validates a detail on its own (webhook, HTTP API); issues are reported under `detail.`. Throws
 * `InvalidCompanyCreatedError`.
 */
export function parseCompanyCreatedDetail(detail: unknown): CompanyCreatedDetail {
  const result = CompanyCreatedDetailSchema.safeParse(detail);
  if (!result.success) throw invalid(result.error, 'detail');
  return result.data;
}
