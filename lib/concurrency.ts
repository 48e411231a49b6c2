// A bounded pool: `run` over every item, at most `limit` at once, results in item order. Shared by the
// worker (groups of a batch), the plan (member reads) and the journal reader (small S3 objects).

/** `run(item)` for each item with at most `limit` in flight; resolves to the results in item order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
