// company-poller when companies change WHILE it pages (newest first): a company deleted between two
// page reads pulls every later row up one page, which hides the row crossing the page boundary. The
// Keepnet side is a small in-memory company list behind the client's real paginator (the simulator
// cannot delete companies), so the deletion lands exactly between two pages; the watermark lives in
// s3rver and events go to the local EventBridge, both over HTTP through the real SDK clients.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { paginate } from '../../lib/keepnet/paginate';
import type { CompanySummary, KeepnetApi, Page, SearchOptions } from '../../lib/keepnet/types';
import { type PollerConfig, pollCompanies } from '../../lib/onboarding/poller/poll';
import { type LocalEventBridge, startEventBridge } from '../../local/eventbridge';
import { type LocalS3, startS3 } from '../../local/s3';

const BUCKET = 'poller-deletions';

/** Companies newest first, paged like Keepnet; `onPage` runs after a page is served (to mutate). */
function companyList(companies: CompanySummary[], onPage: (pageNumber: number) => void) {
  const search = async (s: SearchOptions = {}): Promise<Page<CompanySummary>> => {
    const sorted = [...companies].sort((a, b) => (b.createTime ?? '').localeCompare(a.createTime ?? ''));
    const size = s.pageSize ?? 100;
    const pageNumber = s.pageNumber ?? 1;
    const page = {
      pageNumber,
      pageSize: size,
      totalNumberOfPages: Math.ceil(sorted.length / size),
      totalNumberOfRecords: sorted.length,
      results: sorted.slice((pageNumber - 1) * size, pageNumber * size),
    };
    onPage(pageNumber);
    return page;
  };
  const api: Pick<KeepnetApi, 'searchCompanies' | 'iterateCompanies'> = {
    searchCompanies: search,
    iterateCompanies: (s) => paginate(search, s, (c) => c.companyResourceId, 'companies'),
  };
  return api as KeepnetApi;
}

const company = (n: number, createTime: string): CompanySummary => ({
  companyResourceId: `co${String(n).padStart(10, '0')}`,
  companyName: `Company ${n}`,
  createTime,
});

let s3Server: LocalS3;
let bus: LocalEventBridge;
let s3: S3Client;
let eventBridge: EventBridgeClient;

beforeAll(async () => {
  s3Server = await startS3({ buckets: [BUCKET] });
  bus = await startEventBridge();
  s3 = new S3Client(s3Server.clientConfig());
  eventBridge = new EventBridgeClient({ endpoint: bus.url });
});
afterAll(async () => {
  s3.destroy();
  eventBridge.destroy();
  await bus.close();
  await s3Server.close();
});

/** Each test keeps its own watermark object; pages of 5 so that every walk crosses page boundaries. */
function pollerConfig(watermarkKey: string, extra: Partial<PollerConfig> = {}): PollerConfig {
  return {
    state: { bucket: BUCKET, key: watermarkKey },
    eventBusName: 'default',
    source: 'keepnet.poller',
    pageSize: 5,
    ...extra,
  };
}

it('announces the company a deletion between two pages pulled across the page boundary', async () => {
  const config = pollerConfig('deletion/watermark.json', { startTime: '2026-01-01T00:00:00.000Z' });
  // 12 companies after the start time, one a minute, plus one older (below the watermark).
  const companies = [
    company(0, '2025-12-31T00:00:00.000Z'),
    ...Array.from({ length: 12 }, (_, i) =>
      company(i + 1, new Date(Date.parse('2026-01-02T00:00:00Z') + i * 60_000).toISOString()),
    ),
  ];
  let deleted: CompanySummary | undefined;
  const keepnet = companyList(companies, (pageNumber) => {
    // Right after page 1 is served, a company on it (the newest) is deleted.
    if (pageNumber === 1 && !deleted) deleted = companies.splice(companies.length - 1, 1)[0];
  });

  const summary = await pollCompanies({ keepnet, s3, eventBridge }, config);

  const survivors = companies
    .filter((c) => (c.createTime ?? '') >= config.startTime!)
    .map((c) => c.companyResourceId)
    .sort();
  const emitted = bus
    .events()
    .map((e) => (e.event.detail as { companyResourceId: string }).companyResourceId);
  // Every surviving company is announced, including company 7: the deletion moved it from the top of
  // page 2 to the bottom of page 1, which the first walk had already read.
  expect(new Set(emitted)).toEqual(new Set([...survivors, deleted!.companyResourceId]));
  expect(emitted).toContain(company(7, '').companyResourceId);
  expect(summary.emitted).toBe(12);
});

it('finishes, announcing what it found, while companies keep being created during every walk', async () => {
  const config = pollerConfig('inserts/watermark.json', { startTime: '2026-01-01T00:00:00.000Z' });
  const at = (minute: number) => new Date(Date.parse('2026-01-02T00:00:00Z') + minute * 60_000).toISOString();
  const companies = Array.from({ length: 8 }, (_, i) => company(100 + i, at(i)));
  let inserted = 0;
  const keepnet = companyList(companies, (pageNumber) => {
    // A bulk import: a new company appears every time the first page is read.
    if (pageNumber === 1) companies.push(company(200 + inserted, at(100 + inserted++)));
  });
  bus.clear();

  const summary = await pollCompanies({ keepnet, s3, eventBridge }, config);

  expect(inserted).toBe(4); // walks stop at MAX_WALKS instead of chasing the import for ever
  const emitted = new Set(
    bus.events().map((e) => (e.event.detail as { companyResourceId: string }).companyResourceId),
  );
  // The 8 companies there from the start and the 3 created before the last walk's first page.
  expect(emitted.size).toBe(summary.emitted);
  for (const c of companies.slice(0, 11)) expect(emitted).toContain(c.companyResourceId);
});

it('at a watermark shared by companies spread over two pages, skips exactly the ones already announced', async () => {
  const { writeWatermark } = await import('../../lib/onboarding/poller/watermark');
  const config = pollerConfig('ties/watermark.json');
  const tie = '2026-03-01T10:00:00.000Z';
  const tied = Array.from({ length: 7 }, (_, i) => company(300 + i, tie));
  const newer = [company(310, '2026-03-01T10:00:01.000Z'), company(311, '2026-03-01T10:00:02.000Z')];
  const older = company(320, '2026-03-01T09:59:59.999Z');
  const announced = [tied[1]!.companyResourceId, tied[4]!.companyResourceId];
  await writeWatermark(
    s3,
    config.state,
    { version: 1, watermark: tie, idsAtWatermark: announced, updatedAt: tie },
    undefined,
  );
  bus.clear();

  const summary = await pollCompanies(
    { keepnet: companyList([older, ...tied, ...newer], () => undefined), s3, eventBridge },
    config,
  );

  const expected = [...tied, ...newer]
    .map((c) => c.companyResourceId)
    .filter((id) => !announced.includes(id));
  expect(summary.emittedIds.sort()).toEqual(expected.sort());
  expect(summary.watermark).toBe('2026-03-01T10:00:02.000Z');
});
