// Checks on caller input, run before anything is sent: a bad id, name or page size is a bug in the
// caller, and Keepnet's own answer to it (400, 500 or INPUT_ERROR, depending on the field) is vague.
// Every failure is a KeepnetValidationError naming the field and the rule.
import type * as z from 'zod';
import { KeepnetValidationError } from './errors';
import type { ResourceId } from './types';

/** Keepnet ids are 12 alphanumerics; we accept a little more but nothing that could bend a URL path. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** The longest group name Keepnet accepts (characters). */
export const GROUP_NAME_MAX_LENGTH = 64;
/** No maximum is documented; the vendor's own UI asks for 10000 per page. */
export const MAX_PAGE_SIZE = 10_000;

/** `value` as a resource id; throws `KeepnetValidationError` naming `field` when it could bend a URL path. */
export function checkResourceId(value: unknown, field: string): ResourceId {
  if (typeof value !== 'string' || !RESOURCE_ID_PATTERN.test(value)) {
    throw new KeepnetValidationError(
      `${field} must be a resource id: 1..128 letters, digits, '-' or '_' (got ${describe(value)})`,
      { field },
    );
  }
  return value;
}

/** A non-empty list of ids, de-duplicated (order kept): Keepnet gains nothing from repeats. */
export function checkResourceIds(value: unknown, field: string): ResourceId[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new KeepnetValidationError(`${field} must be a non-empty array of resource ids`, { field });
  }
  const ids = value.map((id, index) => checkResourceId(id, `${field}[${index}]`));
  return [...new Set(ids)];
}

/** Group names are 1..64 characters after trimming (the spec's CreateCompanyGroupRequest.name); sent trimmed. */
export function checkGroupName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string') {
    throw new KeepnetValidationError(`${field} must be a string of 1..${GROUP_NAME_MAX_LENGTH} characters`, {
      field,
    });
  }
  const name = value.trim();
  // `.length` counts UTF-16 units, as .NET's length validation does; it is never below the code-point
  // count, so a name passing here passes either reading of "64 characters".
  if (name.length < 1 || name.length > GROUP_NAME_MAX_LENGTH) {
    throw new KeepnetValidationError(
      `${field} must be 1..${GROUP_NAME_MAX_LENGTH} characters after trimming (got ${name.length})`,
      { field },
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new KeepnetValidationError(`${field} must not contain control characters`, { field });
  }
  return name;
}

/** Runs a zod schema and turns the first failures into one KeepnetValidationError naming each field. */
export function checkWithSchema<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = [root, ...issue.path.map(String)].join('.');
    return { field, text: `${field}: ${issue.message}` };
  });
  throw new KeepnetValidationError(`Invalid ${root}: ${problems.map((p) => p.text).join('; ')}`, {
    field: problems[0]?.field ?? root,
    validationMessages: problems.map((p) => p.text),
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty string' : `"${value.slice(0, 40)}"`;
  return value === null ? 'null' : typeof value;
}
