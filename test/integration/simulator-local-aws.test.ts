// The local AWS endpoints through the real SDK clients: Secrets Manager (AWS JSON 1.1) and s3rver,
// and the local stack that wires them to the simulator.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Emulators, KEEPNET_SECRET_ID, startEmulators } from '../../local/emulators';
import { startS3 } from '../../local/s3';
import { startSecretsManager } from '../../local/secrets-manager';
import { call, tokenFor } from './simulator-http';

describe('local Secrets Manager', () => {
  it('serves GetSecretValue, CreateSecret and PutSecretValue to the SDK client, counting reads', async () => {
    const secrets = await startSecretsManager({
      secrets: { 'app/one': { clientId: 'a', clientSecret: 'b' } },
    });
    try {
      const client = new SecretsManagerClient({ endpoint: secrets.url });
      const one = await client.send(new GetSecretValueCommand({ SecretId: 'app/one' }));
      expect(JSON.parse(one.SecretString ?? '')).toEqual({ clientId: 'a', clientSecret: 'b' });
      expect(one.ARN).toMatch(/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:app\/one-\w{6}$/);

      const byArn = await client.send(new GetSecretValueCommand({ SecretId: one.ARN }));
      expect(byArn.Name).toBe('app/one');

      await client.send(new CreateSecretCommand({ Name: 'app/two', SecretString: 'v1' }));
      await client.send(new PutSecretValueCommand({ SecretId: 'app/two', SecretString: 'v2' }));
      const two = await client.send(new GetSecretValueCommand({ SecretId: 'app/two' }));
      expect(two.SecretString).toBe('v2');
      expect(secrets.getSecretValueCalls()).toBe(3);
    } finally {
      await secrets.close();
    }
  });

  it('answers an unknown id with ResourceNotFoundException in the AWS error shape', async () => {
    const secrets = await startSecretsManager();
    try {
      const client = new SecretsManagerClient({ endpoint: secrets.url });
      const error = await client
        .send(new GetSecretValueCommand({ SecretId: 'missing' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect((error as Error).message).toContain("can't find the specified secret");
    } finally {
      await secrets.close();
    }
  });
});

describe('local S3', () => {
  it('stores and returns objects through S3Client with the bucket created up front', async () => {
    const s3 = await startS3({ buckets: ['test-bucket'] });
    try {
      // Any access key works: the front rewrites it to the one s3rver knows.
      const client = new S3Client({
        ...s3.clientConfig(),
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
      });
      const body = 'name,count\r\n"a, b",1\r\n';
      await client.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: 'dir/file.csv', Body: body }));
      const got = await client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: 'dir/file.csv' }));
      expect(await got.Body?.transformToString()).toBe(body);
    } finally {
      await s3.close();
    }
  });
});

describe('local stack', () => {
  let stack: Emulators;
  let restoreEnv: () => void;

  beforeAll(async () => {
    stack = await startEmulators();
    restoreEnv = stack.applyEnv();
  });

  afterAll(async () => {
    restoreEnv();
    await stack.close();
  });

  it('holds the simulator credentials in the secret the environment names', async () => {
    expect(process.env.KEEPNET_SECRET_ID).toBe(KEEPNET_SECRET_ID);
    // Default SDK clients: endpoints come from AWS_ENDPOINT_URL_* only.
    const secret = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: process.env.KEEPNET_SECRET_ID }),
    );
    const value = JSON.parse(secret.SecretString ?? '') as {
      clientId: string;
      clientSecret: string;
      baseUrl: string;
    };
    expect(value.baseUrl).toBe(stack.keepnet.url);
    const token = await tokenFor(stack.keepnet, value);
    expect((await call(stack.keepnet, 'GET', '/api/company-groups', { token })).status).toBe(200);
  });

  it('has the export bucket ready for a default S3 client', async () => {
    const client = new S3Client({ forcePathStyle: true });
    await client.send(
      new PutObjectCommand({ Bucket: process.env.EXPORT_BUCKET, Key: 'probe.txt', Body: 'ok' }),
    );
    const got = await client.send(
      new GetObjectCommand({ Bucket: process.env.EXPORT_BUCKET, Key: 'probe.txt' }),
    );
    expect(await got.Body?.transformToString()).toBe('ok');
  });

  it('restores the previous environment', () => {
    const before = process.env.AWS_ENDPOINT_URL_S3;
    const restore = stack.applyEnv();
    process.env.AWS_ENDPOINT_URL_S3 = 'http://changed';
    restore();
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(before);
  });
});
