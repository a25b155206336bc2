// Digitus background: hands every runtime message to the Rust core (wasm) and sends back its answer;
// keeps the toolbar badge on today's count; opens the welcome page once, on install.
// Two wasm modules: the recording module (pkg/digitus: sensor reports, settling, settings, deletions,
// the badge's count), started as the worker wakes, and the pages module (pkg/pages: the history, the
// valuation, studies, saving settings), started only when an extension page asks for one of those. So a
// worker woken by a click on some page loads the least.
// MV3 service workers refuse dynamic import() and top-level await, so both glue files are imported
// statically, the recording module's init() starts at top level, and each listener waits on it.
import init, { handle_message, recording_answers, reload_settings } from "./pkg/digitus.js";
import initPages, { handle_page_message } from "./pkg/pages.js";

const api = globalThis.browser ?? globalThis.chrome;
const ready = init({ module_or_path: new URL("./pkg/digitus_bg.wasm", import.meta.url) });
// The recording module's core makes the install's item secret on its first message; the pages module
// starts after it, so the two never make one each.
const OWN = { id: api.runtime.id, own_id: api.runtime.id, url: api.runtime.getURL("background.js"), in_tab: false };
let pagesReady;
const pagesModule = () =>
  (pagesReady ??= ready
    .then(() => handle_message({ type: "settings" }, OWN))
    .then(() => initPages({ module_or_path: new URL("./pkg/pages_bg.wasm", import.meta.url) })));

/** One message to whichever module answers its type. */
async function answer(message, who) {
  await ready;
  if (recording_answers(typeof message?.type === "string" ? message.type : undefined)) return handle_message(message, who);
  await pagesModule();
  const reply = await handle_page_message(message, who);
  // The recorder keeps a copy of the settings (paused sites, local rules): it reads the saved ones.
  if (message?.type === "set_settings" && !reply?.error) await reload_settings();
  return reply;
}

// Provisional acts (src/ledger.rs): a click is held until its second report. The next message settles
// what is due; so do a closed tab and, if nothing else comes, one alarm at the earliest due time.
const SETTLE_ALARM = "digitus-settle";
let alarmAt = null;
function schedule(answer) {
  const at = answer?.settle_at;
  if (typeof at !== "number" || at === alarmAt || !api.alarms) return;
  alarmAt = at;
  api.alarms.create(SETTLE_ALARM, { when: Math.max(at, Date.now()) + 50 });
}
const fromBackground = () => ({ id: api.runtime.id, own_id: api.runtime.id, url: location.href, in_tab: false });
const settle = (message) => ready.then(() => handle_message(message, fromBackground())).then(schedule);
api.tabs?.onRemoved.addListener((tab) => settle({ type: "tab_closed", tab }));
api.alarms?.onAlarm.addListener((alarm) => {
  if (alarm.name !== SETTLE_ALARM) return;
  alarmAt = null;
  settle({ type: "settle", now: Date.now() });
});

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const who = {
    id: sender.id,
    own_id: api.runtime.id,
    url: sender.url,
    // Chromium hides tab.url from extensions without the "tabs" permission on some pages: fall back to
    // the top frame's own URL.
    tab_url: sender.tab?.url || (sender.frameId === 0 ? sender.url : undefined),
    in_tab: Boolean(sender.tab),
    incognito: Boolean(sender.tab?.incognito),
    tab_id: sender.tab?.id,
  };
  answer(message, who)
    .then((answer) => {
      schedule(answer);
      if (BADGE_AFTER.has(message?.type) && !answer?.error) refreshBadgeSoon();
      sendResponse(answer);
    }, (err) => sendResponse({ error: String(err) }));
  return true; // the answer is sent asynchronously
});

// ---- Toolbar badge: today's count (local day), unless the settings hide it.
const BADGE_AFTER = new Set(["sense", "captcha", "set_settings", "forget_site", "delete_everything", "set_retention", "apply_retention"]);
let badgeTimer;

function refreshBadgeSoon() {
  clearTimeout(badgeTimer);
  badgeTimer = setTimeout(() => refreshBadge().catch(() => {}), 300);
}

/** "7", "312", "1k", "12k": a badge has room for about four characters. */
function badgeText(n) {
  if (n <= 0) return "";
  return n < 1000 ? String(n) : `${Math.min(999, Math.floor(n / 1000))}k`;
}

async function refreshBadge() {
  await ready;
  const settings = await handle_message({ type: "settings" }, OWN);
  let text = "";
  if (!settings.hide_badge) {
    const now = new Date();
    const from = +new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const today = await handle_message({ type: "count", from, tz: -now.getTimezoneOffset() }, OWN);
    text = badgeText(today.events ?? 0);
  }
  await api.action.setBadgeBackgroundColor({ color: "#3b2a8c" });
  await api.action.setBadgeText({ text });
  await api.action.setTitle({ title: text ? `Digitus · ${api.i18n.getMessage("badgeTitle", [text])}` : "Digitus" });
}

refreshBadgeSoon();

// ---- First run: say what is counted, kept and never kept, and how to pause or delete.
api.runtime.onInstalled.addListener((details) => {
  if (details.reason === "install") api.tabs.create({ url: api.runtime.getURL("welcome.html") });
});
