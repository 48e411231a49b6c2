// Things a function builds on first use rather than at module load: SDK clients and the modules that
// only an invocation needs (zod schemas, the router, the worker). Module load is the cold start a
// Lambda pays before its first event; configuration is still read then (functions/<name>/config.ts; the api
// reads only what every route needs, and its optional route settings on first use), so a bad deployment
// keeps failing at init with the variable named.

/**
 * `create()` on the first call, the same value on every later call (one per process). One line per
 * client: `const sqs = lazy(() => new SQSClient({}));` then `sqs()` where it is used.
 */
export function lazy<T>(create: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = create();
      made = true;
    }
    return value;
  };
}

/** Every {@link lazyAsync} of this module instance, for {@link loadDeferred}. */
const deferred = new Set<() => Promise<unknown>>();

/**
 * Like {@link lazy} for a promise (a dynamic `import()`): loaded once; a rejected load is forgotten, so
 * the next invocation tries again instead of failing for the life of the container.
 */
export function lazyAsync<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  const get = () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  deferred.add(get);
  return get;
}

/**
 * Loads now everything deferred so far. For whoever must control when that happens: a test that loads a
 * handler in an isolated module registry (Jest's `isolateModulesAsync`) calls it inside, so the handler's
 * deferred modules join that registry (and its spies), not the shared one.
 */
export async function loadDeferred(): Promise<void> {
  await Promise.all([...deferred].map((load) => load()));
}
