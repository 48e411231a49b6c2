// Time and chance, injectable so retry timing can be tested without waiting.
import { setTimeout as delay } from 'node:timers/promises';

/** Time and chance, injectable so retry timing can be tested without waiting. */
export interface Runtime {
  /** Epoch milliseconds (compared with CallOptions.deadline). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

/** The real clock, timers and `Math.random`. */
export const systemRuntime: Runtime = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
  random: () => Math.random(),
};
