// Shows a `value` answer of the core's valuation engine (the lab's own, or the class's from the server):
// the three methods side by side, never added, each as a low–high range with its sources; then the
// founding documents' contrasts (the same acts at a French micro-task's rate, Madagascar's, a click
// farm's, and what users are paid).
import { VALUE_TEXT } from "/text.js";

const make = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};

export function money(amount, currency, lang) {
  if (typeof amount !== "number" || !Number.isFinite(amount)) return "—";
  const digits = amount !== 0 && Math.abs(amount) < 0.01 ? 4 : 2;
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", { style: "currency", currency: currency || "EUR", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
}

const sourcesOf = (method) => [...new Set((method.parameters ?? []).map((p) => p.source?.citation).filter((c) => c && c !== "—"))];

/** Fills `box` with the valuations of `answer` (or the hint when there is nothing to value yet). */
export function renderValuations(box, answer, lang, hint) {
  const t = VALUE_TEXT[lang];
  if (!answer || !Array.isArray(answer.methods) || !answer.events) {
    box.replaceChildren(make("p", { className: "hint" }, hint));
    return;
  }
  const currency = answer.currency;
  const methods = answer.methods.map((m) => {
    const range = m.low === m.high ? money(m.low, currency, lang) : `${money(m.low, currency, lang)} – ${money(m.high, currency, lang)}`;
    const li = make("li", { className: "valuation" }, make("strong", {}, t.methods[m.id] ?? m.id), " ", make("output", {}, range));
    li.dataset.method = m.id;
    li.dataset.low = String(m.low);
    li.dataset.high = String(m.high);
    const note = m.id === "revenue" && m.high === 0 ? t.noPlatform : t.explain[m.id];
    if (note) li.append(make("small", { className: "source" }, note));
    const sources = sourcesOf(m);
    if (sources.length) {
      const details = make("details", { className: "source" }, make("summary", {}, t.sources), make("ul", {}, ...sources.map((s) => make("li", {}, s))));
      li.append(details);
    }
    return li;
  });
  const contrasts = (answer.contrasts ?? []).map((c) => {
    const li = make("li", { className: "valuation contrast" }, make("span", {}, t.contrasts[c.id] ?? c.parameter?.label ?? c.id), " ", make("output", {}, money(c.value, currency, lang)));
    li.dataset.contrast = c.id;
    li.append(make("small", { className: "source" }, c.parameter?.source?.citation ?? ""));
    return li;
  });
  box.replaceChildren(
    make("ul", { className: "methods" }, ...methods),
    make("p", { className: "hint" }, t.sameActs),
    make("ul", { className: "contrasts" }, ...contrasts),
  );
}
