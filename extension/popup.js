// Popup: today and this week per kind, this week's value by the preferred method, pause on this site,
// and links to the dashboard and settings. Every number comes from the core's rollups.
import { ask, coreVocabulary, localise, t } from "./i18n.js";
import { dayKey, money, moneyRange, number, startOfDay, startOfWeek, tzNow, duration } from "./format.js";

const api = globalThis.browser ?? globalThis.chrome;
export const ICONS = { like: "♥", rating: "★", tag: "#", report: "⚑", feedback: "⊘", review: "✎", captcha: "▦" };
const $ = (id) => document.getElementById(id);

function item(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The CAPTCHA line: solves, images labelled, time, and the objects most labelled (this week). */
function renderCaptcha(captcha) {
  const line = $("captcha");
  line.hidden = !captcha || captcha.solves === 0;
  if (line.hidden) return;
  line.querySelector(".solves").textContent = number(captcha.solves);
  line.querySelector(".labels").textContent = number(captcha.labels);
  line.querySelector(".seconds").textContent = duration(captcha.seconds);
  const top = captcha.top_objects.slice(0, 3).map(({ name, count }) => `${name} (${number(count)})`);
  line.querySelector(".objects").textContent = top.length ? t("captchaObjects", top.join(", ")) : "";
}

async function renderCounts(settings) {
  const week = startOfWeek();
  const tz = tzNow();
  const [timeline, value, { kinds: KINDS }] = await Promise.all([
    ask({ type: "timeline", from: +week, tz, unit: "day" }),
    ask({ type: "value", from: +week, tz }),
    coreVocabulary(),
  ]);
  const today = timeline.buckets.find((b) => b.start === dayKey(startOfDay())) ?? { kinds: {}, total: 0 };
  const weekSummary = timeline.summary;
  $("total").textContent = number(today.total);
  $("week-total").textContent = number(weekSummary.events);
  $("kinds").replaceChildren(
    ...KINDS.map((kind) => {
      const li = item("li", `kind kind-${kind}`);
      li.dataset.kind = kind;
      li.append(
        item("span", "icon", ICONS[kind]),
        item("output", "count", number(today.kinds[kind] ?? 0)),
        item("span", "name", t(`kind_${kind}`)),
        item("output", "week", t("weekCount", number(weekSummary.kinds[kind] ?? 0))),
      );
      return li;
    }),
  );
  const method = value.methods.find((m) => m.id === settings.preferred_method) ?? value.methods[1];
  $("value-range").textContent = moneyRange(method.low, method.high, value.currency);
  $("value-range").dataset.low = method.low;
  $("value-range").dataset.high = method.high;
  $("value-method").textContent = t("methodShort", t(`method_${method.id}`));
  $("paid").textContent = money(value.paid, value.currency);
  renderCaptcha(weekSummary.captcha);
  const sites = weekSummary.top_sites.slice(0, 5).map(({ name, count }) => [name, count]);
  $("no-sites").hidden = sites.length > 0;
  $("sites").replaceChildren(
    ...sites.map(([site, n]) => {
      const li = item("li");
      li.dataset.site = site;
      li.append(item("span", "site", site), item("output", "count", number(n)));
      return li;
    }),
  );
  const { events } = await ask({ type: "recent", limit: 5 });
  $("recent").replaceChildren(
    ...events.map((e) => {
      const li = item("li", e.effect === "undo" ? "undo" : "");
      const when = new Date(e.time).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
      const what = e.effect === "undo" ? t("undoOf", t(`kind_${e.kind}`)) : t(`kind_${e.kind}`);
      li.append(item("span", "what", what), item("span", "site", e.site), item("code", "rule", e.rule), item("time", "", when));
      return li;
    }),
  );
}

/** "Pause on this site" for the active tab (hidden on pages that are not web sites). */
async function renderHere() {
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  if (!tab?.url) return;
  const { site, paused } = await ask({ type: "site_of", url: tab.url });
  if (!site) return;
  const button = $("pause-here");
  $("here").hidden = false;
  button.textContent = paused ? t("resumeHere", site) : t("pauseHere", site);
  button.setAttribute("aria-pressed", String(paused));
  button.onclick = async () => {
    const settings = await ask({ type: "settings" });
    const sites = new Set(settings.paused_sites);
    if (paused) {
      for (const s of [...sites]) if ((await ask({ type: "site_of", url: `https://${s}/` })).site === site) sites.delete(s);
    } else sites.add(site);
    await ask({ type: "set_settings", settings: { ...settings, paused_sites: [...sites] } });
    $("here-status").textContent = paused ? t("resumedHere") : t("pausedHere");
    await renderHere();
  };
}

localise();
ask({ type: "settings" })
  .then((settings) => Promise.all([renderCounts(settings), renderHere()]))
  .catch((e) => {
    const p = $("error");
    p.textContent = t("errorLoading", e.message);
    p.hidden = false;
  });
