// NAIVE BASELINE — for the bench only, never used by the product.
// What onboarding looks like without lib/membership and the FIFO queue: every event, for every group,
// reads the current members and PUTs them back with the new company, with no verification and no
// serialisation per group. When PUT …/participants replaces the list, two such writers racing on one
// group lose each other's companies. bench/onboarding.ts measures how many.
import type { KeepnetApi } from '../lib/keepnet/types';

export interface NaiveEvent {
  companyResourceId: string;
  groupResourceIds?: string[];
  groupNames?: string[];
}

async function naiveOnboard(client: KeepnetApi, event: NaiveEvent): Promise<void> {
  const groupIds = [...(event.groupResourceIds ?? [])];
  if (event.groupNames?.length) {
    const groups = await client.listGroups();
    for (const name of event.groupNames) {
      const match = groups.find((g) => g.name.toLowerCase() === name.toLowerCase());
      groupIds.push(match ? match.resourceId : (await client.createGroup({ name })).resourceId);
    }
  }
  for (const groupId of groupIds) {
    const members: string[] = [];
    for await (const m of client.iterateGroupMembers(groupId)) members.push(m.companyResourceId);
    await client.putParticipants(groupId, [...members, event.companyResourceId]);
  }
}

/** Processes events with `concurrency` parallel lanes, like a standard queue feeding several workers. */
export async function runNaiveOnboarding(client: KeepnetApi, events: NaiveEvent[], concurrency: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) await naiveOnboard(client, events[next++]!);
    }),
  );
}
