/**
 * A bounded pool: runs `work` on every item with at most `limit` at a time and
 * returns the results in input order. A failing item does not stop the others;
 * its error is returned in its slot.
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: Error };

export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<Settled<R>[]> {
  const results: Settled<R>[] = new Array(items.length);
  let next = 0;
  const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await work(items[i], i) };
      } catch (e) {
        results[i] = { ok: false, error: e instanceof Error ? e : new Error(String(e)) };
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
