// Test-only content script (never shipped): added by tests/e2e/lib/adversarial.mjs to a test copy of the
// extension for https://probe.example.com/* only. It plays a compromised renderer, which holds exactly our
// content scripts' powers: it sends every message of the API from a content-script context and writes
// each answer into <html data-probe="…"> for the test to read.
(async () => {
  const api = globalThis.browser ?? globalThis.chrome;
  const now = Date.now();
  const like = (id, pressed) => ({
    id, action: "click", time: now, tz: 0, url: location.href,
    path: [{ tag: "button", attrs: { "aria-label": "Like", "aria-pressed": String(pressed) } }, { tag: "body" }],
    after: [{ tag: "button", attrs: { "aria-label": "Like", "aria-pressed": String(!pressed) } }, { tag: "body" }],
  });
  const reads = [
    { type: "summary" },
    { type: "vocabulary" },
    { type: "events" },
    { type: "events", limit: 1000 },
    { type: "recent", limit: 50 },
    { type: "settings" },
    { type: "set_settings", settings: { paused_sites: [], record_private: true, local_rules: "" } },
    { type: "status" },
    { type: "forget_site", site: "example.org" },
    { type: "delete_everything", confirm: "delete everything" },
    { type: "apply_retention", now },
    { type: "set_retention", days: 7, now },
  ];
  const out = { reads: [], sense: [], watch: null };
  const send = (m) => api.runtime.sendMessage(m).catch((e) => ({ error: String(e) }));
  for (const m of reads) out.reads.push({ type: m.type, answer: await send(m) });
  // A forged like then its unlike: the answers say this script's own ids and outcomes, nothing more.
  out.sense.push(await send({ type: "sense", observation: like(`probe-like-${now}`, false) }));
  out.sense.push(await send({ type: "sense", observation: like(`probe-unlike-${now}`, true) }));
  out.watch = await send({ type: "captcha_watch" });
  document.documentElement.setAttribute("data-probe", JSON.stringify(out));
})();
