// Options page, storage sections: backup (streamed export), import (whole file checked first, then
// batches with progress), retention, forget a site, delete everything (with a confirmation step).
// Export and import run here, on the extension's IndexedDB through the wasm core (pkg/pages.js, the pages module: the background loads the smaller pkg/digitus.js): a
// year of clicks is more than a runtime message may carry. The rest goes through the background's API.
import init, { BackupExport, BackupImport, import_batch_size } from "./pkg/pages.js";
import { ask, coreVocabulary, formatNumber, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let wasm;
const ready = () => (wasm ??= init({ module_or_path: new URL("./pkg/pages_bg.wasm", import.meta.url) }));

function say(id, text, kind = "") {
  const el = $(id);
  el.textContent = text;
  el.className = `status ${kind}`.trim();
}

const pct = (done, total) => (total ? Math.floor((100 * done) / total) : 100);

/** Shows a storage failure (a full disk) reported by the background; hides it once writes succeed. */
export async function showStorageError(el = $("storage-error")) {
  if (!el) return;
  try {
    const status = await ask({ type: "status" });
    el.hidden = !status.storage_error;
    if (status.storage_error) el.textContent = t("storageFull", status.storage_error);
    return status;
  } catch (e) {
    el.hidden = false;
    el.textContent = t("storageFull", e.message);
  }
}

async function exportBackup() {
  const button = $("export");
  button.disabled = true;
  $("export-link").hidden = true;
  let exporter;
  try {
    await ready();
    // Paused sites and the install id only when the user asks for a full backup.
    exporter = await BackupExport.open(undefined, $("export-full").checked);
    const parts = [];
    for (let chunk; (chunk = await exporter.step(5000)) !== undefined; ) {
      parts.push(chunk);
      say("export-status", t("exportProgress", pct(exporter.done(), exporter.total())));
    }
    const head = await exporter.head();
    const blob = new Blob([head, ...parts, exporter.tail()], { type: "application/json" });
    const link = $("export-link");
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(blob);
    link.download = `digitus-backup-${new Date().toISOString().slice(0, 10)}.json`;
    link.hidden = false;
    say("export-status", t("exportDone", formatNumber(exporter.done())), "ok");
    link.click();
  } catch (e) {
    say("export-status", String(e.message ?? e), "bad");
  } finally {
    exporter?.close(); // its connection to the database, which would hold back an upgrade or a deletion
    button.disabled = false;
  }
}

async function importBackup(file) {
  const input = $("import-file");
  input.disabled = true;
  const bar = $("import-progress");
  bar.value = 0;
  bar.hidden = false;
  try {
    say("import-status", t("importChecking"));
    await ready();
    const text = await file.text();
    // Checks the whole file; throws the named problem before anything is written.
    const importer = await BackupImport.open(text);
    let p;
    do {
      p = await importer.step(import_batch_size());
      bar.value = pct(p.done, p.total);
      say("import-status", t("importProgress", pct(p.done, p.total)));
    } while (!p.finished);
    importer.close();
    say("import-status", t("importDone", formatNumber(p.added), formatNumber(p.already)), "ok");
  } catch (e) {
    // Batches written before a failure stay written (each is complete): say so, not "nothing imported".
    const message = String(e.message ?? e);
    say("import-status", e.written > 0 ? t("importPartial", formatNumber(e.written), message) : t("importRefused", message), "bad");
  } finally {
    input.disabled = false;
    input.value = "";
    await showStorageError();
  }
}

async function renderRetention() {
  const status = await showStorageError();
  const days = status?.retention_days ?? null;
  $("retention-forever").checked = days === null;
  $("retention-window").checked = days !== null;
  if (days !== null) $("retention-days").value = days;
}

$("export").addEventListener("click", exportBackup);
$("import-file").addEventListener("change", (event) => {
  const file = event.target.files?.[0];
  if (file) importBackup(file);
});

$("retention-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const days = $("retention-window").checked ? Number($("retention-days").value) : null;
  try {
    const answer = await ask({ type: "set_retention", days, now: Date.now() });
    say("retention-status", t("retentionSaved", formatNumber(answer.pruned)), "ok");
  } catch (e) {
    say("retention-status", e.message, "bad");
  }
});

$("forget-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("forget-site");
  const site = input.value.trim(); // the core turns what was typed into a registrable domain
  if (!site) return;
  try {
    const answer = await ask({ type: "forget_site", site });
    input.value = "";
    say("forget-status", t("forgetDone", answer.site, formatNumber(answer.forgotten)), "ok");
  } catch (e) {
    say("forget-status", e.message, "bad");
  }
});

$("delete-all").addEventListener("click", async () => {
  const status = await ask({ type: "status" });
  $("delete-question").textContent = t("deleteConfirm", formatNumber(status.events));
  $("delete-confirm").hidden = false;
  $("delete-all").hidden = true;
  say("delete-status", "");
});
$("delete-no").addEventListener("click", () => {
  $("delete-confirm").hidden = true;
  $("delete-all").hidden = false;
});
$("delete-yes").addEventListener("click", async () => {
  try {
    const { delete_confirmation } = await coreVocabulary();
    await ask({ type: "delete_everything", confirm: delete_confirmation });
    say("delete-status", t("deleteDone"), "ok");
  } catch (e) {
    say("delete-status", e.message, "bad");
  } finally {
    $("delete-confirm").hidden = true;
    $("delete-all").hidden = false;
  }
});

renderRetention();
