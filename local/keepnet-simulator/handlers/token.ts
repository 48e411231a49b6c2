// The OAuth token endpoint (its replies have no Keepnet envelope).
import type { HandlerRequest } from '../context';
import type { Reply } from '../reply';

/**
 * `POST /connect/token`, the client-credentials grant. Form-encoded only: a JSON body gets a 500 with an
 * OAuth-style error, as the vendor's does. Replies the token JSON without an envelope, `Cache-Control:
 * no-store`.
 */
export function issueToken({ core, mediaType, rawBody }: HandlerRequest): Reply {
  if (mediaType !== 'application/x-www-form-urlencoded') {
    return {
      kind: 'json',
      status: 500,
      body: { error: 'server_error', error_description: 'form body expected' },
    };
  }
  const outcome = core.auth.issue(
    new URLSearchParams(rawBody.toString('utf8')),
    core.behaviour,
    core.clock(),
  );
  if (!outcome.ok) return { kind: 'json', status: outcome.status, body: outcome.body };
  return { kind: 'json', status: 200, body: outcome.body, headers: { 'cache-control': 'no-store' } };
}
