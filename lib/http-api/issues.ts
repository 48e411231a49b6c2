// zod issue paths → the field names a caller sees: `body.companyResourceIds[3]`, `query.pageSize`.
import type * as z from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

export function formatField(path: readonly unknown[]): string {
  let field = '';
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null && 'key' in segment ? segment.key : segment;
    if (typeof key === 'number') field += `[${key}]`;
    else field += field === '' ? String(key) : `.${String(key)}`;
  }
  return field || '(request)';
}

/** Issues of a schema applied to one part of the request (`root`: body, query, path). */
export function fieldIssues(issues: readonly z.core.$ZodIssue[], root: string): FieldIssue[] {
  return issues.map((issue) => ({ field: formatField([root, ...issue.path]), message: issue.message }));
}
