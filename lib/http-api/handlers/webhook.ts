// POST /webhooks/company-created: verify the signature over the exact bytes received, then (and only
// then) parse the body, then hand the company to the onboarding queue. The event id is derived from
// the signature, so a replay that slips past this container's replay cache is dropped by SQS FIFO
// deduplication downstream.
import { parseCompanyCreatedDetail } from '../../onboarding/company-created';
import { parseJsonBody } from '../body-guard';
import type { ApiDependencies } from '../dependencies';
import type { Reply, RequestScope } from '../reply';

export async function companyCreatedWebhook(deps: ApiDependencies, scope: RequestScope): Promise<Reply> {
  const rawBody = await scope.request.text();
  const verified = await deps.webhook.verify(scope.request.headers, rawBody);
  // Only now are the bytes read as JSON, then as a CompanyCreated detail (400 naming the field).
  const detail = parseCompanyCreatedDetail(parseJsonBody(rawBody));
  try {
    const routed = await deps.routeCompanyCreated(detail, { eventId: `webhook-${verified.signature}` });
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
