// company-poller through its real handler against the Keepnet simulator, s3rver (the watermark) and the
// local EventBridge: the first run emits nothing, later runs emit exactly the new companies once, and
// the watermark moves only over events EventBridge accepted.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CUSTOM_METRICS } from '../../infra/constructs/monitoring';
import { CompanyCreatedDetailSchema } from '../../lib/onboarding/company-created';
import type { PollSummary } from '../../lib/onboarding/poller/poll';
import { type Emulators, startEmulators } from '../../local/emulators';
import { type LocalEventBridge, startEventBridge } from '../../local/eventbridge';

const BUCKET = 'poller-state';
const KEY = 'company-poller/watermark.json';

let stack: Emulators;
let bus: LocalEventBridge;
let poll: () => Promise<PollSummary>;
let s3: S3Client;
const saved = { ...process.env };
/** What the handler recorded through the shared Powertools Metrics, as [name, unit, value]. */
const metricsAdded: [string, string, number][] = [];
const FOUND = CUSTOM_METRICS['company-poller'].companiesFound;

beforeAll(async () => {
  stack = await startEmulators({ buckets: [BUCKET], simulator: { seed: { companies: 40 } } });
  // Only the onboarding bus exists, as deployed: a poller publishing elsewhere would fail here.
  bus = await startEventBridge({ busName: 'keepnet-onboarding' });
  Object.assign(process.env, stack.env, {
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
    POLLER_STATE_BUCKET: BUCKET,
    POLLER_STATE_KEY: KEY,
    EVENT_BUS_NAME: 'keepnet-onboarding',
    POLLER_PAGE_SIZE: '7', // small pages: the walk down to the watermark spans several
  });
  await jest.isolateModulesAsync(async () => {
    const { metrics } = await import('../../lib/observability/powertools');
    jest.spyOn(metrics, 'addMetric').mockImplementation((name, unit, value) => {
      metricsAdded.push([name, unit, value]);
      return metrics;
    });
    jest.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
    const { handler } = await import('../../functions/company-poller/handler');
    // What the handler loads on its first run, loaded here: in this registry, with the spies above.
    await (await import('../../lib/lazy')).loadDeferred();
    poll = () => handler({});
  });
  s3 = new S3Client({ forcePathStyle: true });
});
afterAll(async () => {
  process.env = saved;
  s3.destroy();
  await bus.close();
  await stack.close();
});

const watermark = async () =>
  JSON.parse(
    await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))).Body!.transformToString(),
  ) as { watermark: string; idsAtWatermark: string[] };

const emittedIds = () =>
  bus.events().map((e) => (e.event.detail as { companyResourceId: string }).companyResourceId);

// Companies get strictly increasing createTimes (unless one is given), like a real sign-up stream.
let clock = Date.now();
const nextTime = () => {
  clock += 1000;
  return new Date(clock).toISOString();
};
let made = 0;
const addCompanies = (count: number, createTime?: string) =>
  Array.from({ length: count }, () =>
    stack.keepnet.state.addCompany({
      name: `Polled company ${++made}`,
      industryName: 'Finance',
      licenseTypeName: 'Enterprise',
      createTime: createTime ?? nextTime(),
    }),
  );

describe('company-poller', () => {
  beforeEach(() => bus.clear());

  it('emits nothing on its first run and sets the watermark at the newest company', async () => {
    const summary = await poll();
    expect(summary).toMatchObject({ firstRun: true, emitted: 0 });
    expect(bus.events()).toEqual([]);
    const newest = [...stack.keepnet.state.companies()].sort((a, b) =>
      b.createTime.localeCompare(a.createTime),
    )[0]!;
    expect(await watermark()).toMatchObject({ watermark: new Date(newest.createTime).toISOString() });
  });

  it('emits exactly the companies created since, once, as valid CompanyCreated events', async () => {
    const first = addCompanies(3);
    const sameTime = nextTime();
    const created = [...first, ...addCompanies(2, sameTime)];
    const summary = await poll();
    expect(summary.emitted).toBe(5);
    expect(emittedIds().sort()).toEqual(created.map((c) => c.resourceId).sort());
    for (const { entry, event } of bus.events()) {
      expect(entry).toMatchObject({
        Source: 'keepnet.poller',
        DetailType: 'CompanyCreated',
        EventBusName: 'keepnet-onboarding',
      });
      expect(CompanyCreatedDetailSchema.parse(event.detail)).toMatchObject({
        attributes: { industry: 'Finance', licenseType: 'Enterprise' },
      });
    }
    // Both companies sharing the newest createTime are remembered, so neither is emitted again...
    expect((await watermark()).idsAtWatermark.sort()).toEqual(
      created
        .slice(3)
        .map((c) => c.resourceId)
        .sort(),
    );
    bus.clear();
    expect((await poll()).emitted).toBe(0);
    // ...while a third company created at that very time still is.
    const late = addCompanies(1, sameTime);
    expect((await poll()).emittedIds).toEqual([late[0]!.resourceId]);
    bus.clear();
  });

  it('sends 10 entries per PutEvents call', async () => {
    const created = addCompanies(23);
    const calls = bus.calls();
    metricsAdded.length = 0;
    const summary = await poll();
    expect(summary).toMatchObject({ emitted: 23, putEventsCalls: 3 });
    expect(metricsAdded).toEqual([[FOUND, 'Count', 23]]);
    expect(bus.calls() - calls).toBe(3);
    expect(new Set(emittedIds())).toEqual(new Set(created.map((c) => c.resourceId)));
    bus.clear();
  });

  it('does not advance the watermark over events EventBridge refused, and emits them on the next run', async () => {
    const before = await watermark();
    const created = addCompanies(4);
    const stopRefusing = bus.refuseEntries(() => true);
    metricsAdded.length = 0;
    await expect(poll()).rejects.toMatchObject({ name: 'PollerEmitError' });
    // Found, though not announced: the dashboard still counts them.
    expect(metricsAdded).toEqual([[FOUND, 'Count', 4]]);
    expect(await watermark()).toEqual(before);
    expect(bus.events()).toEqual([]);
    stopRefusing();

    expect((await poll()).emitted).toBe(4);
    expect(emittedIds().sort()).toEqual(created.map((c) => c.resourceId).sort());
    bus.clear();
  });

  it('advances over the accepted prefix only when one event keeps failing', async () => {
    // Increasing createTimes: the order of emission is known.
    const created = addCompanies(12);
    const blocked = created[10]!.resourceId;
    const stopRefusing = bus.refuseEntries((entry) => entry.Detail?.includes(blocked) ?? false);
    await expect(poll()).rejects.toThrow(/refused 2 of 12/);
    expect((await watermark()).watermark).toBe(created[9]!.createTime);
    stopRefusing();
    bus.clear();

    const summary = await poll();
    expect(summary.emittedIds).toEqual([created[10]!.resourceId, created[11]!.resourceId]);
  });

  it('retries entries refused once and still emits each company once', async () => {
    bus.clear();
    const created = addCompanies(5);
    bus.failNextEntries(2);
    const summary = await poll();
    expect(summary.emitted).toBe(5);
    expect(emittedIds().sort()).toEqual(created.map((c) => c.resourceId).sort());
  });

  it('goes on past companies without a createTime (null in the spec): each announced once, by id', async () => {
    bus.clear();
    const [before, timeless, after] = addCompanies(3);
    stack.keepnet.configure({ quirks: { nullCreateTime: [timeless!.resourceId] } });
    try {
      const summary = await poll(); // used to fail the whole run: "Unreadable createTime"
      expect(summary.emittedIds).toEqual([before!.resourceId, after!.resourceId, timeless!.resourceId]);
      const mark = (await watermark()) as { watermark: string; idsWithoutTime?: string[] };
      expect(mark.watermark).toBe(after!.createTime); // the timeless one does not move it
      expect(mark.idsWithoutTime).toContain(timeless!.resourceId);
      bus.clear();
      const [later] = addCompanies(1);
      expect((await poll()).emittedIds).toEqual([later!.resourceId]); // never re-announced
    } finally {
      stack.keepnet.configure({ quirks: {} });
    }
  });

  it('reads companies nested under a parent (SearchCompanyDto.children), not only top-level rows', async () => {
    bus.clear();
    const [parent] = addCompanies(1);
    await poll(); // the parent is now at the watermark
    bus.clear();
    const [child, sibling] = addCompanies(2);
    stack.keepnet.configure({ quirks: { childrenOf: { [parent!.resourceId]: [child!.resourceId] } } });
    try {
      const summary = await poll();
      expect(summary.emittedIds).toEqual([child!.resourceId, sibling!.resourceId]);
    } finally {
      stack.keepnet.configure({ quirks: {} });
    }
  });
});

describe('local EventBridge', () => {
  it('forwards each accepted event, in the envelope Lambda receives, to its target', async () => {
    const received: unknown[] = [];
    const forwarding = await startEventBridge({ target: (event) => received.push(event) });
    try {
      const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
      const client = new EventBridgeClient({ endpoint: forwarding.url });
      const reply = await client.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'keepnet.poller', DetailType: 'CompanyCreated', Detail: '{"companyResourceId":"abc"}' },
            { Source: 'keepnet.poller', DetailType: 'CompanyCreated', Detail: 'not json' },
          ],
        }),
      );
      client.destroy();
      await forwarding.settled();
      expect(reply.FailedEntryCount).toBe(1);
      expect(reply.Entries?.[1]?.ErrorCode).toBe('MalformedDetail');
      expect(received).toEqual([
        expect.objectContaining({
          'detail-type': 'CompanyCreated',
          source: 'keepnet.poller',
          detail: { companyResourceId: 'abc' },
          id: reply.Entries?.[0]?.EventId,
        }),
      ]);
    } finally {
      await forwarding.close();
    }
  });
});

describe('local EventBridge with one bus', () => {
  it('refuses entries for any other bus, the default one included, as EventBridge refuses a missing bus', async () => {
    const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    const client = new EventBridgeClient({ endpoint: bus.url });
    const entry = {
      Source: 'keepnet.automation',
      DetailType: 'CompanyCreated',
      Detail: '{"companyResourceId":"abc"}',
    };
    const before = bus.events().length;
    const reply = await client.send(
      new PutEventsCommand({
        Entries: [
          entry,
          { ...entry, EventBusName: 'default' },
          { ...entry, EventBusName: 'keepnet-onboarding' },
        ],
      }),
    );
    client.destroy();
    expect(reply.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'ResourceNotFoundException',
      'ResourceNotFoundException',
      'ok',
    ]);
    expect(bus.events().length - before).toBe(1);
  });
});

describe('company-poller with POLLER_START_TIME', () => {
  it('announces, on its first run, every company created at or after the start time', async () => {
    const { pollCompanies } = await import('../../lib/onboarding/poller/poll');
    const { EventBridgeClient } = await import('@aws-sdk/client-eventbridge');
    const { createKeepnetClientFromEnv } = await import('../../lib/keepnet');
    const eventBridge = new EventBridgeClient({});
    const all = [...stack.keepnet.state.companies()].sort((a, b) => a.createTime.localeCompare(b.createTime));
    const startTime = all.at(-3)!.createTime; // the 3 newest companies
    bus.clear();
    const summary = await pollCompanies(
      { keepnet: createKeepnetClientFromEnv(), s3, eventBridge },
      {
        state: { bucket: BUCKET, key: 'start-time/watermark.json' },
        eventBusName: 'keepnet-onboarding',
        source: 'keepnet.poller',
        startTime,
        pageSize: 7,
      },
    );
    eventBridge.destroy();
    expect(summary).toMatchObject({ firstRun: true, emitted: 3 });
    expect(emittedIds().sort()).toEqual(
      all
        .slice(-3)
        .map((c) => c.resourceId)
        .sort(),
    );
  });
});
