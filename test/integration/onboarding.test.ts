// Onboarding end to end over HTTP: the real router handler → local SQS FIFO → several concurrent real
// worker invocations → the Keepnet simulator, under injected 500s, 429s and an expired token, whether
// PUT …/participants replaces or adds (PARTICIPANTS_MODE=additive: onboarding-modes.test.ts).
// The promise under test: every (company, group) pair ends up a member, no earlier member is ever
// removed, and each missing group is created exactly once. Plus poison messages (moved to the DLQ by
// the worker on their first receive, without holding up their group) and redelivery.

import { describeOnboardingUnderFaults } from './onboarding-under-faults';
import {
  companyCreatedEvent,
  drain,
  groupIdByName,
  startWorld,
  stopWorld,
  type World,
} from './onboarding-world';

describeOnboardingUnderFaults([
  ['replace', 'union'],
  ['additive', 'union'],
]);

describe('onboarding: poison messages and redelivery', () => {
  let world: World;
  beforeAll(async () => {
    // Short visibility timeout (no faults here): each retry comes back fast. Longer than a first batch
    // takes on a loaded machine (~250 ms: secret, token, JIT), which the long-polling consumers would
    // otherwise take again the moment its timeout runs out.
    world = await startWorld('replace', 'union', 1_000);
  });
  afterAll(async () => {
    await stopWorld(world);
  });

  /** What the worker dead-lettered, by the company in the body: body, group and attributes as sent. */
  const deadLettersSent = () =>
    world.sentMessages
      .filter((m) => m.QueueUrl === world.dlqUrl)
      .map((m) => ({
        body: m.MessageBody!,
        group: m.MessageGroupId,
        attributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]),
        ),
      }));
  const deadBodies = () => world.sqs.messages(world.dlqUrl).map((m) => m.body);

  it('moves a poison message to the DLQ on its first receive; the good ones behind it are not redelivered', async () => {
    const { keepnet } = world.stack;
    const good = keepnet.state.addCompany({ name: 'Good neighbour' });
    const behind = keepnet.state.addCompany({ name: 'Queued behind the poison' });
    const groupId = groupIdByName(keepnet, 'Finance')!;
    const membersBefore = keepnet.state.groupMemberIds(groupId);

    // One message group (the group id), in this order: good, poison, good.
    for (const companyResourceId of [good.resourceId, 'NoSuchCompany1', behind.resourceId]) {
      await world.router(companyCreatedEvent({ companyResourceId, groupResourceIds: [groupId] }));
    }
    const stats = await drain(world, 2);

    expect(keepnet.state.groupMemberIds(groupId).sort()).toEqual(
      [...membersBefore, good.resourceId, behind.resourceId].sort(),
    );
    // Each message received once, none failed: nothing in the group was held back or redelivered.
    expect(stats).toMatchObject({ records: 3, failures: 0 });

    // In the DLQ: the poison message alone, its body unchanged, in its group...
    const dead = world.sqs.messages(world.dlqUrl);
    expect(dead.map((m) => JSON.parse(m.body).companyResourceId)).toEqual(['NoSuchCompany1']);
    expect(dead[0]!.groupId).toBe(`group-${groupId}`);
    // ...sent with why, after ONE receive.
    const [sent] = deadLettersSent();
    expect(sent).toMatchObject({ body: dead[0]!.body, group: `group-${groupId}` });
    expect(sent!.attributes).toMatchObject({
      DeadLetterErrorCode: 'COMPANY_REFUSED',
      ReceiveCount: '1',
      OriginalMessageId: expect.any(String),
    });
    expect(sent!.attributes.DeadLetterReason).toContain('unknown company resource id');
    expect(sent!.attributes.DeadLetterReason).toContain('NoSuchCompany1');
    // Logged once, with the reason.
    const rejections = world.errors.filter((e) => e.message.startsWith('Onboarding message rejected'));
    expect(rejections.map((e) => e.message)).toEqual(['Onboarding message rejected and moved to the DLQ']);
    expect(JSON.stringify(rejections[0]!.attributes)).toContain('unknown company resource id');
  });

  it('moves an unreadable message body to the DLQ on its first receive', async () => {
    const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const sqs = new SQSClient({ endpoint: world.sqs.url });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: world.queueUrl,
        MessageBody: '{"v":1,"companyResourceId":42}',
        MessageGroupId: 'group-x',
        MessageDeduplicationId: 'garbage-1',
      }),
    );
    sqs.destroy();
    expect(await drain(world, 1)).toMatchObject({ records: 1, failures: 0 });
    expect(deadBodies()).toContain('{"v":1,"companyResourceId":42}');
    expect(deadLettersSent().at(-1)).toMatchObject({
      body: '{"v":1,"companyResourceId":42}',
      group: 'group-x',
      attributes: { DeadLetterErrorCode: 'INVALID_MESSAGE', ReceiveCount: '1' },
    });
    expect(deadLettersSent().at(-1)!.attributes.DeadLetterReason).toContain('body.companyResourceId');
    expect(JSON.stringify(world.errors.at(-1)?.attributes)).toContain('body.companyResourceId');
  });

  it('fails the poison message as before when the DLQ refuses it, and dead-letters it on a later receive', async () => {
    const { keepnet } = world.stack;
    const groupId = groupIdByName(keepnet, 'Finance')!;
    const deadBefore = deadBodies().length;
    await world.router(
      companyCreatedEvent({ companyResourceId: 'NoSuchCompany2', groupResourceIds: [groupId] }),
    );
    // Every attempt of the SDK's first SendMessage to the DLQ fails (503); later sends succeed.
    world.sqs.failNextSends(3);
    const stats = await drain(world, 1);

    expect(stats.failures).toBe(1); // the first receive: reported failed, so SQS kept it
    const dead = deadBodies().slice(deadBefore);
    expect(dead.map((body) => JSON.parse(body).companyResourceId)).toEqual(['NoSuchCompany2']);
    expect(deadLettersSent().at(-1)!.attributes).toMatchObject({
      DeadLetterErrorCode: 'COMPANY_REFUSED',
      ReceiveCount: '2',
    });
  });

  it('routes by name again when the group a worker had cached was deleted and re-created', async () => {
    const { keepnet } = world.stack;
    const [first, second] = [
      keepnet.state.addCompany({ name: 'Phoenix one' }),
      keepnet.state.addCompany({ name: 'Phoenix two' }),
    ];
    await world.router(
      companyCreatedEvent({ companyResourceId: first!.resourceId, groupNames: ['Phoenix Group'] }),
    );
    await drain(world, 1);
    const old = groupIdByName(keepnet, 'Phoenix Group')!;
    expect(keepnet.state.groupMemberIds(old)).toEqual([first!.resourceId]);

    // Within the worker's 60 s name cache, the group is deleted and re-created under the same name.
    keepnet.state.deleteGroup(old);
    const reborn = keepnet.state.addGroup('Phoenix Group').resourceId;
    const deadBefore = world.sqs.messages(world.dlqUrl).length;
    await world.router(
      companyCreatedEvent({ companyResourceId: second!.resourceId, groupNames: ['Phoenix Group'] }),
    );
    await drain(world, 1);

    expect(keepnet.state.groupMemberIds(reborn)).toEqual([second!.resourceId]);
    expect(world.sqs.messages(world.dlqUrl)).toHaveLength(deadBefore);
  });

  it('queues nothing new when the same event is delivered twice', async () => {
    const { keepnet } = world.stack;
    const company = keepnet.state.addCompany({ name: 'Delivered twice' });
    const event = companyCreatedEvent({
      companyResourceId: company.resourceId,
      groupNames: ['Pilot Programme', 'Twice Group'],
      groupResourceIds: [groupIdByName(keepnet, 'Finance')!],
    });
    const sentBefore = world.sqs.sentCount();
    await world.router(event);
    expect(world.sqs.sentCount() - sentBefore).toBe(3);
    await world.router(structuredClone(event));
    expect(world.sqs.sentCount() - sentBefore).toBe(3);
    expect(world.sqs.messages(world.queueUrl)).toHaveLength(3);
    await drain(world);
    for (const name of ['Pilot Programme', 'Twice Group', 'Finance']) {
      expect(keepnet.state.groupMemberIds(groupIdByName(keepnet, name)!)).toContain(company.resourceId);
    }
  });
});
