// Page of bench/browser/storage-ab.mjs: this build's module (pkg/) and a baseline build's (pkg-old/) loaded side by side.
import initNew, * as N from "./pkg/digitus.js";
import initOld, * as O from "./pkg-old/digitus.js";
await initNew({ module_or_path: new URL("./pkg/digitus_bg.wasm", import.meta.url) });
await initOld({ module_or_path: new URL("./pkg-old/digitus_bg.wasm", import.meta.url) });
const START = Date.UTC(2025, 10, 29);
async function exportWith(M, db) {
  const t = performance.now();
  const exporter = await M.BackupExport.open(db);
  const parts = [];
  for (let c; (c = await exporter.step(5000)) !== undefined; ) parts.push(c);
  const blob = new Blob([await exporter.head(), ...parts, exporter.tail()], { type: "application/json" });
  const ms = performance.now() - t;
  const events = exporter.done();
  exporter.close?.(); // builds before the export's close() leave the connection to the page's end
  return { ms, bytes: blob.size, events, text: await blob.text() };
}
window.ab = {
  fill: (db, n) => N.bench_fill(db, n, START),
  ingest: (which, db, n) => (which === "new" ? N : O).bench_ingest(db, 0, n, 2000, START),
  async exportBoth(db) {
    const o = await exportWith(O, db);
    const n = await exportWith(N, db);
    // The two files must be the same but for the export time in the header.
    const strip = (t) => t.replace(/"exported_at":[0-9.e+]+/, "");
    return { old: o.ms, new: n.ms, same: strip(o.text) === strip(n.text), bytes: n.bytes };
  },
  async wipe(name) { await new Promise((r) => { const q = indexedDB.deleteDatabase(name); q.onsuccess = q.onerror = q.onblocked = r; }); },
};
document.getElementById("state").textContent = "ready";
