/**
 * Reads a batch shares: each key is read at most once while the batch runs, and a failed read
 * is not kept (the next record that asks reads again). Made per invocation, so nothing outlives it.
 */
export function readOncePerKey<V>(read: (key: string) => Promise<V>): (key: string) => Promise<V> {
  const reads = new Map<string, Promise<V>>();
  return (key) => {
    let pending = reads.get(key);
    if (!pending) {
      pending = read(key);
      pending.catch(() => reads.delete(key));
      reads.set(key, pending);
    }
    return pending;
  };
}

/** The same for one value (the opt-out change marker). */
export function readOncePerBatch<V>(read: () => Promise<V>): () => Promise<V> {
  const once = readOncePerKey(() => read());
  return () => once('');
}
