// The request loops of a merge batch (crates/web/src/raw.rs): thousands of IndexedDB requests issued by
// one call from wasm instead of one call (and one string copy) per request. Only the last request of a
// round is awaited: requests of a transaction complete in the order they were issued, and a failed one
// that nobody handles aborts the transaction, so the last one then fails too.

/** Resolves with `answer()` once `last` succeeded (at once without requests); rejects with its error. */
function settled(last, answer) {
  return new Promise((resolve, reject) => {
    if (!last) return resolve(answer());
    last.onsuccess = () => resolve(answer());
    last.onerror = () => reject(last.error);
  });
}

/**
 * What the events store holds about a merge batch, as one JSON text: for each id, whether it is stored and
 * whether a stored event cancels it; for each target (an id the batch cancels), the stored event and whether
 * a stored event already cancels it; for each item key, the stored events on it.
 */
export function mergeReads(events, ids, targets, keys) {
  const byCancels = events.index("cancels");
  const byItem = events.index("item");
  const stored = ids.map((id) => events.getKey(id));
  const cancelled = ids.map((id) => byCancels.count(id));
  const targetRows = targets.map((id) => events.get(id));
  const targetCancelled = targets.map((id) => byCancels.count(id));
  const onItems = keys.map((key) => byItem.getAll(key));
  const last = onItems.at(-1) ?? targetCancelled.at(-1) ?? cancelled.at(-1);
  return settled(last, () =>
    JSON.stringify({
      stored: stored.map((r) => r.result !== undefined),
      cancelled: cancelled.map((r) => r.result > 0),
      targets: targetRows.map((r) => r.result ?? null),
      target_cancelled: targetCancelled.map((r) => r.result > 0),
      on_items: onItems.map((r) => r.result),
    }),
  );
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
