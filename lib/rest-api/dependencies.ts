// What the route handlers need from the rest of the system, as one object (ApiDependencies), and its
// wiring from the environment (dependenciesFromEnv), which tests and the bench point at local endpoints.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { readVar } from '../config/read';
import { ENV } from '../config/variables';
import { type ExportLocation, exportLocationFromEnv } from '../exports/config';
import {
  createS3ClientFromEnv,
  type ExportContext,
  type ExportJob,
  type ExportResult,
  runExportJob,
} from '../exports/index';
import { type OperationRequest, type SubmitResult, submitOperation } from '../group-queue/submit';
import { createKeepnetClientFromEnv } from '../keepnet/index';
import type { KeepnetApi } from '../keepnet/types';
import { lazy } from '../lazy';
import type { CompanyCreatedDetail } from '../onboarding/company-created';
import { loadRouterConfig, OnboardingConfigError } from '../onboarding/config';
import { type RouteResult, routeCompanyCreated } from '../onboarding/route';
import { operationStoreAt } from '../operations/config';
import { operationsLocationFromEnv } from '../operations/location';
import type { OperationStore, OperationStoreLocation } from '../operations/store';
import { createWebhookVerifier, loadWebhookSecrets, type WebhookVerifier } from '../webhook/index';

/** Group operations: queued for the group's single writer, read back by id. */
export interface OperationsAccess {
  store: OperationStore;
  submit(request: OperationRequest): Promise<SubmitResult>;
}

/** Where export-now writes (the nightly export's location), with the S3 client that writes it (built on first use). */
export interface ExportSettings extends ExportLocation {
  s3: S3Client;
}

/** Everything the route handlers call outside the process; tests replace single members. */
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

/** A presigned GET URL and when it really stops working. */
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

/**
 * EXPORT_BUCKET, EXPORT_PREFIX and EXPORT_KMS_KEY_ID as the nightly export reads them, with its S3
 * client; undefined when EXPORT_BUCKET is unset (export-now then answers 500).
 */
export function exportSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  s3: () => S3Client = lazy(() => createS3ClientFromEnv(env)),
): ExportSettings | undefined {
  const location = exportLocationFromEnv(env);
  if (!location) return undefined;
  return {
    ...location,
    // The nightly export's client: export-now uploads the same way (see lib/exports/s3-client). Built on
    // first use: most requests never export (bench/cold-start.ts).
    get s3() {
      return s3();
    },
  };
}

/**
 * Group operations: the records at `location` (OPERATIONS_BUCKET, read at the handler's cold start),
 * ONBOARDING_QUEUE_URL for the queue. The store and its clients are built on first use.
 */
function operationsFrom(
  env: NodeJS.ProcessEnv,
  location: OperationStoreLocation | undefined,
  clients: { sqs: () => SQSClient; s3: () => S3Client },
): () => OperationsAccess {
  const queueUrl = readVar(env, ENV.onboardingQueueUrl);
  const store = lazy(() => operationStoreAt(location!, clients.s3()));
  return () => {
    if (!location || !queueUrl) {
      const missing = [location ? [] : [ENV.operationsBucket], queueUrl ? [] : [ENV.onboardingQueueUrl]];
      throw new OnboardingConfigError(`Group writes need ${missing.flat().join(' and ')}`);
    }
    const deps = { sqs: clients.sqs(), queueUrl, store: store() };
    return { store: deps.store, submit: (request) => submitOperation(deps, request) };
  };
}

/**
 * The Lambda's dependencies, from its environment (see docs/http-api.md for the variables) and what the
 * handler already read at cold start (`coldStart`, functions/api/config.ts), which is not read again.
 */
export function dependenciesFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  coldStart: { operations: OperationStoreLocation | undefined } = {
    operations: operationsLocationFromEnv(env),
  },
): ApiDependencies {
  // One client of each per container, built on first use: most requests need neither.
  const sqs = lazy(() => new SQSClient({}));
  const s3 = lazy(() => createS3ClientFromEnv(env));
  // The webhook routes as the router does: ONBOARDING_QUEUE_URL and GROUP_RULES, read on the first
  // webhook call (an error there is the request's 500, naming the variable), then kept.
  const routing = lazy(() => ({ ...loadRouterConfig(env), sqs: sqs() }));
  return {
    // Synchronous factory, cached per process; a configuration error surfaces on the first request.
    keepnet: async () => createKeepnetClientFromEnv(env),
    routeCompanyCreated: async (detail, options) => routeCompanyCreated(detail, { ...options, ...routing() }),
    operations: operationsFrom(env, coldStart.operations, { sqs, s3 }),
    runExportJob,
    exports: exportSettingsFromEnv(env, s3),
    presignDownload,
    webhook: createWebhookVerifier({ secrets: () => loadWebhookSecrets(env[ENV.webhookSecretId]) }),
  };
}
