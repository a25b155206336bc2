// The shipped module exports what extension pages use and nothing else: benchmark entry points (bulk fills,
// timed summaries) live behind crates/web's "bench" feature and must never reach a package.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { CHROMIUM_DIST } from "./lib/chromium.mjs";

const FIREFOX_DIST = path.join(path.dirname(CHROMIUM_DIST), "firefox");
// What background.js, storage.js (options page) and the classroom lab import from pkg/digitus.js.
const SHIPPED = ["BackupExport", "BackupImport", "default", "demo_message", "handle_message", "import_batch_size", "initSync"];

function jsExports(dist) {
  const js = fs.readFileSync(path.join(dist, "pkg/digitus.js"), "utf8");
  const names = new Set();
  for (const m of js.matchAll(/^export (?:async )?(?:function|class|const|let) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of js.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop().trim();
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

for (const dist of [CHROMIUM_DIST, FIREFOX_DIST]) {
  test(`${path.basename(dist)}: the shipped module exports exactly what the pages use`, async () => {
    assert.deepEqual(jsExports(dist), [...SHIPPED].sort());
    const wasm = await WebAssembly.compile(fs.readFileSync(path.join(dist, "pkg/digitus_bg.wasm")));
    const names = WebAssembly.Module.exports(wasm).map((e) => e.name);
    const bench = names.filter((n) => /bench/i.test(n));
    assert.deepEqual(bench, [], `benchmark exports in the shipped wasm: ${bench.join(", ")}`);
    assert.ok(names.includes("handle_message"), "the background's entry point is exported");
  });
}
