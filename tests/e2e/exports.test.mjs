// The shipped module exports what extension pages use and nothing else: benchmark entry points (bulk fills,
// timed summaries) live behind crates/web's "bench" feature and must never reach a package.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { CHROMIUM_DIST } from "./lib/chromium.mjs";

const FIREFOX_DIST = path.join(path.dirname(CHROMIUM_DIST), "firefox");
// Two modules: the background starts pkg/digitus.js (the recording path alone, so the worker that wakes on
// every page loads the least) and starts pkg/pages.js only when an extension page asks for the history,
// the valuation or a study; storage.js (options page) and the classroom lab load pkg/pages.js too.
const SHIPPED = {
  digitus: ["default", "handle_message", "initSync", "recording_answers", "reload_settings"],
  pages: ["BackupExport", "BackupImport", "default", "demo_message", "handle_page_message", "import_batch_size", "initSync"],
};

function jsExports(dist, name) {
  const js = fs.readFileSync(path.join(dist, `pkg/${name}.js`), "utf8");
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

async function wasmExports(dist, name) {
  const wasm = await WebAssembly.compile(fs.readFileSync(path.join(dist, `pkg/${name}_bg.wasm`)));
  return WebAssembly.Module.exports(wasm).map((e) => e.name);
}

for (const dist of [CHROMIUM_DIST, FIREFOX_DIST]) {
  for (const [name, shipped] of Object.entries(SHIPPED)) {
    test(`${path.basename(dist)}: pkg/${name} exports exactly what its pages use`, async () => {
      assert.deepEqual(jsExports(dist, name), [...shipped].sort());
      const names = await wasmExports(dist, name);
      const bench = names.filter((n) => /bench/i.test(n));
      assert.deepEqual(bench, [], `benchmark exports in the shipped wasm: ${bench.join(", ")}`);
    });
  }
  test(`${path.basename(dist)}: the background module has the entry point and no page-side export`, async () => {
    const background = await wasmExports(dist, "digitus");
    assert.ok(background.includes("handle_message"), "the background's entry point is exported");
    for (const pageSide of ["demo_message", "import_batch_size", "backupexport_open", "backupimport_open"]) {
      assert.ok(!background.includes(pageSide), `${pageSide} is in the background module`);
    }
    for (const pageSide of ["handle_page_message"]) assert.ok(!background.includes(pageSide), `${pageSide} is in the background module`);
    const pages = await wasmExports(dist, "pages");
    assert.ok(pages.includes("demo_message") && pages.includes("handle_page_message"), "pages module: lab and page entries");
    assert.ok(!pages.includes("handle_message") && !pages.includes("reload_settings"), "pages module: no recording entry");
    // Nor does it carry the page-side data (valuation figures, the study export's platform list).
    const bytes = (name) => fs.readFileSync(path.join(dist, `pkg/${name}_bg.wasm`)).toString("latin1");
    for (const marker of ['"$schema": "valuation.schema.json"', '"$schema": "./platforms.schema.json"']) {
      assert.ok(!bytes("digitus").includes(marker), `the background module carries ${marker}`);
      assert.ok(bytes("pages").includes(marker), `the pages module lacks ${marker}`);
    }
  });
}
