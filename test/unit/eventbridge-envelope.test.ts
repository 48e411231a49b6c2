// lib/events/eventbridge-envelope.ts replaces Powertools Parser's EventBridgeSchema only to keep the zod
// namespace out of the bundles (see its header); it must accept and reject exactly what that schema does.
import { EventBridgeSchema as PowertoolsEventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';
import { EventBridgeSchema } from '../../lib/events/eventbridge-envelope';
import { companyCreatedEvent } from '../support/factories';

const event = companyCreatedEvent(
  { companyResourceId: 'abc123' },
  {
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    source: 'keepnet.automation',
    account: '111122223333',
    time: '2026-11-28T18:00:00Z',
    region: 'eu-west-1',
  },
);

describe('EventBridge envelope schema', () => {
  it('has the same JSON Schema as Powertools Parser’s EventBridgeSchema', () => {
    expect(z.toJSONSchema(EventBridgeSchema)).toEqual(z.toJSONSchema(PowertoolsEventBridgeSchema));
  });

  it.each([
    ['a complete event', event],
    ['a replayed event', { ...event, 'replay-name': 'replay_archive' }],
    ['a time with an offset', { ...event, time: '2026-11-28T18:00:00+01:00' }],
    ['a missing account', { ...event, account: undefined }],
    ['a non-ISO time', { ...event, time: 'yesterday' }],
    ['resources that are not strings', { ...event, resources: [1] }],
  ])('agrees with Powertools on %s', (_label, input) => {
    const ours = EventBridgeSchema.safeParse(input);
    expect(ours.success).toBe(PowertoolsEventBridgeSchema.safeParse(input).success);
    if (ours.success) expect(ours.data).toEqual(input);
  });
});
