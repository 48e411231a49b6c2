// Simulator exports (real CSV and xlsx files, synthetic sized exports) and injected faults.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AWKWARD_COMPANY_NAME, startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';
import { call, envelope, searchBody, tokenFor } from './simulator-http';

let sim: KeepnetSimulator;
let token: string;

beforeAll(async () => {
  sim = await startKeepnetSimulator();
  token = await tokenFor(sim);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
  sim.clearFaults();
  sim.configure({ syntheticExport: null });
});

async function download(path: string, body: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

function groupWithAwkwardMember() {
  const awkward = sim.state.companyByName(AWKWARD_COMPANY_NAME)!;
  const others = sim.state
    .companies()
    .filter((c) => c !== awkward)
    .slice(0, 4);
  return sim.state.addGroup('Export Me', [awkward.resourceId, ...others.map((c) => c.resourceId)]);
}

describe('exports', () => {
  it('serves group members as an RFC 4180 CSV with a header row and an attachment file name', async () => {
    const group = groupWithAwkwardMember();
    const { response, bytes } = await download(
      `/api/company-groups/${group.resourceId}/companies/search/export`,
      {
        ...searchBody({ orderBy: 'CompanyName', ascending: true }),
        exportType: 'CSV',
        reportAllPages: true,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]+\.csv"/);
    expect(bytes.toString('utf8')).toContain('"O\'Neil, Marsh & ""Partners"""');
    const rows = parse(bytes, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r['Company Resource Id']).sort()).toEqual(
      [...sim.state.groupMemberIds(group.resourceId)].sort(),
    );
    expect(rows.map((r) => r['Company Name'])).toContain(AWKWARD_COMPANY_NAME);
  });

  it('exports only the requested page unless reportAllPages is set', async () => {
    const group = groupWithAwkwardMember();
    const { bytes } = await download(`/api/company-groups/${group.resourceId}/companies/search/export`, {
      ...searchBody({ pageSize: 2 }),
      exportType: 'CSV',
      reportAllPages: false,
    });
    expect(parse(bytes, { columns: true })).toHaveLength(2);
  });

  it('serves the group list as a real .xlsx workbook', async () => {
    const { response, bytes } = await download('/api/company-groups/search/export', {
      ...searchBody({ orderBy: 'Name', ascending: true }),
      exportType: 'Excel',
      reportAllPages: true,
    });
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('content-disposition')).toMatch(/filename="[^"]+\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const names: string[] = [];
    sheet.eachRow((row, index) => {
      if (index > 1) names.push(String(row.getCell(1).value));
    });
    expect(sheet.getRow(1).getCell(1).value).toBe('Name');
    expect(names).toEqual(
      sim.state
        .groups()
        .map((g) => g.name)
        .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
    );
  });

  it('refuses an unknown exportType with INPUT_ERROR', async () => {
    const reply = await call(sim, 'POST', '/api/company-groups/search/export', {
      token,
      body: { ...searchBody(), exportType: 'PDF' },
    });
    expect(reply.status).toBe(400);
    expect(envelope(reply).validationMessages?.join(' ')).toContain('exportType');
  });

  it('generates a synthetic export of about the requested size, row by row', async () => {
    sim.configure({ syntheticExport: { bytes: 1024 * 1024 } });
    const group = sim.state.groupByName('Finance')!;
    const { bytes } = await download(`/api/company-groups/${group.resourceId}/companies/search/export`, {
      ...searchBody(),
      exportType: 'CSV',
      reportAllPages: true,
    });
    expect(bytes.length).toBeGreaterThanOrEqual(1024 * 1024);
    expect(bytes.length).toBeLessThan(1.25 * 1024 * 1024);
    const rows = parse(bytes, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(5000);
    expect(rows[0]?.['Company Name']).toContain('Synthetic Company');
  });

  it('serves the same synthetic CSV length on every request with the same plan', async () => {
    sim.configure({ syntheticExport: { bytes: 300_000 } });
    const request = { ...searchBody(), exportType: 'CSV', reportAllPages: true };
    const first = await download('/api/company-groups/search/export', request);
    const second = await download('/api/company-groups/search/export', request);
    expect(first.bytes.length).toBeGreaterThanOrEqual(300_000);
    expect(second.bytes.length).toBe(first.bytes.length);
  });

  it('generates a synthetic export with a given number of rows', async () => {
    sim.configure({ syntheticExport: { rows: 1234 } });
    const { bytes } = await download('/api/company-groups/search/export', {
      ...searchBody(),
      exportType: 'CSV',
      reportAllPages: true,
    });
    expect(parse(bytes, { columns: true })).toHaveLength(1234);
  });
});

describe('faults', () => {
  it('answers 500 the given number of times, then normally', async () => {
    const [handle] = sim.injectFaults({ kind: 'server-error', route: 'GET /api/company-groups', times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call(sim, 'GET', '/api/company-groups', { token })).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(handle?.hits).toBe(2);
    expect(handle?.exhausted).toBe(true);
  });

  it('answers 429 with Retry-After only on the matching route', async () => {
    sim.injectFaults({ kind: 'rate-limited', route: '/api/company-groups/search', retryAfterSeconds: 2 });
    const other = await call(sim, 'GET', '/api/company-groups', { token });
    const limited = await call(sim, 'POST', '/api/company-groups/search', { token, body: searchBody() });
    expect(other.status).toBe(200);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
  });

  it('resets the connection', async () => {
    sim.injectFaults({ kind: 'connection-reset', route: 'GET /api/company-groups' });
    await expect(call(sim, 'GET', '/api/company-groups', { token })).rejects.toThrow();
    expect((await call(sim, 'GET', '/api/company-groups', { token })).status).toBe(200);
  });

  it('can lose the reply after the change happened (afterHandling)', async () => {
    sim.injectFaults({ kind: 'connection-reset', route: 'POST /api/company-groups', afterHandling: true });
    await expect(
      call(sim, 'POST', '/api/company-groups', { token, body: { name: 'Maybe Created' } }),
    ).rejects.toThrow();
    expect(sim.state.groupByName('Maybe Created')).toBeDefined();
  });

  it('truncates an export body: announced length, fewer bytes, dropped connection', async () => {
    const group = sim.state.groupByName('EU Customers')!;
    sim.injectFaults({ kind: 'truncated-body', route: /companies\/search\/export$/, truncateAt: 0.5 });
    const response = await fetch(
      `${sim.url}/api/company-groups/${group.resourceId}/companies/search/export`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...searchBody(), exportType: 'CSV', reportAllPages: true }),
      },
    );
    expect(response.status).toBe(200);
    const announced = Number(response.headers.get('content-length'));
    expect(announced).toBeGreaterThan(1000);
    let received = 0;
    const read = (async () => {
      for await (const chunk of response.body!) received += (chunk as Uint8Array).length;
    })();
    await expect(read).rejects.toThrow();
    expect(received).toBe(Math.floor(announced * 0.5));
  });

  it('truncates a large streamed export mid-stream', async () => {
    sim.configure({ syntheticExport: { bytes: 2 * 1024 * 1024 } });
    sim.injectFaults({
      kind: 'truncated-body',
      route: 'POST /api/company-groups/search/export',
      truncateAt: 0.25,
    });
    const response = await fetch(`${sim.url}/api/company-groups/search/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...searchBody(), exportType: 'CSV', reportAllPages: true }),
    });
    let received = 0;
    const read = (async () => {
      for await (const chunk of response.body!) received += (chunk as Uint8Array).length;
    })();
    await expect(read).rejects.toThrow();
    expect(received).toBeLessThan(2 * 1024 * 1024);
    expect(received).toBeGreaterThan(0);
  });

  it('expires every token on a matching request', async () => {
    const own = await tokenFor(sim);
    sim.injectFaults({ kind: 'expire-tokens', route: 'GET /api/company-groups' });
    expect((await call(sim, 'GET', '/api/company-groups', { token: own })).status).toBe(401);
    token = await tokenFor(sim);
    expect((await call(sim, 'GET', '/api/company-groups', { token })).status).toBe(200);
  });

  it('hits a seeded fraction of requests with a probabilistic fault', async () => {
    sim.injectFaults({
      kind: 'server-error',
      route: 'GET /api/company-groups',
      probability: 0.5,
      times: Infinity,
    });
    let failures = 0;
    for (let i = 0; i < 40; i++) {
      if ((await call(sim, 'GET', '/api/company-groups', { token })).status === 500) failures++;
    }
    sim.clearFaults();
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
  });

  it('holds a matching request with a delay fault, so a caller timeout fires', async () => {
    sim.injectFaults({ kind: 'delay', route: 'GET /api/company-groups', delayMs: 2_000 });
    const slow = fetch(`${sim.url}/api/company-groups`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(100),
    });
    await expect(slow).rejects.toThrow();
    expect((await call(sim, 'GET', '/api/company-groups', { token })).status).toBe(200);
  });

  it('adds the configured latency without failing requests', async () => {
    sim.configure({ latencyMs: 20 });
    const reply = await call(sim, 'GET', '/api/company-groups', { token });
    sim.configure({ latencyMs: 0 });
    expect(reply.status).toBe(200);
  });
});
