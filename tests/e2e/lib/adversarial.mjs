// Shared by tests/e2e/adversarial.{chromium,firefox}.test.mjs: the test copy of the extension with the
// probe content script, the checks on what the probe heard back, and the hostile backup files.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** A copy of the built extension `dist` with lib/probe.js as a content script on probe.example.com only
 * (the shipped package never has it). Returns the copy's directory. */
export function probeCopy(dist) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-probe-"));
  fs.cpSync(dist, dir, { recursive: true });
  fs.copyFileSync(path.join(HERE, "probe.js"), path.join(dir, "content/probe.js"));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  manifest.content_scripts.push({ matches: ["https://probe.example.com/*"], js: ["content/probe.js"], run_at: "document_idle" });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

export const PROBE_URL = "https://probe.example.com/index.html";

/** What a compromised content script heard back: every read and management request refused with code
 * "forbidden"; sensing answered with its own ids and outcomes only; captcha_watch answered. */
export function checkProbe(probe, { secretSite }) {
  assert.equal(probe.reads.length, 12);
  for (const { type, answer } of probe.reads) {
    assert.equal(answer?.code, "forbidden", `${type} refused to a content script: ${JSON.stringify(answer)}`);
    assert.equal(Object.keys(answer).sort().join(","), "code,error", `${type}: nothing but the refusal`);
  }
  const text = JSON.stringify(probe);
  assert.ok(!text.includes(secretSite), "no paused site leaked");
  for (const answer of probe.sense) {
    assert.ok(Array.isArray(answer.outcomes), JSON.stringify(answer));
    for (const o of answer.outcomes) {
      assert.deepEqual(Object.keys(o).filter((k) => !["outcome", "id"].includes(k)), [], `only its own id and outcome: ${JSON.stringify(o)}`);
    }
  }
  assert.ok(!text.includes("cancels") && !text.includes("\"rule\""), text);
  assert.ok(Array.isArray(probe.watch?.fields), "captcha_watch still answers content scripts");
}

const T0 = 1_795_995_000_000;
const event = (over = {}) => ({ id: "h1", kind: "like", site: "example.org", time: T0, tz: 0, duration_ms: 2650, duration_measured: false, rule: "r@1", effect: "add", amount: 1, ...over });
const file = (events, over = {}) =>
  JSON.stringify({ format: "digitus-backup", version: 1, exported_at: T0, install_id: "", app: "hostile", counts: { events: events.length, kinds: Object.fromEntries(events.map((e) => [e.kind, events.filter((x) => x.kind === e.kind).length])) }, events, ...over });

/** Hostile backup files: each must be refused with its problem named, and change nothing. */
export const HOSTILE_BACKUPS = [
  { name: "proto-site.json", text: file([event({ site: "__proto__" })]), says: "site" },
  { name: "constructor-site.json", text: file([event({ site: "constructor" })]), says: "site" },
  { name: "polluting-settings.json", text: file([event()], { settings: JSON.parse('{"__proto__": {"polluted": true}}') }), says: "__proto__" },
  { name: "huge-value.json", text: file([event({ kind: "rating", value: 2000000 })]), says: "value" },
  { name: "year-300000.json", text: file([event({ time: 9.4e15 })]), says: "time" },
  { name: "tz-min.json", text: file([event({ tz: -2147483648 })]), says: "tz" },
  { name: "truncated.json", text: file([event(), event({ id: "h2" })]).slice(0, -40), says: "" },
  { name: "spliced-counts.json", text: file([event()]).replace('"events":1', '"events":2'), says: "counts" },
];
