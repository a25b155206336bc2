import { ask, localise, t } from "./i18n.js";

let settings;

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function renderSettings() {
  const list = document.getElementById("paused");
  list.replaceChildren(
    ...[...settings.paused_sites].map((site) => {
      const li = document.createElement("li");
      const resume = document.createElement("button");
      resume.textContent = t("resumeButton");
      resume.addEventListener("click", () => save({ ...settings, paused_sites: settings.paused_sites.filter((s) => s !== site) }));
      li.append(`${site} `, resume);
      return li;
    }),
  );
  document.getElementById("record-private").checked = settings.record_private;
  if (document.activeElement?.id !== "local-rules") document.getElementById("local-rules").value = settings.local_rules;
}

async function save(next) {
  // Fresh settings first: the valuation section saves its own fields, which this copy may not have seen.
  const fresh = await ask({ type: "settings" });
  const mine = { paused_sites: next.paused_sites, record_private: next.record_private, local_rules: next.local_rules };
  settings = await ask({ type: "set_settings", settings: { ...fresh, ...mine } });
  renderSettings();
}

async function renderEvents() {
  const { events } = await ask({ type: "recent", limit: 50 });
  document.getElementById("events").replaceChildren(
    ...events.map((e) => {
      const tr = document.createElement("tr");
      const kind = t(`kind_${e.kind}`);
      tr.append(cell(new Date(e.time).toLocaleString()), cell(e.effect === "undo" ? t("undoOf", kind) : kind), cell(e.site), cell(e.rule));
      return tr;
    }),
  );
}

document.getElementById("pause-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("pause-site");
  const site = input.value.trim(); // the core turns what was typed into a registrable domain
  if (!site) return;
  input.value = "";
  save({ ...settings, paused_sites: [...new Set([...settings.paused_sites, site])] });
});

document.getElementById("record-private").addEventListener("change", (event) => save({ ...settings, record_private: event.target.checked }));

document.getElementById("save-rules").addEventListener("click", async () => {
  const status = document.getElementById("rules-status");
  try {
    await save({ ...settings, local_rules: document.getElementById("local-rules").value });
    status.textContent = t("rulesSaved");
    status.className = "status ok";
  } catch (e) {
    status.textContent = e.message;
    status.className = "status bad";
  }
});

localise();
settings = await ask({ type: "settings" });
renderSettings();
await renderEvents();
