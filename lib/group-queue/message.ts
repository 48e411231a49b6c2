// The body of one onboarding queue message: version 1, a company for a group; version 2, a group operation.
import * as z from 'zod';
import { GroupNameSchema, ResourceIdSchema } from '../keepnet/identifiers';
import { GroupChangeSchema, OperationIdSchema, OperationSourceSchema } from '../operations/operation';
import { formatIssues } from '../validation/zod-issues';

/**
 * Version 1: put this company in this group (router, webhook). The group is an id, or a name the
 * worker resolves and forwards to the id's message group.
 */
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

/**
 * Version 2: one group operation (add, remove, set, rename; the HTTP API, the CLI), with the id its
 * record is kept under, applied by the worker in the group's message group.
 */
export const OperationMessageSchema = z.object({
  v: z.literal(2),
  operationId: OperationIdSchema,
  groupId: ResourceIdSchema,
  change: GroupChangeSchema,
  source: OperationSourceSchema,
  requestedAt: z.iso.datetime(),
});

/**
 * Any onboarding-queue body, told apart by `v`. Versioned so a deployment that changes it can still
 * read what the previous one queued. Read tolerantly: fields this version does not know (added by a
 * newer router, then rolled back) are ignored, not a poison message.
 */
export const OnboardingMessageSchema = z.discriminatedUnion('v', [
  CompanyMessageSchema,
  OperationMessageSchema,
]);

/** A version 1 message: one company for one group. */
export type CompanyMessage = z.infer<typeof CompanyMessageSchema>;
/** A version 2 message: one group operation, kept under its operation id. */
export type OperationMessage = z.infer<typeof OperationMessageSchema>;
/** Either version, as the worker reads it. */
export type OnboardingMessage = z.infer<typeof OnboardingMessageSchema>;

/** A body that is not JSON or not a message of a known version: a permanent failure (`INVALID_MESSAGE`). */
export class InvalidOnboardingMessageError extends Error {
  constructor(summary: string) {
    super(`Unreadable onboarding message: ${summary}`);
    this.name = 'InvalidOnboardingMessageError';
  }
}

/**
 * Parses a queue body. Throws `InvalidOnboardingMessageError` naming the fields at fault (never their
 * values).
 */
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
