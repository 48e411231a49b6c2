// A minimal local AWS Secrets Manager: the AWS JSON 1.1 protocol (POST /, X-Amz-Target
// "secretsmanager.<Operation>") for GetSecretValue, CreateSecret, PutSecretValue and DescribeSecret,
// enough for `new SecretsManagerClient({})` with AWS_ENDPOINT_URL_SECRETS_MANAGER pointed here.
// Signatures are not checked. Errors use the AWS shape (`__type`, `message`, x-amzn-ErrorType).

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PayloadTooLargeError, readRequestBody } from './http-body';
import { LOCAL_ACCOUNT_ID } from './lambda-events';

/** Secrets present from the start, port (default: a free one) and region (for ARNs). */
export interface LocalSecretsManagerOptions {
  /** Secrets to create at start: name → string (objects are JSON-encoded). */
  secrets?: Record<string, string | object>;
  port?: number;
  region?: string;
}

/** A running local Secrets Manager with direct access to its secrets and call counters for tests. */
export interface LocalSecretsManager {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Creates or replaces a secret directly (no HTTP). */
  setSecret(name: string, value: string | object): void;
  /** The current SecretString, or undefined. */
  getSecret(name: string): string | undefined;
  /** Calls per operation ("GetSecretValue", …). */
  counts(): Record<string, number>;
  /** GetSecretValue calls so far (what a caching client should keep low). */
  getSecretValueCalls(): number;
  resetCounts(): void;
  close(): Promise<void>;
}

interface StoredSecret {
  name: string;
  arn: string;
  versionId: string;
  value: string;
  createdDate: number;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function randomSuffix(): string {
  return randomUUID().replace(/-/g, '').slice(0, 6);
}

/** Starts the server on 127.0.0.1; point the SDK at it with AWS_ENDPOINT_URL_SECRETS_MANAGER = `url`. */
export async function startSecretsManager(
  options: LocalSecretsManagerOptions = {},
): Promise<LocalSecretsManager> {
  const region = options.region ?? process.env.AWS_REGION ?? 'eu-west-1';
  const secrets = new Map<string, StoredSecret>();
  const counts = new Map<string, number>();

  const setSecret = (name: string, value: string | object): StoredSecret => {
    const existing = secrets.get(name);
    const secret: StoredSecret = {
      name,
      arn:
        existing?.arn ??
        `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT_ID}:secret:${name}-${randomSuffix()}`,
      versionId: randomUUID(),
      value: typeof value === 'string' ? value : JSON.stringify(value),
      createdDate: existing?.createdDate ?? Date.now() / 1000,
    };
    secrets.set(name, secret);
    return secret;
  };
  for (const [name, value] of Object.entries(options.secrets ?? {})) setSecret(name, value);

  const find = (secretId: unknown): StoredSecret => {
    if (typeof secretId !== 'string' || secretId.length === 0) {
      throw new AwsError('InvalidParameterException', 'SecretId is required.');
    }
    const secret = secrets.get(secretId) ?? [...secrets.values()].find((s) => s.arn === secretId);
    if (!secret)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetSecretValue: (input) => {
      const secret = find(input.SecretId);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        SecretString: secret.value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdDate,
      };
    },
    CreateSecret: (input) => {
      if (typeof input.Name !== 'string' || input.Name.length === 0) {
        throw new AwsError('InvalidParameterException', 'Name is required.');
      }
      if (secrets.has(input.Name)) {
        throw new AwsError(
          'ResourceExistsException',
          `The operation failed because the secret ${input.Name} already exists.`,
        );
      }
      const secret = setSecret(input.Name, typeof input.SecretString === 'string' ? input.SecretString : '');
      return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
    },
    PutSecretValue: (input) => {
      const current = find(input.SecretId);
      if (typeof input.SecretString !== 'string') {
        throw new AwsError('InvalidParameterException', 'SecretString is required.');
      }
      const secret = setSecret(current.name, input.SecretString);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
      };
    },
    DescribeSecret: (input) => {
      const secret = find(input.SecretId);
      return { ARN: secret.arn, Name: secret.name, CreatedDate: secret.createdDate };
    },
  };

  const reply = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(json),
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(json);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
    counts.set(operation || '(none)', (counts.get(operation || '(none)') ?? 0) + 1);
    try {
      const body = await readRequestBody(req).catch((error: unknown) => {
        if (error instanceof PayloadTooLargeError)
          throw new AwsError('InvalidRequestException', error.message);
        throw error;
      });
      const run = operations[operation];
      if (req.method !== 'POST' || !run) {
        throw new AwsError(
          'UnknownOperationException',
          `Operation '${target}' is not supported by the local Secrets Manager.`,
        );
      }
      const text = body.toString('utf8');
      let input: Record<string, unknown>;
      try {
        input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
      reply(res, 200, run(input));
    } catch (error) {
      const awsError =
        error instanceof AwsError ? error : new AwsError('InternalServiceError', 'Internal error.', 500);
      reply(res, awsError.status, { __type: awsError.type, message: awsError.message }, awsError.type);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setSecret: (name, value) => {
      setSecret(name, value);
    },
    getSecret: (name) => secrets.get(name)?.value,
    counts: () => Object.fromEntries(counts),
    getSecretValueCalls: () => counts.get('GetSecretValue') ?? 0,
    resetCounts: () => counts.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
