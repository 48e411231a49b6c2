// What the route handlers need from the rest of the system, as one object: the Keepnet client, the
// onboarding queue, the safe membership writes, the export job runner, S3 presigning and the webhook
// verifier. The Lambda wires the real ones from the environment (dependenciesFromEnv); tests and the
// bench do the same with the environment pointing at local endpoints.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  createS3ClientFromEnv,
  type ExportContext,
  type ExportJob,
  type ExportResult,
  normalisePrefix,
  runExportJob,
} from '../exports/index';
import { createKeepnetClientFromEnv } from '../keepnet/index';
import type { KeepnetApi } from '../keepnet/types';
import { lazy } from '../lazy';
import { addMembers, readMemberIds, removeMembers, setMembers } from '../membership/index';
import type { CompanyCreatedDetail } from '../onboarding/company-created';
import { loadParticipantsMode } from '../onboarding/config';
import { type RouteResult, routeCompanyCreated } from '../onboarding/route';
import { createWebhookVerifier, loadWebhookSecrets, type WebhookVerifier } from '../webhook/index';

/** lib/membership's safe writes (read, write the difference, read back and verify). */
export interface MembershipOperations {
  addMembers: typeof addMembers;
  removeMembers: typeof removeMembers;
  setMembers: typeof setMembers;
  readMemberIds: typeof readMemberIds;
}

export interface ExportSettings {
  bucket: string;
  prefix: string;
  s3: S3Client;
  kmsKeyId: string | undefined;
}

export interface ApiDependencies {
  keepnet(): Promise<KeepnetApi>;
  routeCompanyCreated(detail: CompanyCreatedDetail, options: { eventId: string }): Promise<RouteResult>;
  membership: MembershipOperations;
  participantsMode: 'union' | 'additive';
  runExportJob(job: ExportJob, ctx: ExportContext): Promise<ExportResult>;
  /** Where export-now writes; undefined when EXPORT_BUCKET is unset (the route then answers 500). */
  exports: ExportSettings | undefined;
  presignDownload(
    s3: S3Client,
    bucket: string,
    key: string,
    expiresInSeconds: number,
  ): Promise<PresignedDownload>;
  webhook: WebhookVerifier;
}

export const membershipOperations: MembershipOperations = {
  addMembers,
  removeMembers,
  setMembers,
  readMemberIds,
};

export interface PresignedDownload {
  url: string;
  /** When the URL stops working: the lifetime asked for, or earlier when the signing credentials expire. */
  expiresAt: Date;
}

/**
 * A presigned GET. A URL signed with temporary credentials (a Lambda role's) stops working when they
 * expire, whatever X-Amz-Expires says, so the expiry reported is the earlier of the two.
 */
export async function presignDownload(
  s3: S3Client,
  bucket: string,
  key: string,
  expiresInSeconds: number,
): Promise<PresignedDownload> {
  const signedAt = Date.now();
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: expiresInSeconds,
  });
  const credentials = await s3.config.credentials();
  const asked = signedAt + expiresInSeconds * 1000;
  const credentialsEnd = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
  return { url, expiresAt: new Date(Math.min(asked, credentialsEnd)) };
}

export function exportSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ExportSettings | undefined {
  const bucket = env.EXPORT_BUCKET?.trim();
  if (!bucket) return undefined;
  const s3 = lazy(() => createS3ClientFromEnv(env));
  return {
    bucket,
    prefix: normalisePrefix(env.EXPORT_PREFIX),
    // The nightly export's client: export-now uploads the same way (see lib/exports/s3-client). Built on
    // first use: most requests never export (bench/cold-start.ts).
    get s3() {
      return s3();
    },
    kmsKeyId: env.EXPORT_KMS_KEY_ID?.trim() || undefined,
  };
}

/** Read at cold start: a bad value stops the function from starting, naming the variable. */
export function participantsModeFromEnv(env: NodeJS.ProcessEnv = process.env): 'union' | 'additive' {
  return loadParticipantsMode(env);
}

/** The Lambda's dependencies, from its environment (see docs/http-api.md for the variables). */
export function dependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): ApiDependencies {
  return {
    // Synchronous factory, cached per process; a configuration error surfaces on the first request.
    keepnet: async () => createKeepnetClientFromEnv(env),
    routeCompanyCreated: (detail, options) => routeCompanyCreated(detail, options),
    membership: membershipOperations,
    participantsMode: participantsModeFromEnv(env),
    runExportJob,
    exports: exportSettingsFromEnv(env),
    presignDownload,
    webhook: createWebhookVerifier({ secrets: () => loadWebhookSecrets(env.WEBHOOK_SECRET_ID) }),
  };
}
