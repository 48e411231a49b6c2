// Shared setup of the onboarding integration tests (not a test file): the local world (Keepnet
// simulator, Secrets Manager, S3 from local/emulators.ts; SQS FIFO from local/sqs-fifo), handlers loaded
// fresh per world, and helpers to read memberships.
import type { SendMessageCommandInput } from '@aws-sdk/client-sqs';
import type { CompanyCreatedDetail } from '../../lib/onboarding/company-created';
import { type Emulators, startEmulators } from '../../local/emulators';
import type { KeepnetSimulator } from '../../local/keepnet-simulator/types';
import {
  type OnboardingPipeline,
  type OnboardingPipelineOptions,
  startOnboardingPipeline,
} from '../../local/sqs-fifo';
import { companyCreatedEvent } from '../support/factories';

export const GROUP_RULES = JSON.stringify([
  { when: { industry: 'Finance' }, groups: ['Finance', 'Rule Made Group'] },
  { when: { tags: ['msp-gold', 'msp-platinum'] }, groups: ['Gold Partners'] },
]);
export const NEW_GROUPS = ['Brand New Group', 'Rule Made Group', 'Gold Partners'];

export interface World extends OnboardingPipeline {
  stack: Emulators;
  /** What the handlers logged at error level (their logger lives in their own module registry). */
  errors: { message: string; attributes: unknown }[];
  /** What is in the DLQ now, in arrival order, read back from the local SQS server (not consumed). */
  deadLetters(): DeadLetter[];
  /**
   * @deprecated Use `deadLetters()`. The DLQ's messages as SendMessage inputs (the worker sends only
   * dead letters), read back from the queue rather than spied on, kept so existing tests read the same.
   */
  readonly sentMessages: SendMessageCommandInput[];
}

export interface DeadLetter {
  body: string;
  group: string | undefined;
  /** Message attributes by name (string values; the worker sets DeadLetterReason, ...ErrorCode, ...). */
  attributes: Record<string, string | undefined>;
}

type Handlers = Awaited<ReturnType<NonNullable<OnboardingPipelineOptions['loadHandlers']>>>;

/** Boots the local world and loads both handlers fresh (a cold start) with its environment. */
export async function startWorld(
  api: 'replace' | 'additive',
  ours: 'union' | 'additive',
  visibilityTimeoutMs: number,
): Promise<World> {
  const stack = await startEmulators({ simulator: { participantsMode: api, seed: { companies: 30 } } });
  const errors: World['errors'] = [];
  const pipeline = await startOnboardingPipeline({
    env: stack.env,
    groupRules: GROUP_RULES,
    participantsMode: ours,
    visibilityTimeoutMs,
    loadHandlers: async () => {
      let handlers: Handlers | undefined;
      await jest.isolateModulesAsync(async () => {
        const { logger } = await import('../../lib/observability/powertools');
        jest.spyOn(logger, 'error').mockImplementation((message: unknown, ...rest: unknown[]) => {
          errors.push({ message: String(message), attributes: rest[0] });
        });
        handlers = {
          router: (await import('../../functions/onboarding-router/handler')).handler,
          worker: (await import('../../functions/onboarding-worker/handler')).handler,
        };
        // What the handlers load on first use, loaded here: in this registry, with the spy above.
        await (await import('../../lib/lazy')).loadDeferred();
      });
      return handlers!;
    },
  });
  const deadLetters = (): DeadLetter[] =>
    pipeline.sqs.messages(pipeline.dlqUrl).map((m) => ({
      body: m.body,
      group: m.groupId,
      attributes: Object.fromEntries(
        Object.entries(m.messageAttributes).map(([name, value]) => [name, value.StringValue]),
      ),
    }));
  return Object.defineProperties(Object.assign(pipeline, { stack, errors, deadLetters }), {
    sentMessages: {
      get: (): SendMessageCommandInput[] =>
        pipeline.sqs.messages(pipeline.dlqUrl).map((m) => ({
          QueueUrl: pipeline.dlqUrl,
          MessageBody: m.body,
          MessageGroupId: m.groupId,
          MessageDeduplicationId: m.deduplicationId,
          MessageAttributes: Object.fromEntries(
            Object.entries(m.messageAttributes).map(([name, { BinaryValue, ...rest }]) => [
              name,
              { ...rest, ...(BinaryValue ? { BinaryValue: Buffer.from(BinaryValue, 'base64') } : {}) },
            ]),
          ),
        })),
    },
  }) as World;
}

export async function stopWorld(world: World) {
  await world.close();
  await world.stack.close();
}

/** Kept here for the tests that import it with the world; defined in test/support/factories.ts. */
export { companyCreatedEvent };

export const groupIdByName = (keepnet: KeepnetSimulator, name: string) =>
  keepnet.state.groupByName(name)?.resourceId;

/** Every group's members, by group name. */
export function membership(keepnet: KeepnetSimulator): Map<string, Set<string>> {
  return new Map(
    keepnet.state.groups().map((g) => [g.name, new Set(keepnet.state.groupMemberIds(g.resourceId))]),
  );
}

export const drain = (world: World, concurrency = 4) => world.drain({ concurrency });

export interface ScenarioOutcome {
  /** "company in group" pairs that should be members and are not. */
  missing: string[];
  /** "company from group" members present before that are gone. */
  lost: string[];
  /** Groups named NEW_GROUPS found afterwards, per name (exactly one each expected). */
  newGroupCopies: number[];
  /** POST /api/company-groups requests. */
  creates: number;
  deadLetters: number;
  /** Whether each injected fault was met. */
  faultsMet: boolean[];
}

/**
 * 60 new companies × several groups: EU Customers by id in even events and by a differently spelt name
 * in odd ones; "Brand New Group" (missing) named by all; rule groups (one existing, two missing); a
 * group by id for every fifth. Events routed concurrently, then drained by 4 concurrent workers, under
 * injected 500s, 429s, a 503 on the group list and an expired token.
 */
export async function onboardSixtyCompanies(world: World): Promise<ScenarioOutcome> {
  const { keepnet } = world.stack;
  const euId = groupIdByName(keepnet, 'EU Customers')!;
  const pilotId = groupIdByName(keepnet, 'Pilot Programme')!;
  const before = membership(keepnet);
  if (![...before.values()].some((members) => members.size > 0)) throw new Error('seed has no members');

  const companies = Array.from({ length: 60 }, (_, i) =>
    keepnet.state.addCompany({
      name: `Onboarded ${i}`,
      industryName: i % 3 === 0 ? 'Finance' : 'Retail',
      tags: i % 4 === 0 ? ['msp-gold'] : [],
    }),
  );
  const expected = new Map<string, Set<string>>();
  const expectPair = (group: string, company: string) =>
    expected.set(group, (expected.get(group) ?? new Set()).add(company));
  const details: CompanyCreatedDetail[] = companies.map((c, i) => {
    const byId = [...(i % 2 === 0 ? [euId] : []), ...(i % 5 === 0 ? [pilotId] : [])];
    const byName = ['Brand New Group', ...(i % 2 === 1 ? ['  eu CUSTOMERS '] : [])];
    for (const g of ['EU Customers', 'Brand New Group']) expectPair(g, c.resourceId);
    if (i % 5 === 0) expectPair('Pilot Programme', c.resourceId);
    if (i % 3 === 0) for (const g of ['Finance', 'Rule Made Group']) expectPair(g, c.resourceId);
    if (i % 4 === 0) expectPair('Gold Partners', c.resourceId);
    return {
      companyResourceId: c.resourceId,
      companyName: c.name,
      attributes: { industry: c.industryName, tags: c.tags },
      groupResourceIds: byId,
      groupNames: byName,
    };
  });

  const faults = keepnet.injectFaults(
    { kind: 'server-error', route: 'PUT /api/company-groups/{resourceId}/participants', times: 3 },
    { kind: 'rate-limited', route: 'POST /api/company-groups/{resourceId}/companies/search', times: 4 },
    { kind: 'expire-tokens', route: 'PUT /api/company-groups/{resourceId}/participants', times: 1 },
    { kind: 'server-error', status: 503, route: 'GET /api/company-groups', times: 1 },
  );
  keepnet.resetCounts();

  // Events arrive concurrently, as EventBridge delivers them.
  await Promise.all(details.map((detail) => world.router(companyCreatedEvent(detail))));
  await drain(world);

  const after = membership(keepnet);
  const missing: string[] = [];
  for (const [group, companyIds] of expected) {
    for (const id of companyIds) if (!after.get(group)?.has(id)) missing.push(`${id} in ${group}`);
  }
  const lost: string[] = [];
  for (const [group, members] of before) {
    for (const id of members) if (!after.get(group)?.has(id)) lost.push(`${id} from ${group}`);
  }
  return {
    missing,
    lost,
    newGroupCopies: NEW_GROUPS.map(
      (name) => keepnet.state.groups().filter((g) => g.name.toLowerCase() === name.toLowerCase()).length,
    ),
    creates: keepnet.count('POST /api/company-groups'),
    deadLetters: world.sqs.messages(world.dlqUrl).length,
    faultsMet: faults.map((f) => f.exhausted),
  };
}
