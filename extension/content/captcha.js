/*
 * Digitus CAPTCHA sensor: runs in CAPTCHA providers' frames (reCAPTCHA anchor and bframe, hCaptcha
 * checkbox and challenge, Turnstile, Arkose), in the extension's isolated world.
 *
 *   start ──▶ {type: "captcha_watch"} ──▶ background answers from data/captcha.json (clicks before the
 *             answer are kept and read once it is in):
 *             {provider, any_click, watch: {checkbox, challenge, object, tile, verify, errors, ...}}
 *   trusted click / Enter / Space on a watched part
 *        ──▶ {what: "click", part, before: {class, aria-*}, after: {…once the page reacted}, object, prompt}
 *   the watched state changes (MutationObserver, provider frames only)
 *        ──▶ {what: "state", checkbox: {class, aria-checked}, challenge, object, prompt, grid, errors, audio}
 *   every sighting ──▶ {type: "captcha", observation: {id, time, tz, seen}}, in order, retried with the
 *                      same id until the background acknowledges
 *
 * It judges nothing (labels, rounds, failures and success are decided in src/captcha.rs) and never reads
 * images, tokens or typed answers. The host page's response fields are watched by captcha-field.js.
 */
(() => {
  if (globalThis.__digitusCaptcha) return; // injected twice
  globalThis.__digitusCaptcha = true;

  const { newId, stamp, deliver } = globalThis.__digitus; // content/common.js, listed before this file
  const TEXT_MAX = 300;
  const ATTR_MAX = 200;
  const STATE_ATTRS = ["class", "aria-checked", "aria-pressed", "aria-selected"];
  const STATE_DEBOUNCE_MS = 60;
  const AFTER_MAX_MS = 500; // longest wait for a tile to show it was (de)selected
  const PARTS = ["checkbox", "tile", "verify", "audio_button"];
  const MAX_PATH = 12;

  // Sightings leave in the order they happened (a tile before the verify that follows it).
  let queue = Promise.resolve();
  function send(seenPromise, { time, tz } = stamp()) {
    const id = newId();
    queue = queue.then(async () => {
      const seen = await seenPromise;
      if (seen) await deliver({ type: "captcha", observation: { id, time, tz, seen } });
    });
  }

  let watch = null;
  let anyClick = false;

  const q = (selector) => (selector ? document.querySelector(selector) : null);
  const clip = (s) => s.trim().replace(/\s+/g, " ").slice(0, TEXT_MAX);
  const textOf = (selector) => {
    const el = q(selector);
    return el ? clip(el.textContent || "") || undefined : undefined;
  };
  const visible = (el) => Boolean(el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden");

  function attrsOf(el) {
    const out = {};
    for (const name of STATE_ATTRS) {
      const v = el.getAttribute(name);
      if (v !== null) out[name] = v.slice(0, ATTR_MAX);
    }
    return out;
  }

  /** What the instructions name right now (reCAPTCHA: the `strong`; others: the sentence). */
  function instructions() {
    const out = {};
    const object = textOf(watch.object);
    const prompt = textOf(watch.instructions);
    if (object) out.object = object;
    if (prompt) out.prompt = prompt;
    return out;
  }

  /** The first element of the click's path that a watched part's selector matches. */
  function partOf(path) {
    for (let i = 0; i < path.length; i++) {
      for (const part of PARTS) {
        if (watch[part] && path[i].matches(watch[part])) return { part, index: i };
      }
    }
    return null;
  }

  /** The part's state once the page's own handler ran (or it changed within AFTER_MAX_MS). */
  function after(el, before) {
    return new Promise((resolve) => {
      const read = () => (el.isConnected ? attrsOf(el) : null);
      setTimeout(() => {
        const now = read();
        if (!now || JSON.stringify(now) !== JSON.stringify(before)) return resolve(now);
        const done = () => {
          observer.disconnect();
          clearTimeout(limit);
          resolve(read());
        };
        const observer = new MutationObserver(done);
        observer.observe(el, { attributes: true, attributeFilter: STATE_ATTRS });
        const limit = setTimeout(done, AFTER_MAX_MS);
      }, 0);
    });
  }

  // Listening starts at document_start, before the background has said what to watch: a quick user's
  // first click is kept (its path and the path's state at that moment) and read once the answer is in.
  function activate(event) {
    if (!event.isTrusted) return;
    const path = event.composedPath().filter((n) => n instanceof Element).slice(0, MAX_PATH);
    if (!path.length) return;
    const snapshots = path.map(attrsOf);
    const when = stamp();
    send(ready.then((ok) => {
      if (!ok) return null;
      const hit = partOf(path);
      if (!hit) return anyClick ? { what: "click", part: "other" } : null; // a badge link, the page around
      const seen = { what: "click", part: hit.part, before: snapshots[hit.index], ...instructions() };
      if (hit.part !== "tile") return seen;
      return after(path[hit.index], seen.before).then((a) => ({ ...seen, after: a }));
    }), when);
  }

  function state() {
    const s = { what: "state" };
    const box = q(watch.checkbox);
    if (box) s.checkbox = attrsOf(box);
    if (visible(q(watch.challenge))) {
      s.challenge = true;
      Object.assign(s, instructions());
      const grid = q(watch.grid);
      if (grid) s.grid = (grid.getAttribute("class") || "").slice(0, ATTR_MAX);
      s.errors = Object.entries(watch.errors || {}).filter(([, sel]) => visible(q(sel))).map(([name]) => name);
      s.audio = visible(q(watch.audio_challenge));
    }
    return s;
  }

  let last = "";
  let pending = 0;
  function stateChanged() {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const s = state();
      const key = JSON.stringify(s);
      if (key === last) return;
      last = key;
      send(Promise.resolve(s));
    }, STATE_DEBOUNCE_MS);
  }

  async function askWatch() {
    const answer = await deliver({ type: "captcha_watch" });
    if (!answer?.provider || answer.error) return false;
    watch = answer.watch || {};
    anyClick = Boolean(answer.any_click);
    return true;
  }

  const ready = askWatch();
  addEventListener("click", activate, true);
  addEventListener("keydown", (event) => {
    if (event.repeat || (event.key !== "Enter" && event.key !== " ")) return;
    const target = event.composedPath().find((n) => n instanceof Element);
    // Native buttons and links turn Enter/Space into a click, reported above.
    if (!target || /^(BUTTON|A|INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    activate(event);
  }, true);

  ready.then((ok) => {
    if (!ok || !watch.checkbox && !watch.challenge) return; // not a provider frame, or a closed widget
    const begin = () => {
      const s = state();
      last = JSON.stringify(s);
      if (s.checkbox || s.challenge) send(Promise.resolve(s));
      new MutationObserver(stateChanged).observe(document, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: ["class", "style", "hidden", "aria-hidden", "aria-checked"],
      });
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin, { once: true });
    else begin();
  });
})();
