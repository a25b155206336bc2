/*
 * Digitus sensor: runs in every frame of every page, in the extension's isolated world.
 *
 *   trusted click / key / submit ──▶ describe the element and its ancestors (no values, no text typed)
 *        ──▶ wait until the control settles (toggles flip late, nodes get re-rendered)
 *        ──▶ describe it again ──▶ runtime.sendMessage({type: "sense", observation})
 *        ──▶ retry with the same id until the background acknowledges
 *
 * It judges nothing: the background's Rust core decides whether an action is labour. Page scripts'
 * synthetic events (isTrusted === false) are never reported.
 */
(() => {
  if (globalThis.__digitusSensor) return; // injected twice (about:blank frames, re-injection)
  globalThis.__digitusSensor = true;

  const { newId, stamp, deliver } = globalThis.__digitus; // content/common.js, listed before this file
  const MAX_PATH = 16;
  const MAX_ATTRS = 24;
  const ATTR_MAX = 120;
  const TEXT_MAX = 80;
  const SETTLE_MAX_MS = 1200; // longest wait for a toggle to flip after a click
  const SETTLE_QUIET_MS = 60; // wait after the first mutation, for frameworks that re-render twice
  // Never sent: styles, handlers, sources, SVG geometry. `value` only for choice and button inputs.
  const SKIP = /^(style|on.*|src|srcset|d|points|nonce|integrity|xmlns.*|data-src|data-srcset)$/;
  const VALUE_INPUTS = new Set(["radio", "checkbox", "submit", "button", "reset"]);
  const KEY_ROLES = new Set(["button", "radio", "checkbox", "switch", "menuitem", "menuitemcheckbox", "menuitemradio", "option", "tab", "link"]);

  function nthOf(el) {
    const parent = el.parentElement ?? el.parentNode;
    if (!parent || !parent.children) return 0;
    return Array.prototype.indexOf.call(parent.children, el);
  }

  function describe(el) {
    const attrs = {};
    let n = 0;
    for (const a of el.attributes ?? []) {
      if (n >= MAX_ATTRS) break;
      const name = a.name.toLowerCase();
      if (SKIP.test(name)) continue;
      if (name === "value" && !(el.tagName === "INPUT" && VALUE_INPUTS.has((el.type || "").toLowerCase()))) continue;
      attrs[name] = a.value.slice(0, ATTR_MAX);
      n++;
    }
    const d = { tag: el.tagName.toLowerCase(), attrs, nth: nthOf(el) };
    // Visible text of small controls only ("Like", "J'aime"): never paragraphs.
    if (el.childElementCount <= 4 && !(el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "INPUT")) {
      const t = shortText(el);
      if (t) d.text = t;
    }
    return d;
  }

  /** The element's text if it is short; reads at most ~2×TEXT_MAX characters, so a click inside a huge
   * container (body with two children) does not copy the whole page's text. */
  function shortText(el) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let t = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement?.closest("script, style")) continue;
      t += n.data.replace(/\s+/g, " ");
      if (t.length > TEXT_MAX * 2) return null;
    }
    t = t.trim().replace(/\s+/g, " ");
    return t && t.length <= TEXT_MAX ? t : null;
  }

  /** Elements from the event's target upwards, across open shadow roots. */
  function elementPath(event) {
    return event.composedPath().filter((n) => n instanceof Element && n.tagName !== "HTML").slice(0, MAX_PATH);
  }

  /** Finds the control again after a re-render: from the nearest ancestor still in the page, walk down by position. */
  function relocate(els) {
    let k = els.findIndex((e) => e.isConnected);
    if (k < 0) return null;
    let node = els[k];
    for (let i = k - 1; i >= 0; i--) {
      const parent = els[i].parentNode instanceof ShadowRoot ? node.shadowRoot : node;
      const child = parent?.children?.[nthOf(els[i])];
      if (!child || child.tagName !== els[i].tagName) return null;
      node = child;
    }
    const out = [];
    for (let e = node; e && out.length < els.length; ) {
      out.push(e);
      e = e.parentElement ?? (e.parentNode instanceof ShadowRoot ? e.parentNode.host : null);
    }
    return out;
  }

  function settled(els) {
    return new Promise((resolve) => {
      const root = els[Math.min(4, els.length - 1)];
      let quiet;
      const finish = () => {
        observer.disconnect();
        clearTimeout(quiet);
        clearTimeout(limit);
        resolve();
      };
      // Only changes to the clicked chain itself settle it (a flipped attribute, a node re-rendered away): a
      // counter animating elsewhere first must not end the wait before the control flips.
      const observer = new MutationObserver((records) => {
        const touched = records.some((r) => r.type === "attributes" && els.includes(r.target)) || els.some((e) => !e.isConnected);
        if (!touched) return;
        clearTimeout(quiet);
        quiet = setTimeout(finish, SETTLE_QUIET_MS);
      });
      observer.observe(root.getRootNode() instanceof ShadowRoot ? root.getRootNode() : root, { attributes: true, childList: true, subtree: true, characterData: true });
      const limit = setTimeout(finish, SETTLE_MAX_MS);
    });
  }

  function textStats(text) {
    const trimmed = text.trim();
    return {
      words: trimmed ? trimmed.split(/\s+/u).length : 0,
      chars: [...trimmed].length,
      hashtags: (trimmed.match(/(^|\s)#[\p{L}\p{N}_]+/gu) || []).length,
    };
  }

  // When the user started typing in each composer, for the measured duration of a review.
  const typingSince = new WeakMap();
  let lastTyped = null; // the composer the user typed in last: found again on "Post" without searching the page
  const editableOf = (el) => el?.closest?.("textarea, [contenteditable=''], [contenteditable='true']");

  // Same id on every retry (common.js), so the background records the act once.
  const send = (observation) => deliver({ type: "sense", observation });

  async function observe(event, action, extra = {}) {
    const els = elementPath(event);
    if (!els.length) return;
    const observation = {
      id: newId(),
      action,
      ...stamp(),
      url: location.href,
      path: els.map(describe),
      after: null,
      ...extra,
    };
    if (action === "click" || action === "key") {
      await settled(els);
      const again = els[0].isConnected ? els : relocate(els);
      observation.after = again ? again.map(describe) : null;
    }
    send(observation);
  }

  // A click on a <label> is followed by a second trusted click on its input: report only that one.
  const forwardedByLabel = (els) => els.some((e) => e.tagName === "LABEL" && e.control && !els.includes(e.control));

  addEventListener("click", (event) => {
    if (!event.isTrusted) return;
    const els = elementPath(event);
    if (!els.length || forwardedByLabel(els)) return;
    // A click that posts a composer outside a form carries the composer's counts (the text stays here).
    const extra = {};
    if (!els[0].closest?.("form")) {
      const box = lastTyped?.isConnected && els.slice(0, 8).some((e) => e.contains(lastTyped)) ? lastTyped : null;
      const text = box ? (box.value ?? box.innerText ?? "") : "";
      if (text.trim()) {
        extra.text = textStats(text);
        if (typingSince.has(box)) extra.duration_ms = Date.now() - typingSince.get(box);
      }
    }
    observe(event, "click", extra);
  }, true);

  addEventListener("keydown", (event) => {
    if (!event.isTrusted || event.repeat) return;
    const el = event.composedPath().find((n) => n instanceof Element);
    if (!el) return;
    if ((event.key === "Enter" || event.key === ",") && el.tagName === "INPUT" && /^(text|search|)$/.test(el.type || "")) {
      observe(event, "tag_key", { has_value: el.value.trim().length > 0 });
      return;
    }
    // Native buttons, links and inputs turn Enter/Space into a click, reported above.
    if ((event.key === "Enter" || event.key === " ") && KEY_ROLES.has(el.getAttribute("role") || "") && !/^(BUTTON|A|INPUT|SUMMARY)$/.test(el.tagName)) {
      observe(event, "key");
    }
  }, true);

  addEventListener("input", (event) => {
    if (!event.isTrusted) return;
    const box = editableOf(event.composedPath().find((n) => n instanceof Element));
    if (box && !typingSince.has(box)) typingSince.set(box, Date.now());
    if (box) lastTyped = box;
  }, true);

  addEventListener("submit", (event) => {
    if (!event.isTrusted || !(event.target instanceof HTMLFormElement)) return;
    const boxes = [...event.target.querySelectorAll("textarea, [contenteditable='true'], [contenteditable='']")];
    const text = boxes.map((b) => b.value ?? b.innerText ?? "").join(" ");
    if (!text.trim()) return;
    const started = boxes.map((b) => typingSince.get(b)).filter(Boolean);
    const extra = { text: textStats(text) };
    if (started.length) extra.duration_ms = Date.now() - Math.min(...started);
    observe(event, "submit", extra);
  }, true);
})();
