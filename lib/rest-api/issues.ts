// zod issue paths → the field names a caller sees: `body.companyResourceIds[3]`, `query.pageSize`.
import type * as z from 'zod';
import { clipMessage, issuePath } from '../validation/zod-issues';

/** One invalid request field and the rule it broke, as a 400's details list it. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** A request field's name from a zod path: `body.companyResourceIds[3]`; `(request)` when empty. */
export function formatField(path: readonly unknown[]): string {
  return issuePath(path, undefined, '(request)');
}

/** Issues of a schema applied to one part of the request (`root`: body, query, path). */
export function fieldIssues(issues: readonly z.core.$ZodIssue[], root: string): FieldIssue[] {
  return issues.map((issue) => ({
    field: formatField([root, ...issue.path]),
    message: clipMessage(issue.message),
  }));
}
