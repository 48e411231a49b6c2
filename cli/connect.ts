// How the CLI reaches its backends. Keepnet: the real API (credentials from env or a Secrets Manager
// secret) or, with --local, the running `npm start -- --serve` (attached through its endpoints file) or
// else a simulator started in this process on the state kept in the data directory. AWS: the operator's own
// environment, or with --local the running system's stand-ins. Nothing here prints or keeps a secret:
// descriptions name only where commands go.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV } from '../lib/config/variables';
import { KeepnetClient } from '../lib/keepnet/client';
import { type CredentialsProvider, StaticCredentialsProvider } from '../lib/keepnet/credentials/provider';
import { SecretsManagerCredentialsProvider } from '../lib/keepnet/credentials/secrets-manager';
import { awsClientSettings } from './aws-config';
import type { GlobalOptions } from './context';
import { ConfigurationError } from './exit-codes';
import type { CliIo } from './output';
import type { Connector, KeepnetConnection } from './program';

function credentialsFrom(
  options: GlobalOptions,
  io: CliIo,
): { provider: CredentialsProvider; source: string } {
  if (options.secretId) {
    return {
      provider: new SecretsManagerCredentialsProvider({ secretId: options.secretId }),
      source: `secret ${options.secretId}`,
    };
  }
  const clientId = io.env.KEEPNET_CLIENT_ID?.trim();
  const clientSecret = io.env.KEEPNET_CLIENT_SECRET;
  if (clientId && clientSecret) {
    return {
      provider: new StaticCredentialsProvider({ clientId, clientSecret }),
      source: `client ${clientId}`,
    };
  }
  if (clientId || clientSecret) {
    throw new ConfigurationError(
      `set both KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET (only ${clientId ? 'KEEPNET_CLIENT_ID' : 'KEEPNET_CLIENT_SECRET'} is set)`,
    );
  }
  throw new ConfigurationError(
    'no Keepnet credentials: set KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET, pass --secret-id <secret>, or use --local',
  );
}

async function remoteKeepnet(options: GlobalOptions, io: CliIo): Promise<KeepnetConnection> {
  const { provider, source } = credentialsFrom(options, io);
  const baseUrl = options.baseUrl ?? io.env[ENV.keepnetBaseUrl];
  const client = new KeepnetClient({ credentials: provider, ...(baseUrl ? { baseUrl } : {}) });
  return {
    client,
    description: `Keepnet API ${baseUrl ?? '(base URL from the secret, else https://api.keepnetlabs.com)'} as ${source}`,
    close: () => client.close(),
  };
}

/** The running `npm start -- --serve` recorded in the data directory, if any. Loaded only with --local. */
async function runningLocalSystem(io: CliIo) {
  const { defaultDataDir, readRunningSystem } = await import('../local/runner/running-system');
  return readRunningSystem(defaultDataDir(io.env, io.cwd));
}

async function localKeepnet(options: GlobalOptions, io: CliIo): Promise<KeepnetConnection> {
  if (options.secretId || options.baseUrl) {
    throw new ConfigurationError('--local runs against local stand-ins: drop --secret-id / --base-url');
  }
  const running = await runningLocalSystem(io);
  if (running) {
    // Attach: the same simulator (with what the run created), credentials from its local secret.
    const env = running.env;
    const secrets = new SecretsManagerClient(awsClientSettings(env, 'AWS_ENDPOINT_URL_SECRETS_MANAGER'));
    const client = new KeepnetClient({
      ...(env[ENV.keepnetBaseUrl] ? { baseUrl: env[ENV.keepnetBaseUrl] } : {}),
      credentials: new SecretsManagerCredentialsProvider({
        secretId: env[ENV.keepnetSecretId] ?? '',
        client: secrets,
      }),
    });
    return {
      client,
      description: `the running local system (npm start -- --serve, pid ${running.pid}), Keepnet simulator at ${env[ENV.keepnetBaseUrl]}`,
      close: async () => {
        await client.close();
        secrets.destroy();
      },
    };
  }
  const { startKeepnetSimulator } = await import('../local/keepnet-simulator/index');
  const { resellerClient } = await import('../local/keepnet-simulator/reseller-client');
  const { defaultDataDir } = await import('../local/runner/running-system');
  const { simulatorStateFile } = await import('../local/runner/data-dir');
  // The same kept state `npm start` uses: what this call changes is there for the next one.
  const stateFile = simulatorStateFile(defaultDataDir(io.env, io.cwd));
  const simulator = await startKeepnetSimulator({ stateFile });
  const client = resellerClient(simulator);
  return {
    client,
    description: `local Keepnet simulator at ${simulator.url} (state kept in ${stateFile}; \`npm start -- --fresh\` resets it)`,
    close: async () => {
      await client.close();
      await simulator.close();
    },
  };
}

/** The real connections: Keepnet (remote, or the local simulator with --local) and the AWS environment. */
export const connect: Connector = {
  keepnet: (options, io) => (options.local ? localKeepnet(options, io) : remoteKeepnet(options, io)),
  async awsEnv(options, io) {
    if (!options.local) return io.env;
    const running = await runningLocalSystem(io);
    if (!running) {
      throw new ConfigurationError(
        '--local found no running local system for AWS commands: start one with `npm start -- --serve`',
      );
    }
    return { ...io.env, ...running.env };
  },
};
