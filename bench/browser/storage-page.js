// Storage benchmark page (run by bench/browser/storage.mjs inside the built extension). The same work is
// done by Digitus (Rust/wasm on rexie: `merge_events`, summary from totals, streamed backup) and by Dexie 4
// (the library Data Selfie and Lightbeam used) on the same synthetic events, in the same browser run.
import init, { BackupExport, bench_events, bench_fill, bench_ingest, bench_summary } from "./pkg/digitus.js";
import Dexie from "./dexie.mjs";

await init({ module_or_path: new URL("./pkg/digitus_bg.wasm", import.meta.url) });
const START = Date.UTC(2025, 10, 29);

function dexie(name) {
  const db = new Dexie(name);
  // Same stores and indexes as Digitus' schema 3.
  db.version(3).stores({ events: "id, time, site, cancels, item", rollups: "key", items: "", settings: "", meta: "", totals: "key" });
  return db;
}

const dayOf = (time, tz) => new Date(time + tz * 60_000).toISOString().slice(0, 10);

/** Adds rollup sums into the totals rows (site × kind) they belong to. */
function totalsOf(rollupSums) {
  const totals = new Map();
  for (const s of rollupSums) {
    const key = `${s.site}|${s.kind}`;
    const t = totals.get(key) ?? { key, site: s.site, kind: s.kind, count: 0, ms: 0, words: 0, labels: 0 };
    t.count += s.count;
    t.ms += s.ms;
    t.words += s.words;
    totals.set(key, t);
  }
  return totals;
}

/** Reads `rows[i]` and adds `sums[i]` to it (or starts from `sums[i]`). */
const added = (rows, sums) =>
  sums.map((s, i) => (rows[i] ? { ...rows[i], count: rows[i].count + s.count, ms: rows[i].ms + s.ms, words: rows[i].words + s.words } : s));

/** The summary's shape (kinds, sites, events, seconds, words) from rollup or totals rows. */
function summarise(rows) {
  const kinds = {};
  const sites = {};
  let events = 0;
  let ms = 0;
  let words = 0;
  for (const r of rows) {
    kinds[r.kind] = (kinds[r.kind] ?? 0) + r.count;
    (sites[r.site] ??= {})[r.kind] = (sites[r.site][r.kind] ?? 0) + r.count;
    events += r.count;
    ms += r.ms;
    words += r.words;
  }
  return { kinds, sites, events, seconds: ms / 1000, words };
}

/** What Digitus' merge does per batch, written idiomatically for Dexie, with the same reads: which ids are
 * stored, which are cancelled by stored events, the stored events on each item and each item's state; then
 * add events, update rollups and items, all in one transaction. */
async function dexieMerge(db, events) {
  await db.transaction("rw", db.events, db.rollups, db.totals, db.items, async () => {
    const ids = events.map((e) => e.id);
    const keys = [...new Set(events.map((e) => e.item).filter(Boolean))];
    const [stored, cancellers, onItems, states] = await Promise.all([
      db.events.bulkGet(ids),
      db.events.where("cancels").anyOf(ids).toArray(),
      db.events.where("item").anyOf(keys).toArray(),
      db.items.bulkGet(keys),
    ]);
    const cancelled = new Set(cancellers.map((e) => e.cancels));
    const fresh = events.filter((e, i) => !stored[i] && !cancelled.has(e.id));
    void onItems, void states;
    const sums = new Map();
    for (const e of fresh) {
      if (e.effect !== "add" || !e.amount) continue;
      const key = `${dayOf(e.time, e.tz)}|${e.site}|${e.kind}`;
      const s = sums.get(key) ?? { key, day: dayOf(e.time, e.tz), site: e.site, kind: e.kind, count: 0, ms: 0, words: 0, labels: 0 };
      s.count += e.amount;
      s.ms += e.duration_ms;
      s.words += e.words ?? 0;
      sums.set(key, s);
    }
    const totals = totalsOf(sums.values());
    const [rows, totalRows] = await Promise.all([db.rollups.bulkGet([...sums.keys()]), db.totals.bulkGet([...totals.keys()])]);
    const items = fresh.filter((e) => e.item && e.effect === "add");
    await Promise.all([
      db.events.bulkAdd(fresh),
      db.rollups.bulkPut(added(rows, [...sums.values()])),
      db.totals.bulkPut(added(totalRows, [...totals.values()])),
      db.items.bulkPut(
        items.map((e) => ({ event_id: e.id, kind: e.kind, time: e.time, value: e.value ?? null })),
        items.map((e) => e.item),
      ),
    ]);
  });
}

window.bench = {
  async wasmIngest(db, from, to, batch) {
    return bench_ingest(db, from, to, batch, START);
  },
  async dexieIngest(name, from, to, batch) {
    const db = dexie(name);
    await db.open();
    // Events are generated (by the same Rust code) before timing: only storage is measured.
    let ms = 0;
    for (let i = from; i < to; i += batch) {
      const events = bench_events(i, Math.min(i + batch, to), START);
      const t = performance.now();
      await dexieMerge(db, events);
      ms += performance.now() - t;
    }
    db.close();
    return ms;
  },
  async wasmFill(db, n) {
    return bench_fill(db, n, START);
  },
  async dexieFill(name, n) {
    // Same as bench_fill: events in chunks of 10,000 (bulkAdd), rollups summed in memory and written at the end.
    const db = dexie(name);
    await db.open();
    let ms = 0;
    const sums = new Map();
    for (let i = 0; i < n; i += 10_000) {
      const events = bench_events(i, Math.min(i + 10_000, n), START);
      const t = performance.now();
      for (const e of events) {
        const key = `${dayOf(e.time, e.tz)}|${e.site}|${e.kind}`;
        const s = sums.get(key) ?? { key, day: dayOf(e.time, e.tz), site: e.site, kind: e.kind, count: 0, ms: 0, words: 0, labels: 0 };
        s.count += e.amount;
        s.ms += e.duration_ms;
        s.words += e.words ?? 0;
        sums.set(key, s);
      }
      await db.events.bulkAdd(events);
      ms += performance.now() - t;
    }
    const t = performance.now();
    await db.rollups.bulkPut([...sums.values()]);
    await db.totals.bulkPut([...totalsOf(sums.values()).values()]);
    ms += performance.now() - t;
    db.close();
    return ms;
  },
  async wasmSummary(db, reads) {
    return bench_summary(db, reads);
  },
  /** Dexie reading the rollups by day (14,360 rows for a year), as Digitus did before the totals. */
  async dexieSummary(name) {
    const db = dexie(name);
    await db.open();
    const t = performance.now();
    const rows = await db.rollups.toArray();
    const { events } = summarise(rows);
    const ms = performance.now() - t;
    db.close();
    return { ms, events, rollups: rows.length };
  },
  /** Dexie reading the same totals rows Digitus reads (site × kind). */
  async dexieTotalsSummary(name, reads) {
    const db = dexie(name);
    await db.open();
    await db.totals.toArray(); // as Digitus's side: one untimed read on the open database first
    let rows;
    let events;
    const t = performance.now();
    for (let i = 0; i < reads; i++) {
      rows = await db.totals.toArray();
      ({ events } = summarise(rows));
    }
    const ms = (performance.now() - t) / reads;
    db.close();
    return { ms, events, totals: rows.length };
  },
  async dexieScanSummary(name) {
    // What a tool without rollups does: read every event.
    const db = dexie(name);
    await db.open();
    const t = performance.now();
    let events = 0;
    await db.events.each((e) => {
      if (e.effect === "add") events += e.amount;
    });
    const ms = performance.now() - t;
    db.close();
    return { ms, events };
  },
  async wasmExport(db) {
    const t = performance.now();
    const exporter = await BackupExport.open(db);
    const parts = [];
    for (let c; (c = await exporter.step(5000)) !== undefined; ) parts.push(c);
    const blob = new Blob([await exporter.head(), ...parts, exporter.tail()], { type: "application/json" });
    const ms = performance.now() - t;
    const events = exporter.done();
    exporter.close();
    return { ms, bytes: blob.size, events };
  },
  async dexieExport(name) {
    const db = dexie(name);
    await db.open();
    const t = performance.now();
    const parts = [];
    let last;
    let n = 0;
    for (;;) {
      const page = await (last === undefined ? db.events.orderBy(":id") : db.events.where(":id").above(last)).limit(5000).toArray();
      if (!page.length) break;
      parts.push(page.map((e) => JSON.stringify(e)).join(",\n"));
      last = page[page.length - 1].id;
      n += page.length;
    }
    const head = JSON.stringify({ format: "digitus-backup", version: 1, exported_at: Date.now(), install_id: "bench", counts: { events: n } });
    const blob = new Blob([head.slice(0, -1), ',"events":[\n', parts.join(",\n"), "\n]}\n"], { type: "application/json" });
    const ms = performance.now() - t;
    db.close();
    return { ms, bytes: blob.size, events: n };
  },
  /** Time to build `n` events in Rust and convert them to JS objects (part of every Digitus write). */
  convert(n) {
    const t = performance.now();
    for (let i = 0; i < n; i += 10_000) bench_events(i, Math.min(i + 10_000, n), START);
    return performance.now() - t;
  },
  async wipe(name) {
    await Dexie.delete(name);
  },
};
document.getElementById("state").textContent = "ready";
