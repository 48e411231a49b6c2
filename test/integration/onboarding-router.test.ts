// The onboarding router: what it queues for a valid event (pure computation and through the real
// handler into the local SQS FIFO server), and, property-based over 1,000+ malformed events each,
// that a malformed event is refused with an error naming the field, without a crash and without
// a single request to SQS.
import fc from 'fast-check';
import { CUSTOM_METRICS } from '../../infra/constructs/monitoring';
import { messageGroupIdFor } from '../../lib/group-queue/targets';
import { InvalidCompanyCreatedError } from '../../lib/onboarding/company-created';
import { onboardingEntries } from '../../lib/onboarding/route';
import { parseGroupRules } from '../../lib/rules/group-rules';
import { eventBridgeEnvelope } from '../../local/eventbridge';
import { type LocalSqs, startSqs } from '../../local/sqs-fifo';

const RULES = JSON.stringify([{ when: { industry: 'Finance' }, groups: ['Regulated', 'EU Customers'] }]);

const validDetail = () => ({
  companyResourceId: 'xC5kfGz7w2Nz',
  companyName: 'Acme Ltd',
  attributes: { region: 'EU', industry: 'Finance', tags: ['msp-gold'] },
  groupResourceIds: ['Q3sdf9Kl0aZx'],
  groupNames: ['EU Customers'],
});
const envelope = (detail: unknown, detailType = 'CompanyCreated') =>
  eventBridgeEnvelope({ source: 'keepnet.test', detailType, detail }, { id: 'evt-1' });

describe('onboardingEntries', () => {
  const rules = parseGroupRules(RULES);

  it('gives one message per distinct target group: ids, names, then rule groups', () => {
    const entries = onboardingEntries(validDetail(), 'evt-1', rules);
    expect(entries.map((e) => e.target)).toEqual([
      { kind: 'id', groupId: 'Q3sdf9Kl0aZx' },
      { kind: 'name', groupName: 'EU Customers' },
      { kind: 'name', groupName: 'Regulated' },
    ]);
    expect(entries.map((e) => e.entry.MessageGroupId)).toEqual([
      'group-Q3sdf9Kl0aZx',
      messageGroupIdFor({ kind: 'name', groupName: 'eu customers' }),
      messageGroupIdFor({ kind: 'name', groupName: 'Regulated' }),
    ]);
    expect(JSON.parse(entries[1]!.entry.MessageBody!)).toEqual({
      v: 1,
      companyResourceId: 'xC5kfGz7w2Nz',
      companyName: 'Acme Ltd',
      group: { name: 'EU Customers' },
      eventId: 'evt-1',
    });
  });

  it('puts differently spelt names of one group in one message group', () => {
    expect(messageGroupIdFor({ kind: 'name', groupName: '  EU   customers ' })).toBe(
      messageGroupIdFor({ kind: 'name', groupName: 'eu Customers' }),
    );
  });

  it('derives de-duplication ids from the event and the group: same event same ids, another event new ids', () => {
    const ids = (eventId: string) =>
      onboardingEntries(validDetail(), eventId, rules).map((e) => e.entry.MessageDeduplicationId);
    expect(ids('evt-1')).toEqual(ids('evt-1'));
    expect(new Set([...ids('evt-1'), ...ids('evt-2')]).size).toBe(6);
    for (const id of ids('evt-1')) expect(id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('queues nothing for a company without target groups', () => {
    expect(onboardingEntries({ companyResourceId: 'abc' }, 'e', rules)).toEqual([]);
  });
});

describe('onboarding-router handler', () => {
  let sqs: LocalSqs;
  let queueUrl: string;
  let handler: (event: unknown) => Promise<void>;
  const logged: unknown[] = [];
  const metricsAdded: [name: string, unit: string, value: number][] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    sqs = await startSqs();
    queueUrl = sqs.createFifoQueueWithDlq('router').queueUrl;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: sqs.url,
      ONBOARDING_QUEUE_URL: queueUrl,
      GROUP_RULES: RULES,
    });
    await jest.isolateModulesAsync(async () => {
      const { logger, metrics } = await import('../../lib/observability/powertools');
      jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => {
        logged.push(args);
      });
      jest.spyOn(metrics, 'addMetric').mockImplementation((name, unit, value) => {
        metricsAdded.push([name, unit, value]);
        return metrics;
      });
      jest.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
      handler = (await import('../../functions/onboarding-router/handler')).handler;
      // What the handler loads on its first event, loaded here: in this registry, with the spies above.
      await (await import('../../lib/lazy')).loadDeferred();
    });
  });
  afterAll(async () => {
    process.env = saved;
    await sqs.close();
  });

  /** Each arbitrary is a valid event with exactly one thing broken, and the field that must be named. */
  const str = fc.string({ maxLength: 20 });
  const notString = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(str, { maxLength: 2 }),
    fc.object({ maxDepth: 1 }),
  );
  const badId = fc.oneof(
    notString,
    fc.constant(''),
    fc.string({ minLength: 65, maxLength: 300, unit: fc.constantFrom('a', 'B', '7') }),
    fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^[A-Za-z0-9_-]{1,64}$/.test(s)),
  );
  const malformed: fc.Arbitrary<{ event: unknown; field: string }> = fc.oneof(
    fc.constant({
      event: envelope({ ...validDetail(), companyResourceId: undefined }),
      field: 'detail.companyResourceId',
    }),
    badId.map((v) => ({
      event: envelope({ ...validDetail(), companyResourceId: v }),
      field: 'detail.companyResourceId',
    })),
    fc
      .string({ maxLength: 40 })
      .filter((t) => t !== 'CompanyCreated')
      .map((t) => ({ event: envelope(validDetail(), t), field: 'detail-type' })),
    fc
      .oneof(notString, fc.string({ minLength: 257, maxLength: 400 }))
      .filter((v) => typeof v !== 'undefined')
      .map((v) => ({
        event: envelope({ ...validDetail(), companyName: v }),
        field: 'detail.companyName',
      })),
    fc
      .oneof(
        fc.constant(''),
        fc.constant('   '),
        fc.string({ minLength: 65, maxLength: 200, unit: fc.constantFrom('x', 'Y') }),
        fc.integer(),
      )
      .map((v) => ({
        event: envelope({ ...validDetail(), groupNames: ['Ok', v] }),
        field: 'detail.groupNames[1]',
      })),
    badId.map((v) => ({
      event: envelope({ ...validDetail(), groupResourceIds: [v] }),
      field: 'detail.groupResourceIds[0]',
    })),
    fc.oneof(str, fc.integer(), fc.object({ maxDepth: 1 })).map((v) => ({
      event: envelope({ ...validDetail(), groupResourceIds: v }),
      field: 'detail.groupResourceIds',
    })),
    fc
      .oneof(
        fc.integer(),
        fc.constant(null),
        fc.object({ maxDepth: 1 }).filter((o) => Object.keys(o).length > 0),
        fc.string({ minLength: 257, maxLength: 300 }),
      )
      .map((v) => ({
        event: envelope({ ...validDetail(), attributes: { region: v } }),
        field: 'detail.attributes.region',
      })),
    fc
      .oneof(
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        str,
        fc.array(str, { maxLength: 2 }),
      )
      .map((d) => ({ event: envelope(d), field: 'detail' })),
    fc.constantFrom('id', 'time', 'source', 'account', 'region', 'version').map((key) => {
      const event: Record<string, unknown> = { ...envelope(validDetail()) };
      delete event[key];
      return { event, field: key };
    }),
  );

  it('refuses 1,000 malformed events, naming the field, queueing nothing', async () => {
    // An empty detail object names the one required field.
    await expect(handler(envelope({}))).rejects.toMatchObject({ field: 'detail.companyResourceId' });
    await fc.assert(
      fc.asyncProperty(malformed, async ({ event, field }) => {
        const error = await handler(event).then(
          () => undefined,
          (e: unknown) => e,
        );
        // The handler runs in its own module registry: compare the class by name.
        expect(error).toMatchObject({ name: InvalidCompanyCreatedError.name, field });
        expect((error as Error).message).toContain(field);
      }),
      { numRuns: 1000 },
    );
    expect(sqs.counts()).toEqual({});
  });

  it('refuses 1,000 arbitrary values without crashing or queueing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ maxDepth: 3 }), async (event) => {
        await expect(handler(event)).rejects.toMatchObject({ name: InvalidCompanyCreatedError.name });
      }),
      { numRuns: 1000 },
    );
    expect(sqs.counts()).toEqual({});
  });

  it('logs a rejected event by field and rule, never echoing the values it carried', async () => {
    logged.length = 0;
    const secret = 'Bearer eyJhbGciOiJIUzI1NiJ9.secret-token';
    const event = envelope({ ...validDetail(), companyResourceId: secret, groupNames: [secret.repeat(3)] });
    await expect(handler(event)).rejects.toMatchObject({ field: 'detail.companyResourceId' });
    const line = JSON.stringify(logged);
    expect(line).toContain('detail.companyResourceId');
    expect(line).toContain('detail.groupNames[0]');
    expect(line).not.toContain('secret-token');
  });

  it('queues one message per target group for a valid event (the check above can fail)', async () => {
    metricsAdded.length = 0;
    await handler(envelope(validDetail()));
    expect(sqs.counts()).toEqual({ SendMessageBatch: 1 });
    // The figure the dashboard draws, under the name it reads.
    expect(metricsAdded).toEqual([[CUSTOM_METRICS['onboarding-router'].messagesQueued, 'Count', 3]]);
    expect(sqs.messages(queueUrl).map((m) => JSON.parse(m.body).group)).toEqual([
      { id: 'Q3sdf9Kl0aZx' },
      { name: 'EU Customers' },
      { name: 'Regulated' },
    ]);
  });

  it('retries the entries SQS refuses within a batch, so every group still gets its message', async () => {
    const before = sqs.messages(queueUrl).length;
    const callsBefore = sqs.counts().SendMessageBatch ?? 0;
    sqs.failNextSends(2);
    await handler(
      eventBridgeEnvelope(
        {
          source: 'keepnet.test',
          detailType: 'CompanyCreated',
          detail: { ...validDetail(), companyResourceId: 'retried1' },
        },
        { id: 'evt-retry' },
      ),
    );
    const queued = sqs
      .messages(queueUrl)
      .slice(before)
      .map((m) => JSON.parse(m.body).companyResourceId);
    expect(queued).toEqual(['retried1', 'retried1', 'retried1']);
    expect(sqs.counts().SendMessageBatch! - callsBefore).toBe(2); // the batch, then its refused entries
  });
});
