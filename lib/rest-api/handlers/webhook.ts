// POST /webhooks/company-created: verify the signature over the exact bytes received, then (and only
// then) parse the body, then hand the company to the onboarding queue. The event id is derived from
// (timestamp, body hash), so a replay that slips past this container's replay cache, with the same or
// another valid signature, is dropped by SQS FIFO deduplication downstream.
import { parseCompanyCreatedDetail } from '../../onboarding/company-created';
import { parseJsonBody } from '../body-guard';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import type { Reply, RequestScope } from '../reply';

/**
 * POST /webhooks/company-created: verifies the signature over the exact bytes received, then parses them as
 * a CompanyCreated detail and routes it like the router does; 202 with the messages queued.
 */
export async function companyCreatedWebhook(deps: ApiDependencies, scope: RequestScope): Promise<Reply> {
  // The event's own bytes: the web Request's text() would drop a BOM and replace bytes that are not
  // UTF-8, and the sender signed what it sent.
  const rawBody = scope.rawBody ?? Buffer.alloc(0);
  const verified = await deps.webhook.verify(scope.request.headers, rawBody);
  // Only now are the bytes read as JSON, then as a CompanyCreated detail (400 naming the field).
  const detail = parseCompanyCreatedDetail(parseJsonBody(decodeUtf8(rawBody)));
  try {
    const routed = await deps.routeCompanyCreated(detail, { eventId: verified.eventId });
    if (routed.queued.length === 0) {
      // A 202 with nothing queued would tell the sender its company is on its way to groups. Nothing was
      // queued, so forgetting the request is safe, and the same call is accepted once it can be placed.
      throw new ApiError(
        422,
        'NO_TARGET_GROUP',
        'Nothing will happen: the body names no group (groupResourceIds, groupNames) and no GROUP_RULES rule matches its attributes.',
        { details: { companyResourceId: routed.companyResourceId } },
      );
    }
    return {
      status: 202,
      body: {
        companyResourceId: routed.companyResourceId,
        queued: routed.queued.map((message) => ({
          companyResourceId: routed.companyResourceId,
          group:
            message.target.kind === 'id'
              ? { id: message.target.groupId }
              : { name: message.target.groupName },
          messageId: message.messageId,
        })),
      },
    };
  } catch (error) {
    // Not handled: the sender will retry this exact request, which must not be taken for a replay.
    deps.webhook.release(verified);
    throw error;
  }
}

/** Strict UTF-8 (a leading BOM is dropped, as JSON allows): bytes that are not UTF-8 are not JSON. */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'MALFORMED_JSON', 'The request body is not valid JSON (it is not UTF-8).');
  }
}
