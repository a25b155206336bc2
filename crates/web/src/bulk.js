// The request loops of a merge batch (crates/web/src/raw.rs): thousands of IndexedDB requests issued by
// one call from wasm instead of one call (and one string copy) per request. Only the last request of a
// round is awaited: requests of a transaction complete in the order they were issued, and a failed one
// that nobody handles aborts the transaction, so the last one then fails too.

/**
 * What the events store holds about a merge batch, as one JSON text: for each id, whether it is stored and
 * whether a stored event cancels it; for each target (an id the batch cancels), the stored event and whether
 * a stored event already cancels it; for each item key, the stored events on it.
 *
 * The `cancels` index holds only undos and changes, so it is first counted between the lowest and highest
 * id asked about: none (an import into a new profile) answers every "cancelled?" at once; a few are read in
 * one request; only many cost a count per id, in a second round.
 */
export function mergeReads(events, ids, targets, keys) {
  const byCancels = events.index("cancels");
  const byItem = events.index("item");
  const asked = ids.concat(targets);
  const stored = ids.map((id) => events.getKey(id));
  const targetRows = targets.map((id) => events.get(id));
  const onItems = keys.map((key) => byItem.getAll(key));
  let range = null;
  if (asked.length) {
    let [low, high] = [asked[0], asked[0]];
    for (const id of asked) {
      if (indexedDB.cmp(id, low) < 0) low = id;
      if (indexedDB.cmp(id, high) > 0) high = id;
    }
    range = IDBKeyRange.bound(low, high);
  }
  const cancellers = range && byCancels.count(range);
  const answer = (isCancelled) =>
    JSON.stringify({
      stored: stored.map((r) => r.result !== undefined),
      cancelled: ids.map(isCancelled),
      targets: targetRows.map((r) => r.result ?? null),
      target_cancelled: targets.map(isCancelled),
      on_items: onItems.map((r) => r.result),
    });
  return new Promise((resolve, reject) => {
    const fail = (request) => () => reject(request.error);
    if (!cancellers) return resolve(answer(() => false));
    cancellers.onerror = fail(cancellers);
    cancellers.onsuccess = () => {
      const n = cancellers.result;
      if (n === 0) return resolve(answer(() => false));
      if (n <= 4 * asked.length + 100) {
        const rows = byCancels.getAll(range);
        rows.onerror = fail(rows);
        rows.onsuccess = () => {
          const cancelled = new Set(rows.result.map((e) => e.cancels));
          resolve(answer((id) => cancelled.has(id)));
        };
        return;
      }
      const counts = new Map(asked.map((id) => [id, byCancels.count(id)]));
      const last = counts.get(asked.at(-1));
      last.onerror = fail(last);
      last.onsuccess = () => resolve(answer((id) => counts.get(id).result > 0));
    };
  });
}

/** Adds `rows[i]` for each i of `indices`; answers the last request (null if none). */
export function addRows(store, rows, indices) {
  let last = null;
  for (const i of indices) last = store.add(rows[i]);
  return last;
}

/** Puts `rows[i]` under `keys[i]`; answers the last request (null if none). */
export function putRows(store, rows, keys) {
  let last = null;
  for (let i = 0; i < rows.length; i++) last = store.put(rows[i], keys[i]);
  return last;
}

/** Deletes every key; answers the last request (null if none). */
export function deleteKeys(store, keys) {
  let last = null;
  for (const key of keys) last = store.delete(key);
  return last;
}
