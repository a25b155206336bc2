// Digitus background: hands every runtime message to the Rust core (wasm) and sends back its answer.
// MV3 service workers refuse dynamic import() and top-level await, so the module is imported
// statically, init() starts at top level, and each listener waits on it.
import init, { handle_message } from "./pkg/digitus.js";

const api = globalThis.browser ?? globalThis.chrome;
const ready = init({ module_or_path: new URL("./pkg/digitus_bg.wasm", import.meta.url) });

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
    .then(sendResponse, (err) => sendResponse({ error: String(err) }));
  return true; // the answer is sent asynchronously
});
