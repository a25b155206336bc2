// Fills the extension's own database with synthetic events (bench module), and times value answers
// through the background, as the popup and dashboard ask them.
import init, { bench_fill } from "./pkg/digitus.js";

await init({ module_or_path: new URL("./pkg/digitus_bg.wasm", import.meta.url) });
const api = globalThis.browser ?? globalThis.chrome;

window.bench = {
  fill: (n, startMs) => bench_fill("digitus", n, startMs),
  /** Milliseconds for one message's answer, and the answer's event count. */
  async time(message) {
    const t0 = performance.now();
    const answer = await api.runtime.sendMessage(message);
    if (answer?.error) throw new Error(answer.error);
    return { ms: performance.now() - t0, events: answer.events ?? answer.summary?.events };
  },
};
document.getElementById("state").textContent = "ready";
