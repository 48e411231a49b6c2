// Onboarding end to end over HTTP: the real router handler → local SQS FIFO → several concurrent real
// worker invocations → the Keepnet simulator, under injected 500s, 429s and an expired token, whether
// PUT …/participants replaces or adds (PARTICIPANTS_MODE=additive: onboarding-modes.test.ts).
// The promise under test: every (company, group) pair ends up a member, no earlier member is ever
// removed, and each missing group is created exactly once. Plus poison messages and redelivery.
import {
  companyCreatedEvent,
  drain,
  groupIdByName,
  NEW_GROUPS,
  onboardSixtyCompanies,
  startWorld,
  stopWorld,
  type World,
} from './onboarding-world';

describe.each([
  ['replace', 'union'],
  ['additive', 'union'],
] as const)('onboarding: API %s, PARTICIPANTS_MODE=%s', (api, ours) => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(api, ours, 5_000);
  });
  afterAll(async () => {
    await stopWorld(world);
  });

  it('puts 60 companies in all their groups under faults, losing no member, creating each new group once', async () => {
    const outcome = await onboardSixtyCompanies(world);
    expect(outcome.missing).toEqual([]);
    expect(outcome.lost).toEqual([]);
    expect(outcome.newGroupCopies).toEqual(NEW_GROUPS.map(() => 1));
    expect(outcome.creates).toBe(NEW_GROUPS.length);
    expect(outcome.deadLetters).toBe(0);
    // Every injected fault was actually met on the way.
    expect(outcome.faultsMet).toEqual(outcome.faultsMet.map(() => true));
  });
});

describe('onboarding: poison messages and redelivery', () => {
  let world: World;
  beforeAll(async () => {
    // Short visibility timeout (no faults here, invocations are quick): each retry comes back fast.
    world = await startWorld('replace', 'union', 250);
  });
  afterAll(async () => {
    await stopWorld(world);
  });

  it('moves a poison message to the DLQ after maxReceiveCount, logging why, while its group goes on', async () => {
    const { keepnet } = world.stack;
    const good = keepnet.state.addCompany({ name: 'Good neighbour' });
    const behind = keepnet.state.addCompany({ name: 'Queued behind the poison' });
    const groupId = groupIdByName(keepnet, 'Finance')!;
    const membersBefore = keepnet.state.groupMemberIds(groupId);

    await world.router(
      companyCreatedEvent({ companyResourceId: good.resourceId, groupResourceIds: [groupId] }),
    );
    await world.router(
      companyCreatedEvent({ companyResourceId: 'NoSuchCompany1', groupResourceIds: [groupId] }),
    );
    // FIFO semantics: a message queued behind a failing one in its group is reported failed with it
    // (it is written all the same; the retry finds it a member).
    await world.router(
      companyCreatedEvent({ companyResourceId: behind.resourceId, groupResourceIds: [groupId] }),
    );
    await drain(world, 2);

    expect(keepnet.state.groupMemberIds(groupId).sort()).toEqual(
      [...membersBefore, good.resourceId, behind.resourceId].sort(),
    );
    const deadIds = world.sqs
      .messages(world.dlqUrl)
      .map((m) => (JSON.parse(m.body) as { companyResourceId: string }).companyResourceId);
    expect(deadIds).toContain('NoSuchCompany1');
    expect(deadIds).not.toContain(good.resourceId);
    const rejections = world.errors.filter((e) => e.message.startsWith('Onboarding message rejected'));
    expect(rejections).toHaveLength(3); // once per receive, up to maxReceiveCount
    expect(JSON.stringify(rejections[0]!.attributes)).toContain('unknown company resource id');
  });

  it('moves an unreadable message body to the DLQ', async () => {
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
    await drain(world, 1);
    expect(world.sqs.messages(world.dlqUrl).map((m) => m.body)).toContain('{"v":1,"companyResourceId":42}');
    expect(JSON.stringify(world.errors.at(-1)?.attributes)).toContain('body.companyResourceId');
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
