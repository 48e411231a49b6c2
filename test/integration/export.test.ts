// runExportJob end to end: the real Keepnet client → the simulator over HTTP, the real S3 client →
// s3rver. Faults are the simulator's; an aborted multipart upload is observed as the SDK call itself
// (s3rver cannot list unfinished uploads).
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import {
  type ExportContext,
  ExportDeadlineError,
  ExportInterruptedError,
  runExportJob,
} from '../../lib/exports';
import { skipPayloadSigningOfParts } from '../../lib/exports/s3-client';
import {
  createKeepnetClientFromEnv,
  type KeepnetClient,
  KeepnetNetworkError,
  resetKeepnetClientFromEnv,
} from '../../lib/keepnet';
import { type Emulators, startEmulators } from '../../local/emulators';
import { AWKWARD_COMPANY_NAME } from '../../local/keepnet-simulator/index';

const MiB = 1024 * 1024;
let stack: Emulators;
let restoreEnv: () => void;
let client: KeepnetClient;
let s3: S3Client;
/** Every S3 command sent, with the headers that matter here. */
const sent: Array<{ command: string; key: string | undefined; headers: Record<string, string> }> = [];

beforeAll(async () => {
  stack = await startEmulators();
  restoreEnv = stack.applyEnv();
  client = createKeepnetClientFromEnv();
  s3 = new S3Client(stack.s3.clientConfig());
  skipPayloadSigningOfParts(s3); // as createS3ClientFromEnv does
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      const input = args.input as { Key?: string };
      sent.push({ command: String(context.commandName), key: input.Key, headers: { ...request.headers } });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordCommands' },
  );
});

afterAll(async () => {
  s3?.destroy();
  await resetKeepnetClientFromEnv();
  restoreEnv?.();
  await stack?.close();
});

beforeEach(() => {
  sent.length = 0;
  stack.keepnet.clearFaults();
  stack.keepnet.configure({ syntheticExport: null });
});

const bucket = () => stack.env.EXPORT_BUCKET!;
const context = (overrides: Partial<ExportContext> = {}): ExportContext => ({
  client,
  s3,
  bucket: bucket(),
  prefix: 'exports/',
  scheduledTime: new Date('2026-11-28T02:00:00Z'),
  ...overrides,
});

async function getBytes(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const commandsFor = (key: string) => sent.filter((s) => s.key === key).map((s) => s.command);

describe('runExportJob', () => {
  it('streams the group list as CSV: the same rows as Keepnet, measured, named, encrypted', async () => {
    const result = await runExportJob({ what: 'groups', format: 'CSV' }, context({ prefix: 'csv/' }));

    expect(result.key).toBe('csv/groups/date=2026-11-28/groups-20261128T020000.000Z.csv');
    const bytes = await getBytes(result.key);
    const rows: Array<Record<string, string>> = parse(bytes, { columns: true, bom: true });
    const groups = stack.keepnet.state.groups();
    expect(rows.map((r) => r['Resource Id']).sort()).toEqual(groups.map((g) => g.resourceId).sort());
    for (const group of groups) {
      const row = rows.find((r) => r['Resource Id'] === group.resourceId);
      expect(row?.Name).toBe(group.name);
      expect(Number(row?.['Company Count'])).toBe(
        stack.keepnet.state.groupMemberIds(group.resourceId).length,
      );
    }
    expect(result).toMatchObject({
      bucket: bucket(),
      bytes: bytes.length,
      rows: groups.length,
      checksum: sha256(bytes),
      contentType: 'text/csv; charset=utf-8',
      sourceRequest: 'POST /api/company-groups/search/export',
    });

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: result.key }));
    expect(head.ContentType).toBe('text/csv; charset=utf-8');
    expect(head.ContentDisposition).toBe('attachment; filename="groups-20261128T020000.000Z.csv"');
    expect(head.Metadata).toMatchObject({
      job: 'groups',
      'export-type': 'CSV',
      'source-request': 'POST /api/company-groups/search/export',
      'scheduled-time': '2026-11-28T02:00:00.000Z',
    });
    // s3rver ignores both; what S3 is asked for is checked on the wire.
    const put = sent.find((s) => s.key === result.key && /PutObject|CreateMultipartUpload/.test(s.command));
    expect(put?.headers['x-amz-server-side-encryption']).toBe('AES256');
    // One per-request checksum (CRC32); the SHA-256 is ours, over the whole object, in the result.
    expect(put?.headers['x-amz-checksum-crc32'] ?? put?.headers['x-amz-checksum-algorithm']).toBeDefined();
    expect(put?.headers['x-amz-checksum-sha256']).toBeUndefined();
    // Hashed once (ours): the payload goes unsigned to a TLS or loopback endpoint, S3 checks the CRC32.
    const bodies = sent.filter((s) => s.key === result.key && /PutObject|UploadPart/.test(s.command));
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
  });

  it('keeps on-demand exports apart: millisecond timestamps, and the request id when given', async () => {
    const job = { what: 'groups', format: 'CSV', name: 'now' } as const;
    const at = (iso: string, requestId?: string) =>
      runExportJob(job, context({ prefix: 'now/', scheduledTime: new Date(iso), requestId }));
    const [first, second, sameMs] = await Promise.all([
      at('2026-11-28T10:15:30.001Z'),
      at('2026-11-28T10:15:30.002Z'),
      at('2026-11-28T10:15:30.002Z', 'req-42'),
    ]);
    expect([first.key, second.key, sameMs.key]).toEqual([
      'now/now/date=2026-11-28/now-20261128T101530.001Z.csv',
      'now/now/date=2026-11-28/now-20261128T101530.002Z.csv',
      'now/now/date=2026-11-28/now-20261128T101530.002Z-req-42.csv',
    ]);
    expect(await keysUnder('now/')).toEqual([first.key, second.key, sameMs.key].sort());
    await expect(at('2026-11-28T10:15:30.003Z', '../x')).rejects.toThrow(/requestId: must be 1-64 letters/);
  });

  it('asks for SSE-KMS when a key is configured', async () => {
    const result = await runExportJob(
      { what: 'groups', format: 'CSV', name: 'groups-kms' },
      context({ prefix: 'kms/', kmsKeyId: 'alias/exports' }),
    );
    const put = sent.find((s) => s.key === result.key && /PutObject|CreateMultipartUpload/.test(s.command));
    expect(put?.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(put?.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/exports');
  });

  it("streams one group's members as a real .xlsx holding Keepnet's rows", async () => {
    const state = stack.keepnet.state;
    const eu = state.groupByName('EU Customers')!;
    const awkward = state.companyByName(AWKWARD_COMPANY_NAME)!;
    state.setGroupMembers(eu.resourceId, [
      ...new Set([...state.groupMemberIds(eu.resourceId), awkward.resourceId]),
    ]);

    const result = await runExportJob(
      { what: 'group-members', groupId: eu.resourceId, format: 'Excel' },
      context({ prefix: 'xlsx/' }),
    );

    expect(result.key).toBe(
      `xlsx/group-members-${eu.resourceId}/date=2026-11-28/group-members-${eu.resourceId}-20261128T020000.000Z.xlsx`,
    );
    expect(result.rows).toBe(state.groupMemberIds(eu.resourceId).length); // worksheet rows after the header
    const bytes = await getBytes(result.key);
    expect(result.checksum).toBe(sha256(bytes));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map(String);
    const header = values(1);
    const idColumn = header.indexOf('Company Resource Id');
    const nameColumn = header.indexOf('Company Name');
    const dataRows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => values(i + 2));
    expect(dataRows.map((r) => r[idColumn]).sort()).toEqual([...state.groupMemberIds(eu.resourceId)].sort());
    expect(dataRows.find((r) => r[idColumn] === awkward.resourceId)?.[nameColumn]).toBe(AWKWARD_COMPANY_NAME);
  });

  it('refuses all-group-members, which is one file per group', async () => {
    await expect(runExportJob({ what: 'all-group-members', format: 'CSV' }, context())).rejects.toThrow(
      /all-group-members.*runScheduledExport/,
    );
  });
});

describe('runExportJob failures leave nothing behind', () => {
  const job = { what: 'groups', format: 'CSV', name: 'faulty' } as const;
  const route = 'POST /api/company-groups/search/export';

  it('keeps the existing object when the API answers 500', async () => {
    const ctx = context({ prefix: 'fault-500/' });
    const good = await runExportJob(job, ctx);
    const before = await getBytes(good.key);
    stack.keepnet.injectFaults({ kind: 'server-error', route, times: Number.POSITIVE_INFINITY });

    await expect(runExportJob(job, ctx)).rejects.toThrow(/500|server/i);
    expect(await getBytes(good.key)).toEqual(before);
    expect(await keysUnder('fault-500/')).toEqual([good.key]);
  });

  it('writes nothing when the connection is reset', async () => {
    stack.keepnet.injectFaults({ kind: 'connection-reset', route, times: Number.POSITIVE_INFINITY });
    await expect(runExportJob(job, context({ prefix: 'fault-reset/' }))).rejects.toThrow(KeepnetNetworkError);
    expect(sent).toEqual([]); // the upload never began
    expect(await keysUnder('fault-reset/')).toEqual([]);
  });

  it('aborts the multipart upload when a large body is cut mid-stream', async () => {
    stack.keepnet.configure({ syntheticExport: { bytes: 14 * MiB } });
    stack.keepnet.injectFaults({ kind: 'truncated-body', route, truncateAt: 0.8 });
    const ctx = context({ prefix: 'fault-truncated/', partSize: 5 * MiB, queueSize: 2 });

    await expect(runExportJob(job, ctx)).rejects.toThrow(
      /faulty → s3:.*: export body broke off after \d+ bytes \(other side closed\); upload aborted/,
    );

    const key = 'fault-truncated/faulty/date=2026-11-28/faulty-20261128T020000.000Z.csv';
    const commands = commandsFor(key);
    expect(commands).toContain('UploadPartCommand'); // it really was under way…
    expect(commands).toContain('AbortMultipartUploadCommand'); // …and was aborted,
    expect(commands).not.toContain('CompleteMultipartUploadCommand'); // never completed,
    expect(await keysUnder('fault-truncated/')).toEqual([]); // so no object exists.
  });

  it('writes nothing when a small body is cut before its end', async () => {
    stack.keepnet.injectFaults({ kind: 'truncated-body', route, truncateAt: 0.5 });
    await expect(runExportJob(job, context({ prefix: 'fault-short/' }))).rejects.toThrow(
      ExportInterruptedError,
    );
    expect(sent.map((s) => s.command)).toEqual([]); // below one part: the single PutObject is never sent
    expect(await keysUnder('fault-short/')).toEqual([]);
  });

  it('stops at the deadline passed in the context', async () => {
    stack.keepnet.configure({ syntheticExport: { bytes: 400 * MiB } });
    const ctx = context({
      prefix: 'deadline-ctx/',
      partSize: 5 * MiB,
      queueSize: 1,
      deadline: Date.now() + 1_000,
    });
    // Far more than a second's worth of bytes. On a loaded machine the deadline may even pass before the
    // reply's headers: then the client reports it (KeepnetTimeoutError); either way nothing is written.
    await expect(runExportJob(job, ctx)).rejects.toThrow(/deadline/);
    expect(sent.map((s) => s.command)).not.toContain('CompleteMultipartUploadCommand');
    expect(await keysUnder('deadline-ctx/')).toEqual([]);
  });

  it('stops at the deadline and aborts the upload instead of running over', async () => {
    stack.keepnet.configure({ syntheticExport: { bytes: 40 * MiB } });
    const ctx = context({ prefix: 'deadline/', partSize: 5 * MiB, queueSize: 1 });
    // Wait for the upload to be under way, then give it no time left.
    const deadline = new Promise<number>((resolve) => {
      const poll = setInterval(() => {
        if (sent.some((s) => s.command === 'UploadPartCommand')) {
          clearInterval(poll);
          resolve(Date.now());
        }
      }, 5);
    });
    const controller = new AbortController();
    void deadline.then(() => controller.abort(new ExportDeadlineError('export faulty')));

    await expect(runExportJob(job, { ...ctx, signal: controller.signal })).rejects.toThrow(
      ExportDeadlineError,
    );
    expect(sent.map((s) => s.command)).toContain('AbortMultipartUploadCommand');
    expect(await keysUnder('deadline/')).toEqual([]);
  });

  it('does not start when the deadline has already passed', async () => {
    await expect(runExportJob(job, context({ prefix: 'late/', deadline: Date.now() - 1 }))).rejects.toThrow();
    expect(await keysUnder('late/')).toEqual([]);
  });
});
