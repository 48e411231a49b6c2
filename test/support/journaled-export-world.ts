// The export world plus the write journal: what the tests of the nightly run's attribution and report
// share.
import type { ExportContext } from '../../lib/exports';
import { operationStoreFromEnv } from '../../lib/operations/config';
import type { OperationStore } from '../../lib/operations/store';
import { type ExportWorld, startExportWorld } from './export-world';

/** An export world whose nightly contexts read the journal of group writes. */
export interface JournaledExportWorld extends ExportWorld {
  store: OperationStore;
  /** A nightly run's context under `prefix`, reading the journal. */
  context(prefix: string, scheduledTime: Date): ExportContext;
}

/** Starts an export world with the default emulators and opens its operation store. */
export async function startJournaledExportWorld(): Promise<JournaledExportWorld> {
  const world = await startExportWorld();
  const store = operationStoreFromEnv(world.stack.env, world.s3)!;
  return {
    ...world,
    store,
    context: (prefix, scheduledTime) => ({
      ...world.context(prefix, scheduledTime),
      journal: (from, to) => store.journalBetween(from, to),
    }),
  };
}
