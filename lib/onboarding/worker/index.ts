// One batch of onboarding messages → Keepnet memberships, with one outcome per message.
//
// Two kinds of message reach the worker:
//   - keyed by group id: all companies of the batch for that group are added with ONE safe write
//     (lib/membership: read, PUT only if something is missing, read back and verify);
//   - keyed by group name (groupNames, GROUP_RULES): the name is resolved (and the group created when
//     missing, exactly once) and each company is forwarded to the id's message group. So every write
//     to one Keepnet group goes through one FIFO message group, one batch at a time, even when events
//     name the same group by id and by name; the union write + verify then has no concurrent writer
//     from this system to lose members to. A forwarded message keeps the name (`viaName`): should
//     Keepnet report the id gone, its companies are routed by name again (rerouteByName).
//
// Failures are per message and say whether retrying can help. Permanent ones (unreadable body,
// unknown company or group) carry a code; with a DLQ configured (ONBOARDING_DLQ_URL) they are moved
// there on their first receive and reported processed, so the messages behind them in their group go
// on (lib/onboarding/dead-letter.ts). Without one, or if that send fails, they fail every time and
// reach the DLQ after the queue's maxReceiveCount. Transient failures are retried by SQS; on the last
// receive (ONBOARDING_MAX_RECEIVE_COUNT) the worker moves them to the DLQ itself, code
// RETRIES_EXHAUSTED, so they too arrive with their reason. The reason is logged either way.
import type { SQSRecord } from 'aws-lambda';
import { mapConcurrently } from '../../concurrency';
import {
  type CompanyMessage,
  type OnboardingMessage,
  type OperationMessage,
  parseOnboardingMessage,
} from '../../group-queue/message';
import { normaliseGroupName } from '../../group-queue/targets';
import { deadLetterFailures } from '../dead-letter';
import { recordOperationOutcomes } from '../operation-records';
import type { Outcome } from '../outcome';
import { applyToGroup } from './apply-to-group';
import type { GroupMessage, Parsed, WorkerDeps } from './deps';
import { forwardNamed } from './forward-by-name';
import { isolated } from './isolated';
import { logFailures } from './log-failures';

export type { Outcome, PermanentFailureCode } from '../outcome';
export type { WorkerDeps, WorkerStats } from './deps';

export async function onboardBatch(
  records: readonly SQSRecord[],
  deps: WorkerDeps,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const byGroupId = new Map<string, Parsed<GroupMessage>[]>();
  const byName = new Map<string, Parsed<CompanyMessage>[]>();
  const push = <M extends OnboardingMessage>(map: Map<string, Parsed<M>[]>, key: string, item: Parsed<M>) => {
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  };

  for (const record of records) {
    try {
      const message = parseOnboardingMessage(record.body);
      if (message.v === 2) push(byGroupId, message.groupId, { record, message });
      else if ('id' in message.group) push(byGroupId, message.group.id, { record, message });
      else push(byName, normaliseGroupName(message.group.name), { record, message });
    } catch (error) {
      outcomes.set(record.messageId, {
        ok: false,
        permanent: true,
        reason: (error as Error).message,
        code: 'INVALID_MESSAGE',
      });
    }
  }

  const tasks: (() => Promise<void>)[] = [];
  for (const [groupId, items] of byGroupId)
    tasks.push(isolated(items, outcomes, () => applyToGroup(groupId, items, deps, outcomes)));
  for (const items of byName.values())
    tasks.push(isolated(items, outcomes, () => forwardNamed(items, deps, outcomes)));
  await mapConcurrently(tasks, deps.groupConcurrency ?? 4, (task) => task());

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
