// Asking for a group operation: record it as pending, then queue it in the group's FIFO message group,
// where the worker applies it after everything queued before it. Shared by the HTTP API and the CLI.
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type GroupChange,
  newOperationId,
  type OperationRecord,
  type OperationSource,
  operationIdForKey,
  requestHashOf,
} from '../operations/operation';
import type { OperationStore } from '../operations/store';
import { queueEntry } from './entry';
import type { OperationMessage } from './message';
import { sendMessages } from './send-messages';

/** What `submitOperation` needs; the HTTP API and the CLI build it from their configuration. */
export interface SubmitDependencies {
  sqs: SQSClient;
  /** The onboarding FIFO queue: every write to a group goes through it. */
  queueUrl: string;
  store: OperationStore;
}

/** One requested change to one group. */
export interface OperationRequest {
  groupId: string;
  change: GroupChange;
  source: OperationSource;
  /** The caller's Idempotency-Key: the same key (and request) is the same operation. */
  idempotencyKey?: string;
}

/** The operation as recorded; `replayed` when an Idempotency-Key found an earlier one. */
export interface SubmitResult {
  record: OperationRecord;
  replayed: boolean;
}

/** The same Idempotency-Key was used before for a different request. */
export class IdempotencyConflictError extends Error {
  constructor(readonly operationId: string) {
    super(`This Idempotency-Key was already used for a different request (operation ${operationId})`);
    this.name = 'IdempotencyConflictError';
  }
}

/**
 * Records the operation as pending and queues it. With an Idempotency-Key already seen for the same
 * request, answers that operation's record and queues it again only while it is still pending (the
 * FIFO de-duplication id is the operation id, so a resend within 5 minutes is dropped by SQS, and a
 * later one re-applies a change that is idempotent by construction).
 */
export async function submitOperation(
  deps: SubmitDependencies,
  request: OperationRequest,
  now = new Date(),
): Promise<SubmitResult> {
  const requestHash = requestHashOf(request.groupId, request.change);
  const operationId = request.idempotencyKey
    ? operationIdForKey(request.idempotencyKey, request.groupId, request.change.kind)
    : newOperationId();
  if (request.idempotencyKey) {
    const existing = await deps.store.get(operationId);
    if (existing && existing.requestHash !== requestHash) throw new IdempotencyConflictError(operationId);
    if (existing && existing.status !== 'pending') return { record: existing, replayed: true };
    if (existing) {
      await queue(deps, existing);
      return { record: existing, replayed: true };
    }
  }
  const at = now.toISOString();
  const record: OperationRecord = {
    operationId,
    status: 'pending',
    groupId: request.groupId,
    change: request.change,
    source: request.source,
    requestedAt: at,
    updatedAt: at,
    requestHash,
  };
  await deps.store.put(record);
  try {
    await queue(deps, record);
  } catch (error) {
    // Never leave a pending record for a message that was not queued: say it failed, then fail.
    const reason = `Could not queue the operation: ${(error as Error).message}`;
    await deps.store
      .put({
        ...record,
        status: 'failed',
        updatedAt: new Date().toISOString(),
        error: { code: 'QUEUE_SEND_FAILED', reason },
      })
      .catch(() => undefined);
    throw error;
  }
  return { record, replayed: false };
}

async function queue(deps: SubmitDependencies, record: OperationRecord): Promise<void> {
  const message: OperationMessage = {
    v: 2,
    operationId: record.operationId,
    groupId: record.groupId,
    change: record.change,
    source: record.source,
    requestedAt: record.requestedAt,
  };
  await sendMessages(deps.sqs, deps.queueUrl, [
    queueEntry(
      0,
      message,
      { kind: 'id', groupId: record.groupId },
      { purpose: 'operation', operationId: record.operationId },
    ),
  ]);
}
