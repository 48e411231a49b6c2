// A model test of the single writer: random sequences of add / remove / set / rename operations on a
// few groups, cut into random SQS batches, applied by the worker against the simulator in every
// combination of API reading and participants mode. Whatever the interleaving, each group ends exactly
// as a reference model says, and each operation reports what the model says it did.
import { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import type { KeepnetClient } from '../../lib/keepnet/client';
import { planChanges } from '../../lib/membership';
import { GroupResolver } from '../../lib/onboarding/group-resolver';
import { onboardBatch, type WorkerDeps } from '../../lib/onboarding/worker';
import { operationStoreFromEnv } from '../../lib/operations/config';
import type { GroupChange } from '../../lib/operations/operation';
import { type Emulators, startEmulators } from '../../local/emulators';
import { resellerClient } from '../../local/keepnet-simulator/reseller-client';
import { sqsFifoRecord } from '../support/factories';

const GROUPS = 3;
const COMPANIES = 8;

let stack: Emulators;
let restoreEnv: () => void;
let client: KeepnetClient;
let companies: string[];

beforeAll(async () => {
  stack = await startEmulators({ simulator: { seed: { companies: COMPANIES } } });
  restoreEnv = stack.applyEnv();
  client = resellerClient(stack.keepnet);
  companies = stack.keepnet.state.companies().map((c) => c.resourceId);
});
afterAll(async () => {
  await client.close();
  restoreEnv();
  await stack.close();
});

const idsArb = fc.uniqueArray(fc.integer({ min: 0, max: COMPANIES - 1 }), { maxLength: 5 });
const opArb = fc.record({
  group: fc.integer({ min: 0, max: GROUPS - 1 }),
  change: fc.oneof(
    fc.record({ kind: fc.constant('add' as const), ids: idsArb.filter((a) => a.length > 0) }),
    fc.record({ kind: fc.constant('remove' as const), ids: idsArb.filter((a) => a.length > 0) }),
    fc.record({ kind: fc.constant('set' as const), ids: idsArb }),
    fc.record({ kind: fc.constant('rename' as const) }),
  ),
});

let run = 0;

it('ends every group as the model says, in every API reading and mode, for any interleaving', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 1, maxLength: 14 }),
      fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 14, maxLength: 14 }),
      fc.constantFrom('replace' as const, 'additive' as const),
      fc.constantFrom('union' as const, 'additive' as const),
      async (ops, batchSizes, api, mode) => {
        run++;
        stack.keepnet.configure({ participantsMode: api });
        const groups = Array.from(
          { length: GROUPS },
          (_, g) => stack.keepnet.state.addGroup(`Model ${run}-${g}`, companies.slice(g, g + 3)).resourceId,
        );
        const model = groups.map((id) => new Set(stack.keepnet.state.groupMemberIds(id)));
        const names = groups.map((_, g) => `Model ${run}-${g}`);
        let renames = 0;

        const messages = ops.map((op, index) => {
          const change: GroupChange =
            op.change.kind === 'rename'
              ? { kind: 'rename', name: `Model ${run}-${op.group} r${++renames}` }
              : { kind: op.change.kind, companyResourceIds: op.change.ids.map((i) => companies[i]!) };
          return {
            group: op.group,
            change,
            record: sqsFifoRecord({
              body: {
                v: 2,
                operationId: `op_${String(run).padStart(8, '0')}${String(index).padStart(24, '0')}`,
                groupId: groups[op.group],
                change,
                source: 'test',
                requestedAt: new Date().toISOString(),
              },
              messageGroupId: `group-${groups[op.group]}`,
            }),
          };
        });

        // The expected outcome of each operation, by folding the model in queue order.
        const expected = messages.map(({ group, change }) => {
          if (change.kind === 'rename') {
            names[group] = change.name;
            return { renamedTo: change.name };
          }
          const { target, outcomes } = planChanges(
            [...model[group]!],
            [{ kind: change.kind, companyIds: change.companyResourceIds }],
          );
          model[group] = new Set(target);
          const { added, removed, alreadySo } = outcomes[0]!;
          return { added: added.sort(), removed: removed.sort(), alreadySo: alreadySo.sort() };
        });

        const deps: WorkerDeps = {
          client,
          resolver: new GroupResolver(client),
          sqs: new SQSClient({}),
          queueUrl: 'http://127.0.0.1:9/unused',
          mode,
          store: operationStoreFromEnv(stack.env)!,
        };
        let start = 0;
        for (const size of batchSizes) {
          const batch = messages.slice(start, start + size);
          start += size;
          if (batch.length === 0) break;
          const outcomes = await onboardBatch(
            batch.map((m) => m.record),
            deps,
          );
          for (const [offset, message] of batch.entries()) {
            const outcome = outcomes.get(message.record.messageId);
            if (!outcome?.ok || outcome.action !== 'applied')
              throw new Error(`not applied: ${JSON.stringify(outcome)}`);
            const want = expected[start - size + offset]!;
            const got =
              message.change.kind === 'rename'
                ? { renamedTo: outcome.operation.renamedTo }
                : {
                    added: [...outcome.operation.added].sort(),
                    removed: [...outcome.operation.removed].sort(),
                    alreadySo: [...outcome.operation.alreadySo].sort(),
                  };
            expect(got).toEqual(want);
          }
        }
        groups.forEach((id, g) => {
          expect(stack.keepnet.state.groupMemberIds(id).sort()).toEqual([...model[g]!].sort());
          expect(stack.keepnet.state.group(id)?.name).toBe(names[g]);
        });
      },
    ),
    { numRuns: 25 },
  );
}, 60_000);
