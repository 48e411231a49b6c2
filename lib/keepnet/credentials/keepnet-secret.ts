// The shape of the Keepnet secret and how to read it without ever echoing its value.
// JSON.parse and some schema messages quote the input they choke on; a secret must never reach a log
// or an error message that way, so both are replaced by messages that name only the field and the rule.
import * as z from 'zod';
import { KeepnetConfigurationError } from '../errors';

/** The JSON the Keepnet secret holds: the REST API Client ID and Secret, and optionally a base URL. */
export const KeepnetSecretSchema = z.object({
  clientId: z.string().trim().min(1),
  clientSecret: z.string().min(1),
  baseUrl: z.string().trim().min(1).optional(),
});

/** Client credentials for the token request, and the base URL the secret names (if any). */
export type KeepnetCredentials = z.infer<typeof KeepnetSecretSchema>;

/** Parses the secret string; `source` names it in errors (e.g. `secret "prod/keepnet"`). */
export function parseKeepnetSecret(raw: unknown, source: string): KeepnetCredentials {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new KeepnetConfigurationError(
        `${source} is not valid JSON; expected {"clientId": "...", "clientSecret": "...", "baseUrl"?: "..."}`,
      );
    }
  }
  const parsed = KeepnetSecretSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${field}: ${describeIssue(issue)}`;
  });
  throw new KeepnetConfigurationError(`${source} is malformed: ${problems.join('; ')}`);
}

// Rule descriptions built from the issue's code only: never from the input.
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      return 'must be a non-empty string';
    default:
      return 'is invalid';
  }
}
