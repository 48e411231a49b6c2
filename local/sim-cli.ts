// `npm run sim`: the Keepnet simulator standalone. Prints its URL and the seeded credentials,
// runs until Ctrl-C. Every option also reads an environment variable (flag wins).
import { Command, InvalidArgumentError, Option } from 'commander';
import { startKeepnetSimulator } from './keepnet-simulator/index';
import type {
  ParticipantsMode,
  SimulatorOptions,
  UpdateWithoutMembersBehaviour,
} from './keepnet-simulator/types';

function integer(name: string, min: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return parsed;
  };
}

const program = new Command('sim')
  .description('Run the local Keepnet API simulator')
  .addOption(
    new Option('--port <port>', 'TCP port (0 = any free port)')
      .env('SIM_PORT')
      .argParser(integer('--port', 0))
      .default(0),
  )
  .addOption(new Option('--host <host>', 'address to listen on').env('SIM_HOST').default('127.0.0.1'))
  .addOption(
    new Option('--participants-mode <mode>', 'PUT …/participants semantics')
      .choices(['replace', 'additive'])
      .env('SIM_PARTICIPANTS_MODE')
      .default('replace'),
  )
  .addOption(
    new Option('--latency <ms>', 'latency added to every reply')
      .env('SIM_LATENCY_MS')
      .argParser(integer('--latency', 0))
      .default(0),
  )
  .addOption(
    new Option('--rate-limit <perSecond>', 'requests per second per credential (burst = same)')
      .env('SIM_RATE_LIMIT')
      .argParser(integer('--rate-limit', 1)),
  )
  .addOption(
    new Option('--token-lifetime <seconds>', 'access token lifetime')
      .env('SIM_TOKEN_LIFETIME')
      .argParser(integer('--token-lifetime', 1))
      .default(3600),
  )
  .addOption(
    new Option('--seed <n>', 'seed of the generated data')
      .env('SIM_SEED')
      .argParser(integer('--seed', 0))
      .default(42),
  )
  .addOption(
    new Option('--companies <n>', 'companies to seed')
      .env('SIM_COMPANIES')
      .argParser(integer('--companies', 0))
      .default(50),
  )
  .addOption(
    new Option('--extra-groups <n>', 'extra synthetic groups to seed')
      .env('SIM_EXTRA_GROUPS')
      .argParser(integer('--extra-groups', 0))
      .default(0),
  )
  .addOption(
    new Option(
      '--update-without-members <behaviour>',
      'PUT /api/company-groups/{id} without companyResourceIdArray',
    )
      .choices(['clear', 'keep'])
      .env('SIM_UPDATE_WITHOUT_MEMBERS')
      .default('clear'),
  )
  .addOption(
    new Option('--invalid-client-status <status>', 'status of a refused token request')
      .choices(['400', '401'])
      .env('SIM_INVALID_CLIENT_STATUS')
      .default('400'),
  )
  .addOption(
    new Option('--synthetic-export-mb <mb>', 'serve generated exports of about this many MiB')
      .env('SIM_SYNTHETIC_EXPORT_MB')
      .argParser(integer('--synthetic-export-mb', 1)),
  )
  .addOption(new Option('--pascal-case', 'reply with PascalCase JSON keys').env('SIM_PASCAL_CASE'))
  .addOption(
    new Option('--is-success-envelope', 'reply with the { isSuccess, data, messages } envelope').env(
      'SIM_IS_SUCCESS_ENVELOPE',
    ),
  );

program.parse();
const flags = program.opts<{
  port: number;
  host: string;
  participantsMode: ParticipantsMode;
  latency: number;
  rateLimit?: number;
  tokenLifetime: number;
  seed: number;
  companies: number;
  extraGroups: number;
  updateWithoutMembers: UpdateWithoutMembersBehaviour;
  invalidClientStatus: '400' | '401';
  syntheticExportMb?: number;
  pascalCase?: boolean;
  isSuccessEnvelope?: boolean;
}>();

const options: SimulatorOptions = {
  port: flags.port,
  host: flags.host,
  participantsMode: flags.participantsMode,
  updateWithoutMembers: flags.updateWithoutMembers,
  invalidClientStatus: flags.invalidClientStatus === '401' ? 401 : 400,
  syntheticExport: flags.syntheticExportMb ? { bytes: flags.syntheticExportMb * 1024 * 1024 } : null,
  latencyMs: flags.latency,
  rateLimit: flags.rateLimit ? { perSecond: flags.rateLimit, burst: flags.rateLimit } : null,
  tokenLifetimeSeconds: flags.tokenLifetime,
  keyCase: flags.pascalCase ? 'pascal' : 'camel',
  envelope: flags.isSuccessEnvelope ? 'isSuccess' : 'standard',
  seed: { seed: flags.seed, companies: flags.companies, extraGroups: flags.extraGroups },
};

const sim = await startKeepnetSimulator(options);
const { reseller, nonReseller } = sim.credentials;
console.log(`Keepnet simulator listening on ${sim.url}`);
console.log(
  `  reseller credential:      client_id=${reseller.clientId} client_secret=${reseller.clientSecret}`,
);
console.log(
  `  non-reseller credential:  client_id=${nonReseller.clientId} client_secret=${nonReseller.clientSecret}`,
);
console.log(
  `  ${sim.state.companies().length} companies, ${sim.state.groups().length} groups; participants mode: ${flags.participantsMode}`,
);
console.log('  (local, well-known credentials: they open nothing but this simulator)');
console.log('Ctrl-C to stop.');

const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
