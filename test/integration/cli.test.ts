// The operator CLI against the local Keepnet simulator, Secrets Manager, s3rver and SQS, over HTTP.
// Commands run in-process through runCli (same code as the bin, minus process.exit); one test runs the
// real bin as a child process with --local.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parse } from 'csv-parse/sync';
import type { Emulators } from '../../local/emulators';
import { type LocalSqs, startSqs } from '../../local/sqs-fifo';
import { type CliRun, runCliCaptured, startCliStack } from './cli-harness';

type Run = CliRun;

let stack: Emulators;
let workDir: string;
let credentialsEnv: Record<string, string>;

function cli(argv: string[], env: Record<string, string | undefined> = credentialsEnv): Promise<Run> {
  return runCliCaptured(argv, env, workDir);
}

async function json<T>(argv: string[]): Promise<T> {
  const run = await cli([...argv, '--json']);
  expect(run).toMatchObject({ code: 0 });
  return JSON.parse(run.stdout) as T;
}

const sim = () => stack.keepnet;
const groupId = (name: string) => sim().state.groupByName(name)!.resourceId;
const memberIds = (name: string) => sim().state.groupMemberIds(groupId(name));

let close: () => Promise<void>;
beforeAll(async () => {
  ({ stack, workDir, credentialsEnv, close } = await startCliStack('keepnet-cli-'));
});

afterAll(async () => {
  await close?.();
});

beforeEach(() => {
  sim().reset();
  sim().clearFaults();
});

describe('help, usage and configuration', () => {
  it('prints help with the commands and the exit codes, exit 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['groups', 'members', 'export', 'dlq']) expect(run.stdout).toContain(command);
    expect(run.stdout).toContain('Exit codes:');
    const sub = await cli(['members', 'add', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--mode <mode>');
  });

  it('rejects an unknown command and a malformed company id with exit 1, before calling Keepnet', async () => {
    expect((await cli(['grups', 'list'])).code).toBe(1);
    const bad = await cli(['members', 'add', 'Finance', 'not-an-id']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"not-an-id" is not a Keepnet resource id');
    expect(sim().counts()).toEqual({});
  });

  it('without credentials says what to set, exit 3', async () => {
    const run = await cli(['groups', 'list'], { KEEPNET_CLIENT_ID: '', KEEPNET_CLIENT_SECRET: '' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET.*--secret-id.*--local/);
  });

  it('refused credentials exit 3 and the secret is never printed', async () => {
    const run = await cli(['groups', 'list'], {
      ...credentialsEnv,
      KEEPNET_CLIENT_SECRET: 'wrong-secret-value',
    });
    expect(run.code).toBe(3);
    expect(run.stderr + run.stdout).not.toContain('wrong-secret-value');
  });

  it('a non-Reseller credential (403) exits 3', async () => {
    const { clientId, clientSecret } = sim().credentials.nonReseller;
    const run = await cli(['groups', 'list'], {
      ...credentialsEnv,
      KEEPNET_CLIENT_ID: clientId,
      KEEPNET_CLIENT_SECRET: clientSecret,
    });
    expect(run.code).toBe(3);
  });

  it('reads the credentials from a Secrets Manager secret with --secret-id', async () => {
    const run = await cli(['--secret-id', stack.env.KEEPNET_SECRET_ID!, 'groups', 'list', '--json'], {
      KEEPNET_CLIENT_ID: '',
      KEEPNET_CLIENT_SECRET: '',
      KEEPNET_BASE_URL: '',
    });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as unknown[]).length).toBe(sim().state.groups().length);
    expect((await cli(['--secret-id', 'no/such/secret', 'groups', 'list'], {})).code).toBe(3);
  });

  it('Keepnet failing after retries exits 4', async () => {
    sim().injectFaults({
      kind: 'server-error',
      route: 'GET /api/company-groups',
      times: Number.POSITIVE_INFINITY,
    });
    const run = await cli(['groups', 'list']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('GET /api/company-groups');
  });
});

describe('groups', () => {
  it('list and search print every group, as a table or JSON', async () => {
    const list = await json<{ resourceId: string; name: string }[]>(['groups', 'list']);
    expect(list.map((g) => g.name).sort()).toEqual(
      sim()
        .state.groups()
        .map((g) => g.name)
        .sort(),
    );
    const table = await cli(['groups', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^RESOURCE ID\s+NAME\s+COMPANIES/);
    expect(table.stdout).toContain(groupId('Finance'));

    const found = await json<{ name: string }[]>(['groups', 'search', 'custom']);
    expect(found.map((g) => g.name)).toEqual(['EU Customers']);
  });

  it('get finds a group by id or by name (any case); an unknown one exits 2', async () => {
    const byName = await json<{ resourceId: string }>(['groups', 'get', 'eu customers']);
    expect(byName.resourceId).toBe(groupId('EU Customers'));
    const byId = await json<{ name: string }>(['groups', 'get', groupId('Finance')]);
    expect(byId.name).toBe('Finance');
    const missing = await cli(['groups', 'get', 'No Such Group']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no group with id or name "No Such Group"');
  });

  it('get fills the CREATED column by id and by name alike (search says createTime, get says addedTime)', async () => {
    const created = sim().state.group(groupId('EU Customers'))!.createTime;
    for (const ref of ['EU Customers', groupId('EU Customers')]) {
      const run = await cli(['groups', 'get', ref]);
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[1]).toMatch(new RegExp(`EU Customers\\s+\\d+\\s+${created}$`));
    }
  });

  it('create makes the group with its first members; a duplicate name exits 1', async () => {
    const [a, b] = sim().state.companies();
    const created = await json<{ resourceId: string }>([
      'groups',
      'create',
      'Night Shift',
      '--members',
      `${a!.resourceId},${b!.resourceId}`,
    ]);
    expect(sim().state.group(created.resourceId)?.name).toBe('Night Shift');
    expect(sim().state.groupMemberIds(created.resourceId).sort()).toEqual(
      [a!.resourceId, b!.resourceId].sort(),
    );
    const duplicate = await cli(['groups', 'create', 'night shift']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    expect((await cli(['groups', 'create', 'x'.repeat(65)])).code).toBe(1);
  });

  // rename is a queued group operation: tested against a running worker in cli-operations.test.ts.

  it('delete needs --yes, then removes the group', async () => {
    const id = groupId('Pilot Programme');
    const refused = await cli(['groups', 'delete', 'Pilot Programme']);
    expect(refused.code).toBe(1);
    expect(sim().state.group(id)).toBeDefined();
    expect((await cli(['groups', 'delete', id, '--yes'])).code).toBe(0);
    expect(sim().state.group(id)).toBeUndefined();
  });

  it('delete --json prints what it deleted', async () => {
    const created = sim().state.addGroup('Short lived');
    const result = await json<{ deleted: { resourceId: string; name: string }[] }>([
      'groups',
      'delete',
      created.resourceId,
      '--yes',
      '--json',
    ]);
    expect(result.deleted).toEqual([{ resourceId: created.resourceId, name: 'Short lived' }]);
  });
});

describe('members', () => {
  it('list prints the members of a group', async () => {
    const list = await json<{ companyResourceId: string }[]>(['members', 'list', 'Finance']);
    expect(list.map((m) => m.companyResourceId).sort()).toEqual([...memberIds('Finance')].sort());
  });

  // add / remove / set are queued group operations applied by the onboarding worker: tested against a
  // running worker in cli-operations.test.ts. Here: they never write to Keepnet themselves.
  it('writes without the onboarding queue configured exit 3 and leave Keepnet untouched', async () => {
    const before = memberIds('Finance');
    const other = sim()
      .state.companies()
      .find((c) => !before.includes(c.resourceId))!.resourceId;
    const calls = sim().counts();
    const run = await cli(['members', 'add', 'Finance', other], {
      ...credentialsEnv,
      ONBOARDING_QUEUE_URL: '',
      OPERATIONS_BUCKET: '',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('missing: ONBOARDING_QUEUE_URL, OPERATIONS_BUCKET');
    expect(memberIds('Finance')).toEqual(before);
    // Checked before the group is even resolved: no Keepnet call at all.
    expect(sim().counts()).toEqual(calls);
  });
});

describe('export', () => {
  it('writes the groups list as CSV to a file and reports the byte count', async () => {
    const run = await cli(['export', '--format', 'csv', '--output', 'groups.csv']);
    expect(run.code).toBe(0);
    const text = await readFile(join(workDir, 'groups.csv'), 'utf8');
    expect(run.stdout).toContain(`wrote ${Buffer.byteLength(text)} bytes`);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(sim().state.groups().length);
  });

  it("writes a group's companies as an Excel workbook", async () => {
    const run = await cli(['export', 'Finance', '-f', 'excel', '-o', 'finance.xlsx', '--json']);
    expect(run.code).toBe(0);
    const file = await readFile(join(workDir, 'finance.xlsx'));
    expect(file.subarray(0, 2).toString()).toBe('PK'); // a zip container, as .xlsx is
    expect(JSON.parse(run.stdout)).toMatchObject({ bytes: file.length });
    expect(run.stderr).toContain('exporting group "Finance"');
  });

  it('streams to s3://bucket/key', async () => {
    const key = 'cli/groups.csv';
    const run = await cli(['export', '-f', 'csv', '-o', `s3://${stack.env.EXPORT_BUCKET}/${key}`, '--json']);
    expect(run.code).toBe(0);
    const s3 = new S3Client(stack.s3.clientConfig());
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.env.EXPORT_BUCKET, Key: key }));
    const body = await object.Body!.transformToString();
    s3.destroy();
    expect(JSON.parse(run.stdout)).toMatchObject({ bytes: Buffer.byteLength(body) });
    expect(body.split('\n')[0]).toContain('Name');
  });

  it('a truncated export leaves no file behind and exits non-zero', async () => {
    sim().injectFaults({
      kind: 'truncated-body',
      route: 'POST /api/company-groups/search/export',
      times: Number.POSITIVE_INFINITY,
    });
    const run = await cli(['export', '-f', 'csv', '-o', 'truncated.csv']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 4,
      stderr: expect.stringContaining('truncated'),
    });
    expect((await readdir(workDir)).filter((f) => f.startsWith('truncated'))).toEqual([]);
  });

  it.each([
    ['CSV', 'csv', { framing: 'chunked', at: 'record' }, /expected \d+ records, got \d+/],
    ['xlsx', 'excel', { framing: 'content-length' }, /no end-of-central-directory record/],
  ] as const)(
    'a %s body cut short but framed as complete leaves no file and exits 5',
    async (_n, format, short, why) => {
      sim().configure({ quirks: { shortExport: short } });
      try {
        const run = await cli(['export', '-f', format, '-o', `short-${format}`]);
        expect(run.code).toBe(5);
        expect(run.stderr).toMatch(why);
      } finally {
        sim().configure({ quirks: {} });
      }
      expect((await readdir(workDir)).filter((f) => f.startsWith('short-'))).toEqual([]);
    },
  );
});

describe('dlq', () => {
  let sqs: LocalSqs;
  let queueUrl: string;
  let dlqUrl: string;
  let client: SQSClient;
  // No Keepnet credentials: the dlq commands must not need them.
  const sqsEnv = () => ({
    KEEPNET_CLIENT_ID: '',
    KEEPNET_CLIENT_SECRET: '',
    AWS_ENDPOINT_URL_SQS: sqs.url,
    ONBOARDING_QUEUE_URL: queueUrl,
  });

  beforeAll(async () => {
    sqs = await startSqs();
    ({ queueUrl, dlqUrl } = sqs.createFifoQueueWithDlq('cli-onboarding.fifo'));
    client = new SQSClient({ endpoint: sqs.url });
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.close();
  });

  const deadLetter = async (body: object, group: string) =>
    (
      await client.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: JSON.stringify(body),
          MessageGroupId: group,
          MessageDeduplicationId: `${group}-${Math.random()}`,
        }),
      )
    ).MessageId!;

  it('lists and shows dead letters without consuming them, then redrives one', async () => {
    const first = await deadLetter(
      { v: 1, companyResourceId: 'AAAAAAAAAAAA', group: { name: 'EU' }, eventId: 'e1' },
      'g1',
    );
    const second = await deadLetter(
      { v: 1, companyResourceId: 'BBBBBBBBBBBB', group: { name: 'EU' }, eventId: 'e2' },
      'g2',
    );

    const list = await cli(['dlq', '--queue-url', dlqUrl, 'list', '--json'], sqsEnv());
    expect(list.code).toBe(0);
    const letters = JSON.parse(list.stdout) as {
      messageId: string;
      messageGroupId: string;
      body: { eventId: string };
    }[];
    expect(letters.map((l) => l.messageId).sort()).toEqual([first, second].sort());
    expect(letters.find((l) => l.messageId === first)).toMatchObject({
      messageGroupId: 'g1',
      body: { eventId: 'e1' },
    });
    expect(list.stdout).not.toContain('receiptHandle');
    // Listing released them: they are still there, visible.
    expect(sqs.messages(dlqUrl).filter((m) => !m.inFlight)).toHaveLength(2);

    const show = await cli(['dlq', '--queue-url', dlqUrl, 'show', second], sqsEnv());
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      messageId: second,
      body: { companyResourceId: 'BBBBBBBBBBBB' },
    });
    expect((await cli(['dlq', '--queue-url', dlqUrl, 'show', 'no-such-message'], sqsEnv())).code).toBe(2);

    const redrive = await cli(['dlq', '--queue-url', dlqUrl, 'redrive', first, '--json'], sqsEnv());
    expect(redrive.code).toBe(0);
    expect(JSON.parse(redrive.stdout)).toMatchObject({ target: queueUrl, moved: [first], failed: [] });
    expect(sqs.messages(dlqUrl).map((m) => m.messageId)).toEqual([second]);
    const moved = sqs.messages(queueUrl);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ groupId: 'g1' });
    expect(JSON.parse(moved[0]!.body)).toMatchObject({ eventId: 'e1' });
  });

  it('takes the short ids the docs show, and says what a listing does to the receive count', async () => {
    const id = await deadLetter({ v: 1, companyResourceId: 'CCCCCCCCCCCC', eventId: 'e3' }, 'g-short-ids');
    const receives = async () =>
      (
        JSON.parse((await cli(['dlq', '--queue-url', dlqUrl, 'list', '--json'], sqsEnv())).stdout) as {
          messageId: string;
          receiveCount: number;
        }[]
      ).find((l) => l.messageId === id)!.receiveCount;
    // SQS has no peek: each listing is a receive (count +1), released at once (nothing stays hidden).
    const once = await receives();
    expect(await receives()).toBe(once + 1);
    expect(sqs.messages(dlqUrl).every((m) => !m.inFlight)).toBe(true);

    const show = await cli(['dlq', '--queue-url', dlqUrl, 'show', `${id.slice(0, 8)}…`], sqsEnv());
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ messageId: id, body: { eventId: 'e3' } });
    const tooShort = await cli(['dlq', '--queue-url', dlqUrl, 'show', id.slice(0, 2)], sqsEnv());
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toContain('at least 4');

    const redrive = await cli(['dlq', '--queue-url', dlqUrl, 'redrive', id.slice(0, 8), '--json'], sqsEnv());
    expect(JSON.parse(redrive.stdout)).toMatchObject({ moved: [id], missing: [] });
    expect(sqs.messages(dlqUrl).map((m) => m.messageId)).not.toContain(id);
  });

  it('shows why the worker dead-lettered a message, and redrive strips those attributes but keeps the rest', async () => {
    const poisoned = (
      await client.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: JSON.stringify({ v: 1, companyResourceId: 'NoSuchCompany', eventId: 'e-poison' }),
          MessageGroupId: 'g4',
          MessageDeduplicationId: 'g4-poison',
          // As lib/onboarding/dead-letter.ts sets them, plus one of the sender's own.
          MessageAttributes: {
            DeadLetterReason: { DataType: 'String', StringValue: 'Keepnet: unknown company resource id' },
            DeadLetterErrorCode: { DataType: 'String', StringValue: 'COMPANY_REFUSED' },
            OriginalMessageId: { DataType: 'String', StringValue: 'orig-123' },
            ReceiveCount: { DataType: 'Number', StringValue: '3' },
            TraceId: { DataType: 'String', StringValue: 'trace-abc' },
          },
        }),
      )
    ).MessageId!;
    const details = {
      reason: 'Keepnet: unknown company resource id',
      errorCode: 'COMPANY_REFUSED',
      originalMessageId: 'orig-123',
      receiveCount: 3,
    };

    const table = await cli(['dlq', '--queue-url', dlqUrl, 'list'], sqsEnv());
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/ERROR CODE\s+ORIGINAL MESSAGE ID\s+FAILED AT RECEIVE\s+REASON\s+BODY$/);
    const row = rows.find((line) => line.startsWith(poisoned));
    expect(row).toMatch(/COMPANY_REFUSED\s+orig-123\s+3\s+Keepnet: unknown company resource id\s+\{/);

    const listed = JSON.parse(
      (await cli(['dlq', '--queue-url', dlqUrl, 'list', '--json'], sqsEnv())).stdout,
    ) as {
      messageId: string;
      deadLetter: unknown;
    }[];
    expect(listed.find((l) => l.messageId === poisoned)?.deadLetter).toEqual(details);
    // One SQS itself dead-lettered (no attributes): the same shape, deadLetter null.
    expect(listed.filter((l) => l.messageId !== poisoned).map((l) => l.deadLetter)).toEqual(
      listed.filter((l) => l.messageId !== poisoned).map(() => null),
    );
    const show = await cli(['dlq', '--queue-url', dlqUrl, 'show', poisoned], sqsEnv());
    expect(JSON.parse(show.stdout)).toMatchObject({ messageId: poisoned, deadLetter: details });
    expect(show.stdout).not.toContain('TraceId'); // raw attributes are not echoed, only the details

    const redrive = await cli(['dlq', '--queue-url', dlqUrl, 'redrive', poisoned, '--json'], sqsEnv());
    expect(JSON.parse(redrive.stdout)).toMatchObject({ moved: [poisoned], failed: [] });
    const copy = sqs.messages(queueUrl).find((m) => m.groupId === 'g4');
    expect(copy?.messageAttributes).toEqual({ TraceId: { DataType: 'String', StringValue: 'trace-abc' } });
  });

  it('redrive --all moves every message, also beyond the first receive of a busy message group', async () => {
    const before = sqs.messages(dlqUrl).length;
    for (let i = 0; i < 12; i++) {
      await deadLetter(
        { v: 1, companyResourceId: 'CCCCCCCCCCCC', group: { name: 'EU' }, eventId: `bulk-${i}` },
        'g3',
      );
    }
    const run = await cli(['dlq', '--queue-url', dlqUrl, 'redrive', '--all', '--json'], sqsEnv());
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { moved: string[] }).moved).toHaveLength(before + 12);
    expect(sqs.messages(dlqUrl)).toEqual([]);
    // Order within the message group is kept.
    const bulk = sqs
      .messages(queueUrl)
      .filter((m) => m.groupId === 'g3')
      .map((m) => (JSON.parse(m.body) as { eventId: string }).eventId);
    expect(bulk).toEqual(Array.from({ length: 12 }, (_, i) => `bulk-${i}`));
  });

  it('redrive needs ids or --all, and a dead-letter queue', async () => {
    expect((await cli(['dlq', '--queue-url', dlqUrl, 'redrive'], sqsEnv())).code).toBe(1);
    const noQueue = await cli(['dlq', 'list'], { ...sqsEnv(), ONBOARDING_DLQ_URL: '' });
    expect(noQueue.code).toBe(1);
    expect(noQueue.stderr).toContain('--queue-url');
    const noLocalSystem = await cli(['--local', 'dlq', 'list'], { ...sqsEnv(), KEEPNET_LOCAL_DIR: workDir });
    expect(noLocalSystem.code).toBe(3);
    expect(noLocalSystem.stderr).toContain('npm start -- --serve');
  });
});

describe('the bin', () => {
  it('runs with --local against an in-process simulator and exits 0', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bin/keepnet-groups.ts', '--local', 'groups', 'list', '--json'],
      // An empty data dir: never attach to a developer's running `npm start -- --serve`.
      {
        cwd: process.cwd(),
        env: { ...process.env, KEEPNET_CLIENT_ID: '', KEEPNET_CLIENT_SECRET: '', KEEPNET_LOCAL_DIR: workDir },
      },
    );
    const groups = JSON.parse(stdout) as { name: string }[];
    expect(groups.map((g) => g.name)).toContain('EU Customers');
    expect(stderr).toContain('local Keepnet simulator');
  }, 20_000);

  it('the package.json "bin" shim runs from any directory and exits 2 for an unknown group', async () => {
    const failure = await promisify(execFile)(
      process.execPath,
      [join(process.cwd(), 'bin/keepnet-groups.js'), '--local', 'groups', 'get', 'Nope'],
      { cwd: workDir, env: { ...process.env, KEEPNET_LOCAL_DIR: workDir } },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no group with id or name "Nope"'),
    });
  }, 20_000);
});
