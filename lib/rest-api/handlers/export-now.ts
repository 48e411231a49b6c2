// Export now: the nightly job's path (lib/exports runExportJob streams Keepnet's file into S3), run on
// demand, answered with the object's key and a presigned GET URL that expires.
import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import { ENV } from '../../config/variables';
import type { ExportJob } from '../../exports/index';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { ok, type Reply, type RequestScope } from '../reply';
import type { ExportBody, GroupPathSchema } from '../schemas';

/**
 * POST /groups/export (the groups), or POST /groups/{groupId}/export (that group's members, `path`): runs
 * the export job into the export bucket and answers its key and a presigned GET URL; 500 naming
 * EXPORT_BUCKET when there is none.
 */
export async function exportNow(
  deps: ApiDependencies,
  scope: RequestScope,
  body: ExportBody,
  path?: z.output<typeof GroupPathSchema>,
): Promise<Reply> {
  const settings = requireExportSettings(deps);
  // Own job names ("api-…"): an on-demand file never overwrites a nightly one.
  const job: ExportJob = path
    ? {
        what: 'group-members',
        groupId: path.groupId,
        format: body.format,
        name: `api-group-members-${path.groupId.toLowerCase()}`,
      }
    : { what: 'groups', format: body.format, name: 'api-groups' };
  const client = await deps.keepnet();
  const result = await deps.runExportJob(job, {
    client,
    s3: settings.s3,
    bucket: settings.bucket,
    prefix: settings.prefix,
    scheduledTime: new Date(),
    // In the key: two requests in the same millisecond never share an object (nor its checksum and URL).
    requestId: keySafeRequestId(scope.requestId),
    deadline: scope.deadline,
    kmsKeyId: settings.kmsKeyId,
  });
  const download = await deps.presignDownload(settings.s3, result.bucket, result.key, body.expiresInSeconds);
  return ok({
    bucket: result.bucket,
    key: result.key,
    bytes: result.bytes,
    contentType: result.contentType,
    checksum: result.checksum,
    ...(result.rows === undefined ? {} : { rows: result.rows }),
    downloadUrl: download.url,
    expiresAt: download.expiresAt.toISOString(),
  });
}

/** Where exports (and reports) live; a 500 naming EXPORT_BUCKET when the service has none. */
export function requireExportSettings(deps: ApiDependencies): NonNullable<ApiDependencies['exports']> {
  if (!deps.exports) {
    throw new ApiError(500, 'CONFIGURATION_ERROR', 'The service is misconfigured; see its logs.', {
      details: { variable: ENV.exportBucket },
    });
  }
  return deps.exports;
}

/**
 * The request id as an object-key suffix (1-64 of `[A-Za-z0-9-]`, as API Gateway's UUIDs are). One that
 * is missing or not key-safe is replaced by a random UUID: uniqueness is what the key needs.
 */
function keySafeRequestId(requestId: string): string {
  return /^[A-Za-z0-9-]{1,64}$/.test(requestId) && requestId !== 'unknown' ? requestId : randomUUID();
}
