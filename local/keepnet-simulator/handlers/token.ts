// POST /connect/token: form-encoded only. A JSON body gets a 500, as the vendor's does.
import type { HandlerRequest } from '../context';
import type { Reply } from '../reply';

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
