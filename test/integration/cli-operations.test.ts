// The CLI's group writes as operations (issue 11), against a real local system: the same
// bootLocalSystem `npm start` uses (Keepnet simulator, Secrets Manager, s3rver, SQS FIFO), with the real
// onboarding-worker handler consuming the queue as Lambda's event source mapping would. The CLI attaches
// to it with --local through the running-system file, exactly as it attaches to `npm start -- --serve`,
// and reaches it only over HTTP through the real AWS SDK clients.
import { DEFAULT_OPERATIONS_PREFIX } from '../../lib/operations/config';
import { type OperationRecord, OperationRecordSchema } from '../../lib/operations/operation';
import type { LocalSystem } from '../../local/runner/local-system';
import {
  type CliRunOptions,
  type CliSystem,
  type CliRun as Run,
  startCliSystem,
} from '../support/cli-system';

let world: CliSystem;
let system: LocalSystem;
const cli = (argv: string[], options?: CliRunOptions): Promise<Run> => world.cli(argv, options);

const sim = () => system.simulator;
const groupId = (name: string) => sim().state.groupByName(name)!.resourceId;
const memberIds = (name: string) => [...sim().state.groupMemberIds(groupId(name))].sort();
const outsiders = (group: string, n: number) => {
  const inside = new Set(memberIds(group));
  return sim()
    .state.companies()
    .map((c) => c.resourceId)
    .filter((id) => !inside.has(id))
    .slice(0, n);
};
const record = (run: Run): OperationRecord =>
  OperationRecordSchema.omit({ requestHash: true }).parse(JSON.parse(run.stdout)) as OperationRecord;

beforeAll(async () => {
  world = await startCliSystem({ tag: 'cli-operations', companies: 20 });
  system = world.system;
}, 30_000);

afterAll(async () => {
  await world?.close();
});

describe('member writes are queued operations, applied by the worker', () => {
  it('add waits for the worker and prints what it did; every member is kept where the API replaces', async () => {
    sim().configure({ participantsMode: 'replace' });
    const before = memberIds('Finance');
    const [x, y] = outsiders('Finance', 2);
    const run = await cli(['members', 'add', 'Finance', x!, `${y},${before[0]}`]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(
      new RegExp(
        `^add: group ${groupId('Finance')} "Finance": 2 added, 1 already so \\(operation op_[0-9a-f]{32}\\)\\n$`,
      ),
    );
    // Not a TTY: plain progress lines, no carriage returns.
    expect(run.stderr).not.toContain('\r');
    expect(memberIds('Finance')).toEqual([...before, x!, y!].sort());
  });

  it('remove takes out only the companies named', async () => {
    const before = memberIds('Finance');
    const run = await cli(['members', 'remove', groupId('Finance'), before[0]!]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 removed, 0 already so');
    expect(memberIds('Finance')).toEqual(before.slice(1));
  });

  it('set needs --yes, then makes the membership exactly the list', async () => {
    const [x] = outsiders('Finance', 1);
    const keep = memberIds('Finance')[0]!;
    const refused = await cli(['members', 'set', 'Finance', x!, keep]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    const run = await cli(['members', 'set', 'Finance', x!, keep, '--yes', '--json']);
    expect(run.code).toBe(0);
    const settled = record(run);
    expect(settled).toMatchObject({ status: 'succeeded', source: 'cli', change: { kind: 'set' } });
    expect(settled.result?.added).toEqual([x]);
    expect(settled.result?.alreadySo).toEqual([keep]);
    expect(memberIds('Finance')).toEqual([x!, keep].sort());
  });

  it('--mode is accepted for old scripts, ignored with a warning', async () => {
    const [x] = outsiders('EU Customers', 1);
    const run = await cli(['members', 'add', 'EU Customers', x!, '--mode', 'additive']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('--mode is ignored');
    expect(memberIds('EU Customers')).toContain(x);
  });

  it('--no-wait prints only the id; `operations get --wait` then settles it', async () => {
    const [x] = outsiders('EU Customers', 1);
    const queued = await cli(['members', 'add', 'EU Customers', x!, '--no-wait']);
    expect(queued.code).toBe(0);
    const id = queued.stdout.trim();
    expect(id).toMatch(/^op_[0-9a-f]{32}$/);
    expect(queued.stderr).toContain(`operations get ${id} --wait`);

    const waited = await cli(['operations', 'get', id, '--wait', '--json']);
    expect(waited.code).toBe(0);
    expect(record(waited)).toMatchObject({
      operationId: id,
      status: 'succeeded',
      result: { added: [x] },
    });
    expect(memberIds('EU Customers')).toContain(x);
    const text = await cli(['operations', 'get', id]);
    expect(text.stdout).toBe(
      `add: group ${groupId('EU Customers')}: 1 added, 0 already so (operation ${id})\n`,
    );
  });

  it('an Idempotency-Key makes a retried command the same operation', async () => {
    const [x] = outsiders('Finance', 1);
    const argv = ['members', 'add', 'Finance', x!, '--idempotency-key', 'ticket-4711', '--json'];
    const first = record(await cli(argv));
    const again = record(await cli(argv));
    expect(again.operationId).toBe(first.operationId);
    expect(again.result).toEqual(first.result);
    const conflict = await cli([
      'members',
      'add',
      'Finance',
      outsiders('Finance', 1)[0]!,
      '--idempotency-key',
      'ticket-4711',
    ]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('already used for a different request');
  });

  it('companies Keepnet refuses are listed, and the command exits 5', async () => {
    const run = await cli(['members', 'add', 'Finance', 'NoSuchCompny']);
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/0 added, 0 already so, 1 refused/);
    expect(run.stdout).toMatch(/ {2}refused NoSuchCompny: .+/);
    expect(run.stderr).toContain('Keepnet refused 1 of the companies: NoSuchCompny');
  });
});

describe('rename is a queued operation', () => {
  it('keeps the members, also those of an add queued just before it, even where an update without members would clear them', async () => {
    sim().configure({ updateWithoutMembers: 'clear' });
    const id = groupId('Pilot Programme');
    const before = memberIds('Pilot Programme');
    const [x, y] = outsiders('Pilot Programme', 2);
    // Queued, not yet applied: the rename behind it in the group's FIFO order must not lose them.
    const add = await cli(['members', 'add', id, x!, y!, '--no-wait']);
    const run = await cli(['groups', 'rename', 'Pilot Programme', 'Pilot wave 2']);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(
      new RegExp(`^rename: group ${id} "Pilot Programme": renamed to "Pilot wave 2" \\(operation op_`),
    );
    expect((await cli(['operations', 'get', add.stdout.trim(), '--wait'])).code).toBe(0);
    expect(sim().state.group(id)?.name).toBe('Pilot wave 2');
    expect(memberIds('Pilot wave 2')).toEqual([...before, x!, y!].sort());
  });

  it('a name another group has: the operation fails and the command exits 1 with the reason', async () => {
    const id = groupId('Finance');
    const run = await cli(['groups', 'rename', 'Finance', 'eu customers', '--json']);
    expect(run.code).toBe(1);
    const failed = record(run);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'RENAME_REFUSED' } });
    expect(run.stderr).toMatch(/failed, RENAME_REFUSED: .*already exists/);
    expect(sim().state.group(id)?.name).toBe('Finance');
  });

  it('checks the new name before queueing anything', async () => {
    const run = await cli(['groups', 'rename', 'Finance', 'x'.repeat(65)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1..64 characters');
  });
});

describe('operations get, waiting and configuration', () => {
  it('a record still pending when --timeout runs out exits 6 with the id; a spinner only on a terminal', async () => {
    // A pending record nobody queued: it can only time out.
    const { OperationStore } = await import('../../lib/operations/store');
    const { S3Client } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({ endpoint: system.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
    const store = new OperationStore(s3, {
      bucket: system.env.OPERATIONS_BUCKET!,
      prefix: DEFAULT_OPERATIONS_PREFIX,
    });
    const id = `op_${'7'.repeat(32)}`;
    const at = new Date().toISOString();
    await store.put({
      operationId: id,
      status: 'pending',
      groupId: groupId('Finance'),
      change: { kind: 'add', companyResourceIds: [outsiders('Finance', 1)[0]!] },
      source: 'test',
      requestedAt: at,
      updatedAt: at,
      requestHash: 'x',
    });
    s3.destroy();

    const plain = await cli(['operations', 'get', id, '--wait', '--timeout', '1']);
    expect(plain.code).toBe(6);
    expect(plain.stderr).toContain(`${id}: pending; waiting up to 1 s`);
    expect(plain.stderr).toContain(`operation ${id} still pending after 1 s`);
    expect(plain.stderr).not.toContain('\r');

    const tty = await cli(['operations', 'get', id, '--wait', '--timeout', '1'], { tty: true });
    expect(tty.code).toBe(6);
    expect(tty.stderr).toMatch(new RegExp(`^\\r. ${id}: pending \\(0 s\\)`));
    // The spinner line is cleared before the error is printed.
    expect(tty.stderr).toContain('\r\x1b[Kkeepnet-groups: error: operation');

    const now = await cli(['operations', 'get', id]);
    expect(now).toMatchObject({ code: 0, stdout: expect.stringContaining(': pending (operation') });
  });

  it('an unknown operation exits 2, a malformed id 1', async () => {
    expect((await cli(['operations', 'get', `op_${'0'.repeat(32)}`])).code).toBe(2);
    const bad = await cli(['operations', 'get', 'op_nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('op_ and 32 hex digits');
  });

  it('without ONBOARDING_QUEUE_URL a write names both variables and npm start -- --serve, exit 3', async () => {
    const before = memberIds('Finance');
    const { ONBOARDING_QUEUE_URL: _queue, ...rest } = system.env;
    const run = await cli(['members', 'add', groupId('Finance'), outsiders('Finance', 1)[0]!], {
      local: false,
      env: { ...rest, ONBOARDING_QUEUE_URL: '' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /ONBOARDING_QUEUE_URL and OPERATIONS_BUCKET \(missing: ONBOARDING_QUEUE_URL\)/,
    );
    expect(run.stderr).toContain('npm start -- --serve');
    expect(memberIds('Finance')).toEqual(before);
  });
});
