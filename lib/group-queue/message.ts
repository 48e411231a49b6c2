// The body of one onboarding queue message. Version 1: "put this company in this group" (the router,
// the webhook). Version 2: a group operation (add, remove, set, rename; the HTTP API, the CLI), with the
// id its record is kept under. Versioned so a deployment that changes it can still read what the
// previous one queued. Read tolerantly: fields this version does not know (added by a newer router,
// then rolled back) are ignored, not a poison message.
import * as z from 'zod';
import { GroupNameSchema, ResourceIdSchema } from '../keepnet/identifiers';
import { GroupChangeSchema, OperationIdSchema, OperationSourceSchema } from '../operations/operation';
import { formatIssues } from '../validation/zod-issues';

export const CompanyMessageSchema = z.object({
  v: z.literal(1),
  companyResourceId: ResourceIdSchema,
  companyName: z.string().max(256).optional(),
  group: z.union([
    z.object({
      id: ResourceIdSchema,
      /** Set when the worker forwarded this from a name: if the id is gone, it routes by name again. */
      viaName: GroupNameSchema.optional(),
    }),
    z.object({
      name: GroupNameSchema,
      /** An id this name led to that turned out not to exist: a cached mapping to it is not trusted. */
      staleId: ResourceIdSchema.optional(),
    }),
  ]),
  /** The EventBridge event (or webhook call) this came from: for tracing and de-duplication. */
  eventId: z.string().min(1).max(256),
});

/** One group operation, applied by the worker in the group's message group. */
export const OperationMessageSchema = z.object({
  v: z.literal(2),
  operationId: OperationIdSchema,
  groupId: ResourceIdSchema,
  change: GroupChangeSchema,
  source: OperationSourceSchema,
  requestedAt: z.iso.datetime(),
});

export const OnboardingMessageSchema = z.discriminatedUnion('v', [
  CompanyMessageSchema,
  OperationMessageSchema,
]);

export type CompanyMessage = z.infer<typeof CompanyMessageSchema>;
export type OperationMessage = z.infer<typeof OperationMessageSchema>;
export type OnboardingMessage = z.infer<typeof OnboardingMessageSchema>;

export class InvalidOnboardingMessageError extends Error {
  constructor(summary: string) {
    super(`Unreadable onboarding message: ${summary}`);
    this.name = 'InvalidOnboardingMessageError';
  }
}

export function parseOnboardingMessage(body: string): OnboardingMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidOnboardingMessageError('body is not JSON');
  }
  const result = OnboardingMessageSchema.safeParse(json);
  if (!result.success) throw new InvalidOnboardingMessageError(formatIssues(result.error, 'body'));
  return result.data;
}
