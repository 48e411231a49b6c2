// Waiting for a group operation to settle: its record is polled in the operation store until the worker
// writes `succeeded` or `failed`. While it waits, stderr shows a spinner on a terminal, and otherwise a
// plain line now and then (logs and CI output must not fill with carriage returns).
import type { OperationRecord } from '../lib/operations/operation';
import { type OperationStore, OperationStoreError } from '../lib/operations/store';
import { NotFoundError, OperationPendingError } from './exit-codes';
import type { CliIo } from './output';

/** How long `--wait` waits for an operation by default (seconds). */
export const DEFAULT_WAIT_SECONDS = 120;

/** Polling starts quick (the local worker settles in well under a second) and backs off to this. */
const FIRST_POLL_MS = 200;
const MAX_POLL_MS = 2_000;
/** Without a terminal: one "still pending" line this often. */
const PLAIN_PROGRESS_EVERY_MS = 10_000;
const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_FRAME_MS = 100;

/** How long to wait, and the clock (tests inject `sleep`). */
export interface WaitOptions {
  timeoutSeconds: number;
  /** Injected by tests; real time otherwise. */
  sleep?: (ms: number) => Promise<void>;
}

interface Progress {
  tick(elapsedMs: number): void;
  stop(): void;
}

/**
 * A hand-rolled spinner: the CLI needs one line redrawn on stderr, which is less code than a
 * dependency (none of the spinner packages is installed here).
 */
function progressOn(io: CliIo, operationId: string, timeoutSeconds: number): Progress {
  if (io.stderr.isTTY === true) {
    let frame = 0;
    const started = Date.now();
    const draw = () => {
      const seconds = Math.floor((Date.now() - started) / 1000);
      io.stderr.write(
        `\r${SPINNER_FRAMES[frame++ % SPINNER_FRAMES.length]} ${operationId}: pending (${seconds} s)\x1b[K`,
      );
    };
    draw();
    const timer = setInterval(draw, SPINNER_FRAME_MS);
    // Never keeps the process alive on its own.
    timer.unref();
    return {
      tick: () => undefined,
      stop: () => {
        clearInterval(timer);
        io.stderr.write('\r\x1b[K');
      },
    };
  }
  io.stderr.write(`${operationId}: pending; waiting up to ${timeoutSeconds} s for the onboarding worker\n`);
  let nextLine = PLAIN_PROGRESS_EVERY_MS;
  return {
    tick: (elapsedMs) => {
      if (elapsedMs < nextLine) return;
      nextLine += PLAIN_PROGRESS_EVERY_MS;
      io.stderr.write(`${operationId}: still pending after ${Math.round(elapsedMs / 1000)} s\n`);
    },
    stop: () => undefined,
  };
}

/**
 * One more read of a pending record. An unreadable object is read as "not yet" while time is left: the
 * local S3 (s3rver) writes objects in place, so a read racing the worker's write can see half a record;
 * S3 itself never shows a partial object, and a record that stays unreadable still fails at the deadline.
 */
async function readAgain(
  store: OperationStore,
  operationId: string,
  timeLeft: () => boolean,
): Promise<OperationRecord | undefined> {
  try {
    return await store.get(operationId);
  } catch (error) {
    if (error instanceof OperationStoreError && timeLeft()) return undefined;
    throw error;
  }
}

/** The first read, tried again (briefly) while the record reads as unreadable: see readAgain. */
async function firstRead(
  store: OperationStore,
  operationId: string,
  sleep: (ms: number) => Promise<void>,
  timeLeft: () => boolean,
): Promise<OperationRecord | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.get(operationId);
    } catch (error) {
      if (!(error instanceof OperationStoreError) || attempt >= 5 || !timeLeft()) throw error;
      await sleep(FIRST_POLL_MS);
    }
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The operation's record once it is no longer pending. Throws OperationPendingError when `timeoutSeconds`
 * pass first (the operation may still be applied later), NotFoundError when there is no record.
 */
export async function waitForOperation(
  store: OperationStore,
  operationId: string,
  io: CliIo,
  options: WaitOptions,
): Promise<OperationRecord> {
  const sleep = options.sleep ?? realSleep;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const started = Date.now();
  let record = await firstRead(store, operationId, sleep, () => deadline - Date.now() > 0);
  if (!record) throw new NotFoundError(`no operation ${operationId} (unknown, or expired)`);
  if (record.status !== 'pending') return record;
  const progress = progressOn(io, operationId, options.timeoutSeconds);
  try {
    let pause = FIRST_POLL_MS;
    while (record.status === 'pending') {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new OperationPendingError(
          `operation ${operationId} still pending after ${options.timeoutSeconds} s; it may yet be applied: ` +
            `check with \`operations get ${operationId} --wait\``,
        );
      }
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, MAX_POLL_MS);
      progress.tick(Date.now() - started);
      record = (await readAgain(store, operationId, () => deadline - Date.now() > 0)) ?? record;
    }
    return record;
  } finally {
    progress.stop();
  }
}
