// Every KeepnetClient operation over HTTP against the simulator, under both readings of
// PUT …/participants and under the envelope variants the vendor's sources describe; then every
// request the client sent and every reply it read is checked against the vendor's OpenAPI document.

import type { KeepnetClient } from '../../lib/keepnet/client';
import { KeepnetNotFoundError, KeepnetValidationError } from '../../lib/keepnet/errors';
import type { CompanySummary, ExportDownload } from '../../lib/keepnet/types';
import { startKeepnetSimulator } from '../../local/keepnet-simulator/index';
import { resellerClient } from '../../local/keepnet-simulator/reseller-client';
import type { KeepnetSimulator, SimulatorOptions } from '../../local/keepnet-simulator/types';
import { describeContract, validateRequest, validateResponse } from '../support/contract';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function readAll(download: ExportDownload): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of download.body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const variants: [string, SimulatorOptions][] = [
  ['participants replace', { participantsMode: 'replace' }],
  ['participants additive', { participantsMode: 'additive' }],
  [
    'PascalCase { isSuccess, data, messages } envelope',
    { participantsMode: 'additive', envelope: 'isSuccess', keyCase: 'pascal' },
  ],
];

describe.each(variants)('KeepnetClient against the simulator (%s)', (_name, simulatorOptions) => {
  let sim: KeepnetSimulator;
  let client: KeepnetClient;
  let companyIds: string[];

  beforeAll(async () => {
    sim = await startKeepnetSimulator({ ...simulatorOptions, seed: { companies: 25, extraGroups: 4 } });
    client = resellerClient(sim);
    companyIds = sim.state.companies().map((company) => company.resourceId);
  });

  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('lists every group, with counts', async () => {
    const groups = await client.listGroups();
    expect(groups.map((g) => g.resourceId).sort()).toEqual(
      sim.state
        .groups()
        .map((g) => g.resourceId)
        .sort(),
    );
    for (const group of groups) {
      expect(group.companyCount).toBe(sim.state.groupMemberIds(group.resourceId).length);
    }
  });

  it('searches groups by page, and by text', async () => {
    const total = sim.state.groups().length;
    const first = await client.searchGroups({ pageSize: 2 });
    expect(first).toMatchObject({
      pageNumber: 1,
      pageSize: 2,
      totalNumberOfRecords: total,
      totalNumberOfPages: Math.ceil(total / 2),
    });
    expect(first.results).toHaveLength(2);
    // Newest first by default.
    expect(first.results[0]!.createTime >= first.results[1]!.createTime).toBe(true);
    const named = sim.state.groups()[0]!;
    const found = await client.searchGroups({ filter: { searchInputTextValue: named.name } });
    expect(found.results.map((g) => g.resourceId)).toContain(named.resourceId);
  });

  it('iterates every group across pages, once each', async () => {
    const ids = (await collect(client.iterateGroups({ pageSize: 3 }))).map((g) => g.resourceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      sim.state
        .groups()
        .map((g) => g.resourceId)
        .sort(),
    );
  });

  it('searches groups with parent', async () => {
    const page = await client.searchGroupsWithParent({ pageSize: 100 });
    expect(page.results.length).toBeGreaterThanOrEqual(sim.state.groups().length);
  });

  it('creates (trimmed name, initial members), gets, renames and deletes a group', async () => {
    const created = await client.createGroup({
      name: '  Lifecycle Group  ',
      companyResourceIds: companyIds.slice(0, 2),
    });
    expect(sim.state.group(created.resourceId)?.name).toBe('Lifecycle Group');
    expect(sim.state.groupMemberIds(created.resourceId)).toEqual(companyIds.slice(0, 2));

    const read = await client.getGroup(created.resourceId);
    expect(read).toMatchObject({ resourceId: created.resourceId, name: 'Lifecycle Group', companyCount: 2 });

    const members = sim.state.groupMemberIds(created.resourceId);
    await expect(
      client.updateGroup(created.resourceId, { name: 'Lifecycle Renamed', companyResourceIds: members }),
    ).resolves.toEqual({
      resourceId: created.resourceId,
    });
    expect(sim.state.group(created.resourceId)?.name).toBe('Lifecycle Renamed');
    expect(sim.state.groupMemberIds(created.resourceId)).toEqual(members);

    await client.deleteGroup(created.resourceId);
    expect(sim.state.group(created.resourceId)).toBeUndefined();
    await expect(client.getGroup(created.resourceId)).rejects.toBeInstanceOf(KeepnetNotFoundError);
  });

  it('creates a group without members', async () => {
    const { resourceId } = await client.createGroup({ name: 'Empty Group' });
    expect(sim.state.groupMemberIds(resourceId)).toEqual([]);
  });

  it('surfaces a duplicate name as a validation error carrying Keepnet’s messages', async () => {
    const existing = sim.state.groups()[0]!.name;
    const error = await client.createGroup({ name: existing.toUpperCase() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetValidationError);
    expect((error as KeepnetValidationError).httpStatus).toBe(400);
    expect((error as Error).message).toMatch(/already exists/);
  });

  it('bulk-deletes groups', async () => {
    const a = await client.createGroup({ name: 'Bulk A' });
    const b = await client.createGroup({ name: 'Bulk B' });
    await client.bulkDeleteGroups([a.resourceId, b.resourceId]);
    expect(sim.state.group(a.resourceId)).toBeUndefined();
    expect(sim.state.group(b.resourceId)).toBeUndefined();
  });

  it('puts participants: the result follows the simulator’s reading of the API', async () => {
    const { resourceId } = await client.createGroup({
      name: 'Participants Put',
      companyResourceIds: companyIds.slice(0, 2),
    });
    await client.putParticipants(resourceId, companyIds.slice(2, 4));
    const expected =
      sim.behaviour().participantsMode === 'replace' ? companyIds.slice(2, 4) : companyIds.slice(0, 4);
    expect([...sim.state.groupMemberIds(resourceId)].sort()).toEqual([...expected].sort());
  });

  it('puts the union of current and new members: same result under both readings, and repeatable', async () => {
    const { resourceId } = await client.createGroup({
      name: 'Participants Union',
      companyResourceIds: companyIds.slice(0, 2),
    });
    const union = [...new Set([...companyIds.slice(0, 2), ...companyIds.slice(1, 3)])];
    await client.putParticipants(resourceId, union);
    await client.putParticipants(resourceId, union); // a retry of the same body changes nothing
    expect([...sim.state.groupMemberIds(resourceId)].sort()).toEqual([...union].sort());
  });

  it('removes participants with a DELETE body, repeatably', async () => {
    const { resourceId } = await client.createGroup({
      name: 'Participants Remove',
      companyResourceIds: companyIds.slice(0, 3),
    });
    await client.removeParticipants(resourceId, [companyIds[1]!]);
    await client.removeParticipants(resourceId, [companyIds[1]!]);
    expect(sim.state.groupMemberIds(resourceId)).toEqual([companyIds[0], companyIds[2]]);
  });

  it('searches and iterates group members', async () => {
    const members = companyIds.slice(0, 5);
    const { resourceId } = await client.createGroup({ name: 'Members Search', companyResourceIds: members });
    const page = await client.searchGroupMembers(resourceId, { pageSize: 2 });
    expect(page).toMatchObject({ pageNumber: 1, totalNumberOfRecords: 5, totalNumberOfPages: 3 });
    const all: CompanySummary[] = await collect(client.iterateGroupMembers(resourceId, { pageSize: 2 }));
    expect(all.map((c) => c.companyResourceId).sort()).toEqual([...members].sort());
    expect(all[0]).toHaveProperty('companyName');
    expect(all[0]).toHaveProperty('createTime');
  });

  it('searches and iterates companies, newest first', async () => {
    const page = await client.searchCompanies({ pageSize: 10 });
    expect(page.totalNumberOfRecords).toBe(companyIds.length);
    const times = page.results.map((c) => c.createTime);
    expect([...times].sort().reverse()).toEqual(times);
    const all = await collect(client.iterateCompanies({ pageSize: 7 }));
    expect(all.map((c) => c.companyResourceId).sort()).toEqual([...companyIds].sort());
  });

  it('exports groups as CSV, streamed, with a file name', async () => {
    const download = await client.exportGroups({ exportType: 'CSV' });
    expect(download.contentType).toMatch(/^text\/csv/);
    expect(download.fileName).toMatch(/\.csv$/);
    const csv = (await readAll(download)).toString('utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(sim.state.groups().length + 1);
    if (download.contentLength !== null) expect(Buffer.byteLength(csv)).toBe(download.contentLength);
  });

  it('exports a group’s members as a real xlsx workbook', async () => {
    const { resourceId } = await client.createGroup({
      name: 'Members Export',
      companyResourceIds: companyIds.slice(0, 3),
    });
    const download = await client.exportGroupMembers(resourceId, { exportType: 'Excel' });
    expect(download.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(download.fileName).toMatch(/\.xlsx$/);
    const bytes = await readAll(download);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip container
  });

  it('reports an unknown group as not found, on every group route', async () => {
    const missing = 'ZZZZZZZZZZZZ';
    await expect(client.getGroup(missing)).rejects.toBeInstanceOf(KeepnetNotFoundError);
    await expect(client.searchGroupMembers(missing)).rejects.toBeInstanceOf(KeepnetNotFoundError);
    await expect(client.putParticipants(missing, [companyIds[0]!])).rejects.toBeInstanceOf(
      KeepnetNotFoundError,
    );
  });
});

describeContract('KeepnetClient requests and replies match the vendor’s OpenAPI document', () => {
  let sim: KeepnetSimulator;
  let client: KeepnetClient;

  beforeAll(async () => {
    sim = await startKeepnetSimulator({ recordExchanges: true, seed: { companies: 8, extraGroups: 2 } });
    client = resellerClient(sim);
  });

  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('every exchange of every operation validates', async () => {
    const ids = sim.state.companies().map((c) => c.resourceId);
    await client.listGroups();
    await client.searchGroups({
      filter: {
        filterGroups: [
          { condition: 'OR', filterItems: [{ fieldName: 'Name', operator: 'Contains', value: 'EU' }] },
        ],
      },
    });
    await client.searchGroupsWithParent();
    await client.searchCompanies();
    const { resourceId } = await client.createGroup({
      name: 'Contract',
      companyResourceIds: ids.slice(0, 2),
    });
    await client.getGroup(resourceId);
    await client.updateGroup(resourceId, { name: 'Contract 2', companyResourceIds: ids.slice(0, 2) });
    await client.putParticipants(resourceId, ids.slice(0, 3));
    await client.removeParticipants(resourceId, ids.slice(2, 3));
    await client.searchGroupMembers(resourceId);
    await readAll(await client.exportGroups({ exportType: 'CSV' }));
    await readAll(await client.exportGroupMembers(resourceId, { exportType: 'Excel' }));
    const other = await client.createGroup({ name: 'Contract bulk' });
    await client.bulkDeleteGroups([other.resourceId]);
    await client.deleteGroup(resourceId);

    const exchanges = sim.exchanges();
    const routes = new Set(exchanges.map((e) => `${e.method} ${e.template}`));
    expect(routes.size).toBe(15); // 14 operations (create twice) + the token
    const problems: string[] = [];
    let checked = 0;
    for (const exchange of exchanges) {
      const where = `${exchange.method} ${exchange.template}`;
      const contentType = exchange.requestHeaders['content-type'] ?? '';
      if (exchange.requestBody !== undefined) {
        const request = validateRequest(
          exchange.method,
          exchange.template,
          contentType,
          exchange.requestBody,
        );
        if (!request.valid) problems.push(`${where} request: ${request.errors.join(', ')}`);
        if (request.checked) checked += 1;
      }
      if (exchange.responseBody !== undefined) {
        const reply = validateResponse(
          exchange.method,
          exchange.template,
          exchange.status,
          exchange.responseBody,
        );
        if (!reply.valid) problems.push(`${where} reply: ${reply.errors.join(', ')}`);
        if (reply.checked) checked += 1;
      }
      // JSON bodies go out as application/json: some endpoints reject json-patch+json.
      if (exchange.template !== '/connect/token' && exchange.requestBody !== undefined) {
        expect(contentType).toBe('application/json');
      }
    }
    expect(problems).toEqual([]);
    // Guard against a vacuous pass: 13 request bodies and 13 JSON replies have documented schemas.
    expect(checked).toBeGreaterThanOrEqual(24);
  });
});
