// AWS-shaped events for driving the real handlers locally: the same envelopes EventBridge delivers,
// so the handlers' parsers see exactly what they would see in Lambda.
import type { EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { eventBridgeEnvelope } from '../eventbridge';
import { LOCAL_ACCOUNT_ID as ACCOUNT } from '../lambda-events';

function region(): string {
  return process.env.AWS_REGION ?? 'eu-west-1';
}

/** An event as an EventBridge rule delivers it to a Lambda target, from the local account and region. */
export function eventBridgeEvent<TDetailType extends string, TDetail>(
  detailType: TDetailType,
  source: string,
  detail: TDetail,
): EventBridgeEvent<TDetailType, TDetail> {
  return eventBridgeEnvelope(
    { source, detailType, detail, time: new Date().toISOString() },
    { account: ACCOUNT, region: region() },
  );
}

/** What an EventBridge schedule rule (`rate(...)`/`cron(...)`) delivers. */
export function scheduledEvent(ruleName: string): ScheduledEvent {
  return {
    ...eventBridgeEvent('Scheduled Event', 'aws.events', {}),
    resources: [`arn:aws:events:${region()}:${ACCOUNT}:rule/${ruleName}`],
  };
}
