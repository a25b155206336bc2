// Digitus background: hands every runtime message to the Rust core (wasm) and sends back its answer.
// MV3 service workers refuse dynamic import() and top-level await, so the module is imported
// statically, init() starts at top level, and each listener waits on it.
import init, { handle_message } from "./pkg/digitus.js";

const api = globalThis.browser ?? globalThis.chrome;
const ready = init({ module_or_path: new URL("./pkg/digitus_bg.wasm", import.meta.url) });

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
  ready
    .then(() => handle_message(message, who))
    .then((answer) => {
      schedule(answer);
      sendResponse(answer);
    }, (err) => sendResponse({ error: String(err) }));
  return true; // the answer is sent asynchronously
});
