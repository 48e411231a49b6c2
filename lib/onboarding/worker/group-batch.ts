// A batch sorted by the group each message writes to, with the unreadable ones settled at once.
import type { SQSRecord } from 'aws-lambda';
import {
  type CompanyMessage,
  type OnboardingMessage,
  parseOnboardingMessage,
} from '../../group-queue/message';
import { normaliseGroupName } from '../../group-queue/targets';
import type { Outcome } from '../outcome';
import type { GroupMessage, Parsed } from './deps';

/** A batch's readable messages by group, each list in batch (FIFO) order. */
export interface GroupedBatch {
  /** Messages addressed to a group id (v1 with `group.id`, every v2 operation): written in place. */
  byGroupId: Map<string, Parsed<GroupMessage>[]>;
  /** Messages addressed to a group name, by normalised name: resolved, then forwarded to the id. */
  byName: Map<string, Parsed<CompanyMessage>[]>;
}

/**
 * Parses every record and sorts it by group. An unreadable body is a permanent failure
 * (`INVALID_MESSAGE`), recorded in `outcomes`; it is in neither map.
 */
export function groupBatch(records: readonly SQSRecord[], outcomes: Map<string, Outcome>): GroupedBatch {
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
  return { byGroupId, byName };
}
