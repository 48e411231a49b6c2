// What the worker is given (clients, queues, limits) and what it reports back besides the outcomes.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { CompanyMessage, OnboardingMessage, OperationMessage } from '../../group-queue/message';
import type { KeepnetApi } from '../../keepnet/types';
import type { ParticipantsMode } from '../../membership';
import type { OperationStore } from '../../operations/store';
import type { GroupResolver } from '../group-resolver';

/** What `onboardBatch` works with: built once per cold start by the handler, or by a test. */
export interface WorkerDeps {
  client: KeepnetApi;
  /** Group name → id, creating a missing group exactly once. */
  resolver: GroupResolver;
  sqs: SQSClient;
  /** The onboarding FIFO queue, where named messages are forwarded and gone ids rerouted. */
  queueUrl: string;
  /** How Keepnet's participants PUT is treated (union or additive: see lib/membership). */
  mode: ParticipantsMode;
  /** When set, permanent failures are sent here at once instead of failing until maxReceiveCount. */
  dlqUrl?: string;
  /**
   * The queue's redrive maxReceiveCount. With `dlqUrl`, a transient failure on this receive is sent
   * to the DLQ by the worker (RETRIES_EXHAUSTED, with its reason) rather than by SQS without one.
   */
  maxReceiveCount?: number;
  /** Epoch ms by which Keepnet calls must finish (the Lambda's remaining time, less a margin). */
  deadline?: number;
  /** Groups handled at once within a batch. Default 4. */
  groupConcurrency?: number;
  /**
   * Operation records, the repair record and the write journal (lib/operations). Without it a repair
   * does not survive a redelivery and operations are not reported: the stack always sets it.
   */
  store?: OperationStore;
  /** Counters for the handler's metrics. */
  stats?: WorkerStats;
}

/** What the handler turns into metrics, besides the outcomes. */
export interface WorkerStats {
  /** Members found lost (a write that replaced) and put back from a repair record. */
  restoredMembers: number;
}

/** A message addressed to a group id: a company (v1, whose group is an id) or an operation (v2). */
export type GroupMessage = CompanyMessage | OperationMessage;

/** An SQS record whose body passed the message schema, kept with the record so outcomes name its message id. */
export interface Parsed<M extends OnboardingMessage = OnboardingMessage> {
  record: SQSRecord;
  message: M;
}
