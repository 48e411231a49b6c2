// Local S3: s3rver on 127.0.0.1 (port 0) with a data directory (a fresh temp dir by default),
// the requested buckets created up front, logging silenced, and the client settings it needs
// (path-style, WHEN_REQUIRED checksums: see ../shared/TOOLCHAIN.md).

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** Where s3rver keeps objects, which buckets exist from the start, and the port (default: a free one). */
export interface LocalS3Options {
  /** Where objects are stored; default a new temp dir, removed on close. */
  directory?: string;
  buckets?: string[];
  port?: number;
}

/** A running local S3 and the client settings that work against it. */
export interface LocalS3 {
  /** http://127.0.0.1:PORT: the value for AWS_ENDPOINT_URL_S3. */
  readonly url: string;
  readonly directory: string;
  readonly buckets: string[];
  /** Calls `listener` after each request that may have changed an object (any method but GET/HEAD) is answered. */
  onWrite(listener: () => void): void;
  /** Settings for `new S3Client(...)` that work against s3rver (endpoint, path-style, checksums). */
  clientConfig(): S3ClientConfig;
  close(): Promise<void>;
}

/**
 * Starts s3rver behind a front that rewrites the access key id of every request to S3RVER (the only one
 * s3rver knows; it does not check signatures), so any SDK client works whatever fake keys it holds.
 */
export async function startS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'keepnet-s3-')));
  const buckets = options.buckets ?? [];
  const s3rver = new S3rver({
    directory,
    silent: true,
    allowMismatchedSignatures: true,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const writeListeners: (() => void)[] = [];
  const server = createServer((req, res) => {
    asS3rverCredential(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.once('finish', () => {
        for (const listener of writeListeners) listener();
      });
    }
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    directory,
    buckets,
    onWrite: (listener) => {
      writeListeners.push(listener);
    },
    clientConfig: () => ({
      endpoint: url,
      region: process.env.AWS_REGION ?? 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Header- and query-signed requests alike: "Credential=<key>/<date>/…" → "Credential=S3RVER/…". */
function asS3rverCredential(req: IncomingMessage): void {
  const authorization = req.headers.authorization;
  if (authorization)
    req.headers.authorization = authorization.replace(/Credential=[^/]+\//, 'Credential=S3RVER/');
  if (req.url?.includes('X-Amz-Credential=')) {
    req.url = req.url.replace(/X-Amz-Credential=[^%&/]+(%2F|\/)/i, 'X-Amz-Credential=S3RVER$1');
  }
}
