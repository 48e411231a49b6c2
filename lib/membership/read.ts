// Reading a group's members: every page, in as few calls as the server allows.
import { KeepnetValidationError } from '../keepnet/errors';
import { paginate } from '../keepnet/paginate';
import type { CallOptions, KeepnetApi, ResourceId } from '../keepnet/types';

/**
 * One page holds a big group: Keepnet documents no maximum and its own UI asks for 10 000, so a
 * 10 000-member group costs one call instead of ten.
 */
export const MEMBER_PAGE_SIZE = 10_000;
/** The page size a server refusing big pages is asked for instead (the client's default). */
const FALLBACK_PAGE_SIZE = 100;

/** Every member's company id, all pages, and how many pages (Keepnet calls) that took. */
export async function readMembers(
  client: KeepnetApi,
  groupId: ResourceId,
  opts: CallOptions = {},
): Promise<{ ids: ResourceId[]; pages: number }> {
  try {
    return await readAllPages(client, groupId, MEMBER_PAGE_SIZE, opts);
  } catch (error) {
    // A stricter server may refuse a page size it does not allow as invalid input. Every membership
    // write starts with this read, so that refusal would fail all onboarding: ask for smaller pages.
    if (!(error instanceof KeepnetValidationError)) throw error;
    return readAllPages(client, groupId, FALLBACK_PAGE_SIZE, opts);
  }
}

/** Every member's company id, all pages. */
export async function readMemberIds(
  client: KeepnetApi,
  groupId: ResourceId,
  opts: CallOptions = {},
): Promise<ResourceId[]> {
  return (await readMembers(client, groupId, opts)).ids;
}

async function readAllPages(client: KeepnetApi, groupId: ResourceId, pageSize: number, opts: CallOptions) {
  const ids: ResourceId[] = [];
  let pages = 0;
  const members = paginate(
    (page) => client.searchGroupMembers(groupId, page, opts),
    { pageNumber: 1, pageSize },
    (company) => company.companyResourceId,
    `POST /api/company-groups/${groupId}/companies/search`,
    () => {
      pages++;
    },
  );
  for await (const member of members) ids.push(member.companyResourceId);
  return { ids, pages };
}
