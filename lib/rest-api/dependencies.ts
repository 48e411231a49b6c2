// What the route handlers need from the rest of the system, as one object: the Keepnet client, the
// onboarding queue, group operations (submit, read), the export job runner, S3 presigning and the
// webhook verifier. The Lambda wires the real ones from the environment (dependenciesFromEnv); tests and the
// bench do the same with the environment pointing at local endpoints.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  createS3ClientFromEnv,
  type ExportContext,
  type ExportJob,
  type ExportResult,
  normalisePrefix,
  runExportJob,
} from '../exports/index';
import { type OperationRequest, type SubmitResult, submitOperation } from '../group-queue/submit';
import { createKeepnetClientFromEnv } from '../keepnet/index';
import type { KeepnetApi } from '../keepnet/types';
import { lazy } from '../lazy';
import type { CompanyCreatedDetail } from '../onboarding/company-created';
import { OnboardingConfigError } from '../onboarding/config';
import { type RouteResult, routeCompanyCreated } from '../onboarding/route';
import { operationStoreFromEnv } from '../operations/config';
import type { OperationStore } from '../operations/store';
import { createWebhookVerifier, loadWebhookSecrets, type WebhookVerifier } from '../webhook/index';

/** Group operations: queued for the group's single writer, read back by id. */
export interface OperationsAccess {
  store: OperationStore;
  submit(request: OperationRequest): Promise<SubmitResult>;
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
  /** Throws a configuration error (500) when OPERATIONS_BUCKET or ONBOARDING_QUEUE_URL is unset. */
  operations(): OperationsAccess;
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

/**
 * Operations from the environment: OPERATIONS_BUCKET (and OPERATIONS_PREFIX) for the records,
 * ONBOARDING_QUEUE_URL for the queue. Checked at cold start; the SQS client is built on first use.
 */
export function operationsFromEnv(env: NodeJS.ProcessEnv = process.env): () => OperationsAccess {
  const store = operationStoreFromEnv(env);
  const queueUrl = env.ONBOARDING_QUEUE_URL?.trim();
  let sqs: SQSClient | undefined;
  return () => {
    if (!store || !queueUrl) {
      throw new OnboardingConfigError(
        `Group writes need ${store ? '' : 'OPERATIONS_BUCKET'}${!store && !queueUrl ? ' and ' : ''}${queueUrl ? '' : 'ONBOARDING_QUEUE_URL'}`,
      );
    }
    sqs ??= new SQSClient({});
    const deps = { sqs, queueUrl, store };
    return { store, submit: (request) => submitOperation(deps, request) };
  };
}

/** The Lambda's dependencies, from its environment (see docs/http-api.md for the variables). */
export function dependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): ApiDependencies {
  return {
    // Synchronous factory, cached per process; a configuration error surfaces on the first request.
    keepnet: async () => createKeepnetClientFromEnv(env),
    routeCompanyCreated: (detail, options) => routeCompanyCreated(detail, options),
    operations: operationsFromEnv(env),
    runExportJob,
    exports: exportSettingsFromEnv(env),
    presignDownload,
    webhook: createWebhookVerifier({ secrets: () => loadWebhookSecrets(env.WEBHOOK_SECRET_ID) }),
  };
}
