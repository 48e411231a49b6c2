// What `npm start` prints while it works: one line per step, with its duration, so a developer sees
// where time goes and which step failed. Steps whose module has not landed yet are reported as skipped.

/** Thrown by a step whose function or stand-in is not there yet: Progress reports it as skipped, not failed. */
export class StepUnavailableError extends Error {
  override readonly name = 'StepUnavailableError';
}

/** How a step ended: its value, or skipped with the reason. */
export interface StepOutcome<T> {
  status: 'done' | 'skipped';
  value?: T;
  note?: string;
}

/** Prints the numbered steps of a run (start, duration, skip or failure) to `out`. */
export class Progress {
  private index = 0;

  constructor(private readonly out: { write(text: string): unknown } = process.stdout) {}

  line(text = ''): void {
    this.out.write(`${text}\n`);
  }

  detail(text: string): void {
    this.out.write(`      ${text}\n`);
  }

  /**
   * Runs one step. A StepUnavailableError (a function or stand-in not built yet) skips it with a
   * note; any other error is reported and rethrown, failing the run.
   */
  async step<T>(title: string, run: () => Promise<T>): Promise<StepOutcome<T>> {
    this.index += 1;
    const label = `[${this.index}] ${title}`;
    this.out.write(`  … ${label}\n`);
    const startedAt = Date.now();
    try {
      const value = await run();
      this.out.write(`  ✓ ${label} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`);
      return { status: 'done', value };
    } catch (error) {
      if (error instanceof StepUnavailableError) {
        this.out.write(`  - ${label}: skipped, not available yet (${error.message})\n`);
        return { status: 'skipped', note: error.message };
      }
      this.out.write(`  ✗ ${label}: ${error instanceof Error ? error.message : String(error)}\n`);
      throw error;
    }
  }
}
