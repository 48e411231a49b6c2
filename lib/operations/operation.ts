// A group operation: one change to one group's members or name, asked for by the HTTP API, the CLI or a
// later feature, applied by the onboarding worker in the group's FIFO message group (the single
// writer), and reported through its record (pending → succeeded | failed).
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { sha256 } from '../hash';
import { GroupNameSchema, ResourceIdSchema } from '../keepnet/identifiers';

/** Companies one operation may name: a `set` of a large group still fits an SQS message (256 KiB). */
export const MAX_OPERATION_COMPANIES = 10_000;

const Ids = (min: number) =>
  z
    .array(ResourceIdSchema)
    .min(min, `must list at least ${min} company`)
    .max(MAX_OPERATION_COMPANIES, `must list at most ${MAX_OPERATION_COMPANIES} companies`);

/** What an operation changes. */
export const GroupChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('add'), companyResourceIds: Ids(1) }),
  z.object({ kind: z.literal('remove'), companyResourceIds: Ids(1) }),
  z.object({ kind: z.literal('set'), companyResourceIds: Ids(0) }),
  z.object({ kind: z.literal('rename'), name: GroupNameSchema }),
]);
/** One change to a group: add, remove or set its members, or rename it. */
export type GroupChange = z.infer<typeof GroupChangeSchema>;

/** `op_` and 32 hex digits: random, or derived from an Idempotency-Key. */
export const OperationIdSchema = z
  .string()
  .regex(/^op_[0-9a-f]{32}$/, 'must be an operation id (op_ and 32 hex digits)');

/** The rule an Idempotency-Key breaks, as both the HTTP API and the CLI word it. */
export const IDEMPOTENCY_KEY_RULE = 'must be 1 to 64 letters, digits, "-" or "_"';

/**
 * An Idempotency-Key, as the HTTP API's header and the CLI's `--idempotency-key` accept it: short and
 * made of characters safe anywhere it is echoed or hashed.
 */
export const IdempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, IDEMPOTENCY_KEY_RULE);

/** Who asked: shown in the record and the journal. */
export const OperationSourceSchema = z.enum(['api', 'cli', 'reconcile', 'test']);
/** Who asked for an operation. */
export type OperationSource = z.infer<typeof OperationSourceSchema>;

/** `pending` until the worker settles the operation as `succeeded` or `failed`. */
export const OperationStatusSchema = z.enum(['pending', 'succeeded', 'failed']);
/** Where an operation stands. */
export type OperationStatus = z.infer<typeof OperationStatusSchema>;

const RefusedSchema = z.object({ companyResourceId: z.string(), reason: z.string() });

/** What an operation did, relative to the membership just before it was applied. */
export const OperationResultSchema = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  alreadySo: z.array(z.string()),
  refused: z.array(RefusedSchema),
  renamedTo: z.string().optional(),
  renameRefused: z.string().optional(),
});

/** The stored record of an operation; what `GET /operations/{id}` answers. */
export const OperationRecordSchema = z.object({
  operationId: OperationIdSchema,
  status: OperationStatusSchema,
  groupId: z.string(),
  change: GroupChangeSchema,
  source: OperationSourceSchema,
  requestedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** SHA-256 of the request: an Idempotency-Key reused for a different request is refused. */
  requestHash: z.string(),
  result: OperationResultSchema.optional(),
  error: z.object({ code: z.string(), reason: z.string() }).optional(),
});
/** An operation record as stored in S3 and answered by `GET /operations/{id}`, after schema checks. */
export type OperationRecord = z.infer<typeof OperationRecordSchema>;

/** A fresh operation id. */
export function newOperationId(): string {
  return `op_${randomUUID().replaceAll('-', '')}`;
}

/**
 * The operation id an Idempotency-Key stands for: the same key for the same group and kind of change
 * is the same operation (a retried request finds it and queues nothing new).
 */
export function operationIdForKey(key: string, groupId: string, kind: GroupChange['kind']): string {
  return `op_${sha256(`${kind}\n${groupId}\n${key}`).slice(0, 32)}`;
}

/** Fingerprint of what was asked, to tell a retry from a different request under the same key. */
export function requestHashOf(groupId: string, change: GroupChange): string {
  return sha256(JSON.stringify({ groupId, change }));
}

/** The record as callers see it (HTTP and CLI): everything but the request fingerprint, and its kind. */
export function publicView(record: OperationRecord) {
  const { requestHash: _fingerprint, ...view } = record;
  return { ...view, kind: record.change.kind };
}
