// The S3 client exports use. The endpoint comes from the SDK's own AWS_ENDPOINT_URL_S3 when set (local
// runs, tests); such endpoints (s3rver) need path-style addressing, real S3 keeps virtual-hosted style.
import { S3Client } from '@aws-sdk/client-s3';
import { s3PathStyleFromEnv } from '../config/read';

/** An S3 client for exports (part payloads unsigned over TLS); path style as {@link s3PathStyleFromEnv} says. */
export function createS3Client(options: { forcePathStyle: boolean }): S3Client {
  const client = new S3Client({ forcePathStyle: options.forcePathStyle });
  skipPayloadSigningOfParts(client);
  return client;
}

/** {@link createS3Client}, path-style when AWS_ENDPOINT_URL_S3 is set. */
export function createS3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  return createS3Client({ forcePathStyle: s3PathStyleFromEnv(env) });
}

/** Commands that carry an export's bytes. */
const BODY_COMMANDS = new Set(['PutObjectCommand', 'UploadPartCommand']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * SigV4 signs a request's payload by hashing it (SHA-256 of every 5 MiB part) unless the request says
 * `x-amz-content-sha256: UNSIGNED-PAYLOAD`. For an export that was a second full SHA-256 pass over the
 * file, besides the manifest's own. Over TLS it buys nothing: TLS already authenticates the bytes in
 * transit, and the CRC32 checksum the SDK sends with each part lets S3 reject any part that changed (see
 * S3_CHECKSUM_ALGORITHM). So part payloads go unsigned over https and to loopback endpoints (s3rver in
 * local runs and tests); any other plain-http endpoint keeps signed payloads. Headers, URL and the
 * checksum header itself stay signed either way.
 */
export function skipPayloadSigningOfParts(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as
        | { protocol?: string; hostname?: string; headers?: Record<string, string> }
        | undefined;
      const secure = request?.protocol === 'https:' || LOOPBACK.has(request?.hostname ?? '');
      if (BODY_COMMANDS.has(context.commandName ?? '') && secure && request?.headers) {
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    { step: 'build', name: 'exportsSkipPayloadSigningOfParts', override: true },
  );
}
