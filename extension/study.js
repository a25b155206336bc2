// The participant's study page: import a study file, read its consent text in the browser's language,
// join, preview the exact rows, save them as a zip (fflate, vendored), leave. Every judgement (is the
// file valid, what the rows are) is the Rust core's; this page only shows and asks.
import { ask, localise, t } from "./i18n.js";
import { strToU8, zipSync } from "./vendor/fflate.js";

const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);
let candidate = null;

function showError(message) {
  $("study-error").textContent = message ?? "";
  $("study-error").hidden = !message;
}

function details(study) {
  const parts = [t(study.granularity === "hour" ? "studyByHour" : "studyByDay")];
  parts.push(study.noise ? t("studyNoise", study.noise.epsilon) : t("studyNoNoise"));
  return parts.join(" · ");
}

/** The consent text in the browser's language (French for fr-*, English otherwise). */
function consentText(study) {
  const lang = api.i18n.getUILanguage().toLowerCase().startsWith("fr") ? "fr" : "en";
  return { lang, text: study.consent[lang] };
}

async function render() {
  const { study, participant } = await ask({ type: "study" });
  $("joined").hidden = !study;
  $("import-section").hidden = !!study;
  if (!study) return;
  $("joined-title").textContent = study.title;
  $("participant").textContent = participant;
  $("joined-details").textContent = `${study.id} · ${details(study)} · ${study.contact}`;
}

$("study-file").addEventListener("change", async (event) => {
  showError(null);
  $("consent").hidden = true;
  candidate = null;
  const file = event.target.files[0];
  if (!file) return;
  try {
    if (file.size > 200_000) throw new Error(t("studyTooLarge"));
    const { study } = await ask({ type: "check_study", study: await file.text() });
    candidate = study;
    const { lang, text } = consentText(study);
    $("consent-title").textContent = study.title;
    $("consent-contact").textContent = study.contact;
    $("consent-details").textContent = details(study);
    $("consent-text").textContent = text;
    $("consent-text").lang = lang;
    $("consent-check").checked = false;
    $("join").disabled = true;
    $("consent").hidden = false;
    $("consent-text").focus();
  } catch (e) {
    showError(e.message);
  }
});

$("consent-check").addEventListener("change", (event) => {
  $("join").disabled = !event.target.checked;
});

$("join").addEventListener("click", async () => {
  if (!candidate || !$("consent-check").checked) return;
  try {
    await ask({ type: "join_study", study: candidate, consent: true });
    showError(null);
    await render();
    $("preview").focus();
  } catch (e) {
    showError(e.message);
  }
});

function table(spec) {
  const wrap = document.createElement("div");
  wrap.className = "preview-table";
  const caption = document.createElement("h3");
  caption.textContent = `${spec.path} — ${t("studyRows", spec.rows.length)}`;
  const tableEl = document.createElement("table");
  tableEl.dataset.table = spec.name;
  const head = document.createElement("tr");
  for (const f of spec.fields) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = f;
    head.append(th);
  }
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  for (const row of spec.rows) {
    const tr = document.createElement("tr");
    for (const value of row) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    tbody.append(tr);
  }
  tableEl.append(thead, tbody);
  const scroller = document.createElement("div");
  scroller.className = "scroll";
  scroller.tabIndex = 0;
  scroller.append(tableEl);
  wrap.append(caption, scroller);
  return wrap;
}

$("preview").addEventListener("click", async () => {
  try {
    const preview = await ask({ type: "research_preview" });
    $("preview-tables").replaceChildren(...preview.tables.map(table));
  } catch (e) {
    showError(e.message);
  }
});

$("save").addEventListener("click", async () => {
  const status = $("save-status");
  try {
    const { study, files } = await ask({ type: "research_export" });
    const members = {};
    for (const [name, text] of Object.entries(files)) members[name] = [strToU8(text), { level: 9 }];
    // A fixed member time: the zip must not tell when it was made more finely than the rows do.
    const zipped = zipSync(members, { mtime: new Date(1980, 0, 1) });
    const link = $("zip-link");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([zipped], { type: "application/zip" }));
    link.download = `digitus-${study.id}.zip`;
    link.hidden = false;
    link.click();
    status.textContent = t("studySaved", Object.keys(files).length);
    status.className = "status ok";
  } catch (e) {
    status.textContent = e.message;
    status.className = "status bad";
  }
});

$("leave").addEventListener("click", () => {
  $("leave-confirm").hidden = false;
  $("leave-yes").focus();
});
$("leave-no").addEventListener("click", () => {
  $("leave-confirm").hidden = true;
  $("leave").focus();
});
$("leave-yes").addEventListener("click", async () => {
  try {
    await ask({ type: "leave_study" });
    $("leave-confirm").hidden = true;
    $("preview-tables").replaceChildren();
    $("zip-link").hidden = true;
    $("study-file").value = "";
    $("consent").hidden = true;
    await render();
    $("leave-status").textContent = "";
    showError(null);
    $("study-file").focus();
  } catch (e) {
    showError(e.message);
  }
});

localise();
render().catch((e) => showError(e.message));
