// The shapes we rely on in Keepnet's replies (after key normalisation), checked so that a changed or
// broken reply fails loudly at the boundary (naming the field) instead of as `undefined` deep inside a
// feature. Lenient where the spec is: nullable strings, missing counts, extra fields kept.
import { z } from 'zod';
import { KeepnetServerError } from './errors';
import type { CompanyGroup, CompanyGroupSearchItem, CompanySummary, Page, ResourceId } from './types';

const count = z
  .number()
  .int()
  .nonnegative()
  .nullish()
  .transform((value) => value ?? 0);
const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

export const CompanyGroupReply = z.looseObject({
  resourceId: z.string().min(1),
  name: text,
  addedTime: z.string().nullish(),
  companyCount: count,
});

export const CompanyGroupSearchItemReply = z.looseObject({
  resourceId: z.string().min(1),
  name: text,
  companyCount: count,
  createTime: text,
});

export const CompanySummaryReply = z.looseObject({
  companyResourceId: z.string().min(1),
  companyName: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  createTime: text,
});

export const IdReply = z.looseObject({ resourceId: z.string().min(1) });

export function pageReply<T extends z.ZodType>(item: T) {
  return z.object({
    pageNumber: z.number().int(),
    pageSize: z.number().int(),
    totalNumberOfPages: count,
    totalNumberOfRecords: count,
    results: z
      .array(item)
      .nullish()
      .transform((value) => value ?? []),
  });
}

const GroupListReply = z
  .array(CompanyGroupReply)
  .nullish()
  .transform((value) => value ?? []);
const GroupPageReply = pageReply(CompanyGroupSearchItemReply);
const CompanyPageReply = pageReply(CompanySummaryReply);

/** Parses `data`, or throws a KeepnetServerError naming the endpoint and the offending field. */
function parseReply<S extends z.ZodType>(schema: S, data: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = ['data', ...(issue?.path ?? []).map(String)].join('.');
  throw new KeepnetServerError(
    `${where}: unexpected reply shape at ${field}: ${issue?.message ?? 'invalid'}`,
  );
}

export const readGroupList = (data: unknown, where: string): CompanyGroup[] =>
  parseReply(GroupListReply, data, where);
export const readGroup = (data: unknown, where: string): CompanyGroup =>
  parseReply(CompanyGroupReply, data, where);
export const readGroupPage = (data: unknown, where: string): Page<CompanyGroupSearchItem> =>
  parseReply(GroupPageReply, data, where);
export const readCompanyPage = (data: unknown, where: string): Page<CompanySummary> =>
  parseReply(CompanyPageReply, data, where);
export const readId = (data: unknown, where: string): { resourceId: ResourceId } => ({
  resourceId: parseReply(IdReply, data, where).resourceId,
});
