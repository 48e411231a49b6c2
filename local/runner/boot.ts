// Builds the LocalSystem for `npm start` from the local/ stand-ins: the local stack (Keepnet simulator,
// Secrets Manager, s3rver with its files under the data directory), the SQS FIFO queue with its DLQ,
// and the EventBridge stand-in. Everything listens on 127.0.0.1, port 0.

import { startEmulators } from '../emulators';
import { startEventBridge } from '../eventbridge';
import { runFifoConsumers, startSqs } from '../sqs-fifo';
import { plainFilesDirectory, s3Directory, simulatorStateFile } from './data-dir';
import type { LocalSystem } from './local-system';
import { EXAMPLE_GROUP_RULES } from './scenario';

/** Where the run keeps its state, how many companies to seed, and the run tag. */
export interface BootOptions {
  /** Everything kept between runs lives here: the simulator's state and s3rver's files (data-dir.ts). */
  dataDir: string;
  /** Seeded customer companies in the simulator (used when it has no kept state yet). */
  companies?: number;
  /** This run's tag: keys the poller's watermark, so each run starts the poller from its own baseline. */
  tag: string;
}

const POLLER_STATE_BUCKET = 'keepnet-poller-state';
/** The local onboarding bus (deployed: `<stackName>-onboarding`, the stack's own bus). */
const LOCAL_EVENT_BUS_NAME = 'keepnet-onboarding';

/** Visibility timeouts run 10× faster locally: a failed message comes back in 3 s, not 30 s (shorter would
 * redeliver messages a slow batch is still working on). */
const QUEUE_TIME_SCALE = 0.1;

/** Starts every stand-in and returns them as one LocalSystem; if a start fails, the ones already up are closed. */
export async function bootLocalSystem(options: BootOptions): Promise<LocalSystem> {
  const stack = await startEmulators({
    dataDir: s3Directory(options.dataDir),
    buckets: [POLLER_STATE_BUCKET],
    simulator: {
      seed: { companies: options.companies ?? 50 },
      stateFile: simulatorStateFile(options.dataDir),
    },
  });
  const closers: (() => Promise<void>)[] = [() => stack.close()];
  try {
    const sqs = await startSqs({ timeScale: QUEUE_TIME_SCALE });
    closers.push(() => sqs.close());
    const maxReceiveCount = 3;
    const { queueUrl, dlqUrl } = sqs.createFifoQueueWithDlq('keepnet-onboarding.fifo', { maxReceiveCount });

    // No target: the runner collects what the poller publishes and hands it to the router itself, so
    // the order of steps (and of the progress output) stays deterministic.
    const eventBridge = await startEventBridge({ busName: LOCAL_EVENT_BUS_NAME });
    closers.push(() => eventBridge.close());

    const env: Record<string, string> = {
      ...stack.env,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
      // The poller publishes to the onboarding bus, as deployed (the stand-in has no other).
      EVENT_BUS_NAME: LOCAL_EVENT_BUS_NAME,
      ONBOARDING_QUEUE_URL: queueUrl,
      ONBOARDING_DLQ_URL: dlqUrl,
      // The local queue's redrive count, as infra wires the deployed one (dlqMaxReceiveCount).
      ONBOARDING_MAX_RECEIVE_COUNT: String(maxReceiveCount),
      GROUP_RULES: JSON.stringify(EXAMPLE_GROUP_RULES),
      PARTICIPANTS_MODE: 'union',
      EXPORT_PREFIX: 'exports/',
      POLLER_STATE_BUCKET,
      // Next to the poller's state, as the stack puts them.
      OPERATIONS_BUCKET: POLLER_STATE_BUCKET,
      POLLER_STATE_KEY: `company-poller/runs/${options.tag}/watermark.json`,
      POWERTOOLS_SERVICE_NAME: 'keepnet-local',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };

    return {
      simulator: stack.keepnet,
      env,
      s3: {
        endpoint: stack.s3.url,
        bucket: stack.env.EXPORT_BUCKET!,
        directory: stack.s3.directory,
        files: plainFilesDirectory(options.dataDir),
        onWrite: (listener) => stack.s3.onWrite(listener),
      },
      queue: {
        url: queueUrl,
        dlqUrl,
        async drain(worker) {
          const deadBefore = sqs.messages(dlqUrl).length;
          const consumers = runFifoConsumers({ queueUrl, handler: (event) => worker(event) });
          try {
            await consumers.drained({ timeoutMs: 30_000 });
          } finally {
            await consumers.stop();
          }
          const { invocations, records, failures } = consumers.stats;
          return {
            invocations,
            records,
            retried: failures,
            deadLettered: sqs.messages(dlqUrl).length - deadBefore,
          };
        },
        consume(worker) {
          // Runs until shutdown: Lambda's 20 s long poll, so an idle queue costs next to no CPU.
          return runFifoConsumers({ queueUrl, handler: (event) => worker(event), waitTimeSeconds: 20 });
        },
      },
      events: {
        async takeCompanyCreated() {
          await eventBridge.settled();
          const events = eventBridge
            .events()
            .map((recorded) => recorded.event)
            .filter((event) => event['detail-type'] === 'CompanyCreated');
          eventBridge.clear();
          return events;
        },
      },
      describe: () => [
        `Keepnet simulator  ${stack.keepnet.url}  state: ${simulatorStateFile(options.dataDir)}`,
        `Secrets Manager    ${stack.secrets.url}`,
        `S3 (s3rver)        ${stack.s3.url}  files: ${plainFilesDirectory(options.dataDir)} (named as their keys)`,
        `SQS (FIFO + DLQ)   ${sqs.url}  ${queueUrl}`,
        `EventBridge        ${eventBridge.url}`,
      ],
      close: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}
