// The onboarding worker: one batch of onboarding-queue messages → Keepnet memberships, one outcome per
// message. One file per step: group-batch, apply-to-group, forward-by-name, isolated, log-failures.
import type { SQSRecord } from 'aws-lambda';
import { mapConcurrently } from '../../concurrency';
import type { OperationMessage } from '../../group-queue/message';
import { deadLetterFailures } from '../dead-letter';
import { recordOperationOutcomes } from '../operation-records';
import type { Outcome } from '../outcome';
import { applyToGroup } from './apply-to-group';
import type { Parsed, WorkerDeps } from './deps';
import { forwardNamed } from './forward-by-name';
import { groupBatch } from './group-batch';
import { runIsolated } from './isolated';
import { logFailures } from './log-failures';

export type { Outcome, PermanentFailureCode } from '../outcome';
export type { WorkerDeps, WorkerStats } from './deps';

/** Groups handled at once within a batch when `WorkerDeps.groupConcurrency` is not set. */
const DEFAULT_GROUP_CONCURRENCY = 4;

/**
 * Applies one SQS FIFO batch and answers each record's outcome, keyed by message id.
 *
 * Two kinds of message reach the worker:
 * - keyed by group id: all messages of the batch for that group are applied with ONE safe write
 *   (lib/membership: read, write only if something changes, read back and verify);
 * - keyed by group name (groupNames, GROUP_RULES): the name is resolved (the group created when
 *   missing, exactly once) and each company is forwarded to the id's message group.
 * So every write to one Keepnet group goes through one FIFO message group, one batch at a time, even
 * when events name the same group by id and by name: the union write + verify has no concurrent writer
 * from this system to lose members to.
 *
 * Failures are per message and say whether a retry can help (`Outcome`); one group's failure never
 * touches another group's messages. With `dlqUrl`, permanent failures (and transient ones on the last
 * receive) are moved to the DLQ with their reason and reported processed (see `deadLetterFailures`).
 * Then operation records are settled and every failure is logged. Never throws for a message's sake.
 */
export async function onboardBatch(
  records: readonly SQSRecord[],
  deps: WorkerDeps,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const { byGroupId, byName } = groupBatch(records, outcomes);

  const work = [
    ...[...byGroupId].map(([groupId, items]) => ({
      items,
      run: () => applyToGroup(groupId, items, deps, outcomes),
    })),
    ...[...byName.values()].map((items) => ({ items, run: () => forwardNamed(items, deps, outcomes) })),
  ];
  await mapConcurrently(work, deps.groupConcurrency ?? DEFAULT_GROUP_CONCURRENCY, ({ items, run }) =>
    runIsolated(items, outcomes, run),
  );

  if (deps.dlqUrl) {
    const target = {
      dlqUrl: deps.dlqUrl,
      ...(deps.maxReceiveCount ? { maxReceiveCount: deps.maxReceiveCount } : {}),
    };
    await deadLetterFailures(records, outcomes, deps.sqs, target);
  }
  if (deps.store) {
    const operations = [...byGroupId.values()]
      .flat()
      .filter((i): i is Parsed<OperationMessage> => i.message.v === 2);
    await recordOperationOutcomes(deps.store, operations, outcomes);
  }
  logFailures(records, outcomes);
  return outcomes;
}
