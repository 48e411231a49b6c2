// The body of one onboarding queue message: "put this company in this group". Versioned so a
// deployment that changes it can still read what the previous one queued. Read tolerantly: fields this
// version does not know (added by a newer router, then rolled back) are ignored, not a poison message.
import * as z from 'zod';
import { formatIssues } from '../validation/zod-issues';
import { GroupNameSchema, ResourceIdSchema } from './company-created';

export const OnboardingMessageSchema = z.object({
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
