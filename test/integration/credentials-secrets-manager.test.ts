// Credentials read through the real SecretsManagerClient (via Powertools' SecretsProvider) from the
// local Secrets Manager endpoint, with AWS_ENDPOINT_URL_SECRETS_MANAGER pointing there; then used by
// the client against the simulator: caching, single-flight reads, rotation re-reads, clear errors.

import { KeepnetClient } from '../../lib/keepnet/client';
import { SecretsManagerCredentialsProvider } from '../../lib/keepnet/credentials/secrets-manager';
import { KeepnetConfigurationError } from '../../lib/keepnet/errors';
import { createKeepnetClientFromEnv, resetKeepnetClientFromEnv } from '../../lib/keepnet/index';
import { type Emulators, KEEPNET_SECRET_ID, startEmulators } from '../../local/emulators';

const TOKEN = 'POST /connect/token';

describe('Keepnet credentials from Secrets Manager', () => {
  let stack: Emulators;
  let restoreEnv: () => void;

  beforeAll(async () => {
    stack = await startEmulators({ simulator: { seed: { companies: 5 } } });
    restoreEnv = stack.applyEnv();
  });

  afterAll(async () => {
    await resetKeepnetClientFromEnv();
    restoreEnv();
    await stack.close();
  });

  beforeEach(async () => {
    await resetKeepnetClientFromEnv();
    stack.secrets.setSecret(KEEPNET_SECRET_ID, {
      ...stack.keepnet.credentials.reseller,
      baseUrl: stack.keepnet.url,
    });
    stack.secrets.resetCounts();
    stack.keepnet.resetCounts();
  });

  it('builds one client per process from the environment, reading the secret once', async () => {
    const client = createKeepnetClientFromEnv();
    expect(createKeepnetClientFromEnv()).toBe(client);
    await client.listGroups();
    await createKeepnetClientFromEnv().searchGroups();
    expect(stack.secrets.getSecretValueCalls()).toBe(1);
    expect(stack.keepnet.count(TOKEN)).toBe(1);
  });

  it('uses the secret’s baseUrl when KEEPNET_BASE_URL is not set', async () => {
    const { KEEPNET_BASE_URL, ...env } = process.env;
    expect(KEEPNET_BASE_URL).toBe(stack.keepnet.url);
    const client = createKeepnetClientFromEnv(env);
    await expect(client.listGroups()).resolves.toHaveLength(stack.keepnet.state.groups().length);
  });

  it('refuses a non-https KEEPNET_BASE_URL at construction, naming the variable', () => {
    expect(() =>
      createKeepnetClientFromEnv({ ...process.env, KEEPNET_BASE_URL: 'http://api.keepnetlabs.com' }),
    ).toThrow(/KEEPNET_BASE_URL must use https/);
  });

  it('shares one GetSecretValue between 50 concurrent cold calls', async () => {
    const client = createKeepnetClientFromEnv();
    await Promise.all(Array.from({ length: 50 }, () => client.listGroups()));
    expect(stack.secrets.getSecretValueCalls()).toBe(1);
    expect(stack.keepnet.count(TOKEN)).toBe(1);
  });

  it('re-reads a rotated secret when Keepnet refuses the cached one, and carries on', async () => {
    const provider = new SecretsManagerCredentialsProvider({ secretId: KEEPNET_SECRET_ID });
    const client = new KeepnetClient({ baseUrl: stack.keepnet.url, credentials: provider });
    try {
      stack.secrets.setSecret(KEEPNET_SECRET_ID, {
        clientId: stack.keepnet.credentials.reseller.clientId,
        clientSecret: 'rotated-away',
      });
      await provider.get(); // the stale value is now cached for 300 s
      stack.secrets.setSecret(KEEPNET_SECRET_ID, stack.keepnet.credentials.reseller); // rotation
      await expect(client.listGroups()).resolves.toBeDefined();
      expect(stack.secrets.getSecretValueCalls()).toBe(2);
      expect(stack.keepnet.count(TOKEN)).toBe(2); // refused, then accepted
    } finally {
      await client.close();
    }
  });

  it('re-reads the secret after a 401 on an API call', async () => {
    const client = createKeepnetClientFromEnv();
    await client.listGroups();
    expect(stack.secrets.getSecretValueCalls()).toBe(1);
    stack.keepnet.expireTokens();
    await client.listGroups();
    expect(stack.secrets.getSecretValueCalls()).toBe(2);
    expect(stack.keepnet.count(TOKEN)).toBe(2);
  });

  it('keeps the value it holds when a forced re-read fails, so a token expiry is not an outage', async () => {
    const client = createKeepnetClientFromEnv();
    await client.listGroups();
    stack.secrets.setSecret(KEEPNET_SECRET_ID, '{"clientId": "half-written'); // a botched rotation
    stack.keepnet.expireTokens();
    await expect(client.listGroups()).resolves.toBeDefined(); // 401 → re-read fails → cached value
    expect(stack.secrets.getSecretValueCalls()).toBe(2);
    expect(stack.keepnet.count(TOKEN)).toBe(2);
    // A first read has nothing to fall back on: it fails, naming the problem.
    const fresh = new SecretsManagerCredentialsProvider({ secretId: KEEPNET_SECRET_ID });
    await expect(fresh.get()).rejects.toThrow(/is not valid JSON/);
  });

  it('caches a read secret for maxAgeSeconds (0: every get reads)', async () => {
    const cached = new SecretsManagerCredentialsProvider({ secretId: KEEPNET_SECRET_ID, maxAgeSeconds: 300 });
    await cached.get();
    await cached.get();
    expect(stack.secrets.getSecretValueCalls()).toBe(1);
    const uncached = new SecretsManagerCredentialsProvider({ secretId: KEEPNET_SECRET_ID, maxAgeSeconds: 0 });
    await uncached.get();
    await uncached.get();
    expect(stack.secrets.getSecretValueCalls()).toBe(3);
    cached.invalidate();
    await cached.get();
    expect(stack.secrets.getSecretValueCalls()).toBe(4);
  });

  it('names a missing secret and the AWS reason', async () => {
    const client = createKeepnetClientFromEnv({
      ...process.env,
      KEEPNET_SECRET_ID: 'keepnet/does-not-exist',
    });
    const error = await client.listGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetConfigurationError);
    expect((error as Error).message).toContain('"keepnet/does-not-exist"');
    expect((error as Error).message).toContain('ResourceNotFoundException');
  });

  it('names the malformed field without echoing the secret', async () => {
    stack.secrets.setSecret(KEEPNET_SECRET_ID, { clientId: 'x', client_secret: 'leaky-value-123' });
    const error = await createKeepnetClientFromEnv()
      .listGroups()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepnetConfigurationError);
    expect((error as Error).message).toContain('clientSecret: must be a string');
    expect((error as Error).message).not.toContain('leaky-value-123');
    expect(stack.keepnet.count(TOKEN)).toBe(0);
  });
});
