/*
 * Digitus sensor: runs in the frames of a page that can hold labour, in the extension's isolated world.
 *
 *   trusted click / key ──▶ a candidate control within 8 elements? (button, link, input, role, custom
 *        │                  element…)  no ──▶ nothing more: no description, no timer, no observer
 *        ▼ yes
 *   describe the control and its ancestors (≤ 16; no values, no text typed)
 *        ──▶ report 1 AT ONCE {after_pending: true}: the background holds the act as provisional
 *        ──▶ watch that chain only (attributes of the chain, the control's own subtree) until it settles,
 *            ≤ 1.2 s; the observer is disconnected then
 *        ──▶ describe again what changed ──▶ report 2, same id, {after}: the background settles the act
 *            (counted, or taken back when nothing changed)
 *   page hidden (tab closed, navigation) or a new act ──▶ report 2 of every waiting act at once
 *   trusted submit ──▶ one report with counts of the text and how long ago a person activated that form
 *
 * Delivery (ids stable across retries, one retry policy) is content/common.js. It judges nothing: the
 * background's Rust core decides whether an act is labour. Page scripts' synthetic events
 * (isTrusted === false) are never reported.
 */
(() => {
  if (globalThis.__digitusSensor) return; // injected twice (about:blank frames, re-injection)
  globalThis.__digitusSensor = true;

  const { newId, stamp, deliver } = globalThis.__digitus; // content/common.js, listed before this file
  const MAX_PATH = 16;
  const CANDIDATE_DEPTH = 8; // how far above the clicked node a control may be (svg path → icon → button)
  const MAX_ATTRS = 24;
  const ATTR_MAX = 120;
  const TEXT_MAX = 80;
  const TEXT_NODES_MAX = 48; // text nodes read per element at most, whatever the markup below it
  const SETTLE_MAX_MS = 1200; // longest wait for a toggle to flip after a click
  const SETTLE_QUIET_MS = 60; // wait after the first change, for frameworks that re-render twice
  // Never sent: styles, handlers, sources, SVG geometry. `value` only for choice and button inputs.
  const SKIP = /^(style|on.*|src|srcset|d|points|nonce|integrity|xmlns.*|data-src|data-srcset)$/;
  const VALUE_INPUTS = new Set(["radio", "checkbox", "submit", "button", "reset"]);
  const KEY_ROLES = new Set(["button", "radio", "checkbox", "switch", "menuitem", "menuitemcheckbox", "menuitemradio", "option", "tab", "link"]);
  // Elements that can be a control people act on; custom elements (a "-" in the name), anything with a
  // role or made focusable also count. Wider than any rule's target: the core decides, this only spares
  // clicks on plain text and layout any work.
  const CONTROL_TAGS = new Set(["BUTTON", "A", "INPUT", "SELECT", "SUMMARY", "LABEL", "OPTION", "LI"]);

  function nthOf(el) {
    const parent = el.parentElement ?? el.parentNode;
    if (!parent || !parent.children) return 0;
    return Array.prototype.indexOf.call(parent.children, el);
  }

  /** Describes one element. `chain` (a chain described upwards) carries what the element below found: text
   * too long for it is too long for its parent, whose text contains it, so the parent's is not read. */
  function describe(el, chain = null) {
    const attrs = {};
    let n = 0;
    let looked = 0; // attributes looked at, kept or skipped: the loop stops at MAX_ATTRS × 4 whatever the element carries
    // Names, then values by name: iterating `el.attributes` would create (and keep on the element) one Attr
    // node per attribute on every click.
    for (const raw of el.getAttributeNames?.() ?? []) {
      if (n >= MAX_ATTRS || ++looked > MAX_ATTRS * 4) break;
      const name = raw.toLowerCase();
      if (SKIP.test(name)) continue;
      if (name === "value" && !(el.tagName === "INPUT" && VALUE_INPUTS.has((el.type || "").toLowerCase()))) continue;
      attrs[name] = el.getAttribute(raw).slice(0, ATTR_MAX);
      n++;
    }
    const d = { tag: el.tagName.toLowerCase(), attrs, nth: nthOf(el) };
    if (chain && chain.below?.parentElement !== el) chain.textTooLong = false; // a shadow or slot boundary
    // Visible text of small controls only ("Like", "J'aime"): never paragraphs.
    if (!chain?.textTooLong && el.childElementCount <= 4 && !(el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "INPUT")) {
      const t = shortText(el);
      if (t === TOO_LONG) {
        if (chain) chain.textTooLong = true;
      } else if (t) d.text = t;
    }
    if (chain) chain.below = el;
    return d;
  }

  /** Describes elements listed from the acted-on one upwards. */
  function describeChain(els) {
    const chain = { below: null, textTooLong: false };
    return els.map((el) => describe(el, chain));
  }

  const TOO_LONG = 0; // shortText's answer when an element's text passes the bounds (null: it has none)

  /** The element's text if it is short, else TOO_LONG (or null when it has none); reads at most ~2×TEXT_MAX
   * characters in at most TEXT_NODES_MAX text nodes, so a click inside a huge container does not copy or
   * walk the whole page. */
  function shortText(el) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let t = "";
    let nodes = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (++nodes > TEXT_NODES_MAX) return TOO_LONG;
      const parent = n.parentElement?.tagName;
      if (parent === "SCRIPT" || parent === "STYLE") continue;
      t += n.data.replace(/\s+/g, " ");
      if (t.length > TEXT_MAX * 2) return TOO_LONG;
    }
    t = t.trim().replace(/\s+/g, " ");
    if (!t) return null;
    return t.length <= TEXT_MAX ? t : TOO_LONG;
  }

  /** Elements from the event's target upwards, across open shadow roots (at most MAX_PATH). */
  function elementPath(event) {
    const out = [];
    for (const n of event.composedPath()) {
      if (!(n instanceof Element) || n.tagName === "HTML") continue;
      out.push(n);
      if (out.length === MAX_PATH) break;
    }
    return out;
  }

  const isCandidate = (e) => CONTROL_TAGS.has(e.tagName) || e.tagName.includes("-") || e.hasAttribute("role") || e.hasAttribute("tabindex");

  /** Index of the nearest element that may be a control, or -1. */
  function controlIndex(els) {
    for (let i = 0; i < els.length && i < CANDIDATE_DEPTH; i++) if (isCandidate(els[i])) return i;
    return -1;
  }

  /** The only work done on every click: false when no candidate control sits within CANDIDATE_DEPTH
   * parents of the target, found without building the composed path. A shadow tree on the way (a host
   * with an open shadow root, a slotted element) leaves the answer to controlIndex on the full path. */
  function mayHitControl(target) {
    let e = target instanceof Element ? target : target?.parentElement;
    for (let i = 0; e && i < CANDIDATE_DEPTH; i++, e = e.parentElement) {
      if (e.tagName === "HTML") return false;
      if (isCandidate(e) || e.shadowRoot || e.assignedSlot) return true;
    }
    return !e; // the walk left the light tree (a shadow root above): let the full path decide
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

  function textStats(text) {
    const trimmed = text.trim();
    return {
      words: trimmed ? trimmed.split(/\s+/u).length : 0,
      chars: [...trimmed].length,
      hashtags: (trimmed.match(/(^|\s)#[\p{L}\p{N}_]+/gu) || []).length,
    };
  }

  // ───────── acts waiting for their second report ─────────

  const WATCH_CONTROL = { attributes: true, childList: true, characterData: true, subtree: true };
  const WATCH_ANCESTOR = { attributes: true, childList: true };

  /** Acts reported once, waiting for the control to settle: id → {finish(early)}. */
  const waiting = new Map();

  /**
   * Watches the acted-on chain until it settles, then sends the second report. Only the chain is watched:
   * attributes of every element of it, the control's own subtree (a label swapped, an icon re-rendered),
   * and its parent's children (the control replaced). Nothing elsewhere on the page wakes it.
   */
  function awaitSettle(observation, els, control, firstReport) {
    const top = els[control];
    const changed = new Set(); // elements of the chain whose attributes changed
    let subtree = false; // something inside the control changed (text, icon)
    let quiet;
    /** Notes what records say about the chain; true if they touched it. A feed appending posts to an
     * ancestor or a counter ticking elsewhere does not end the wait before the control flips. */
    const note = (records) => {
      let touched = false;
      for (const r of records) {
        if (r.type === "attributes" && els.includes(r.target)) changed.add(r.target);
        else if (top.contains(r.target)) subtree = true;
        else if (![...r.removedNodes].some((n) => els.includes(n))) continue; // not the chain re-rendered
        touched = true;
      }
      return touched;
    };
    const observer = new MutationObserver((records) => {
      if (!note(records)) return;
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(false), SETTLE_QUIET_MS);
    });
    observer.observe(top, WATCH_CONTROL);
    for (let i = control + 1; i < els.length; i++) observer.observe(els[i], WATCH_ANCESTOR);
    const limit = setTimeout(() => finish(false), SETTLE_MAX_MS);

    /** `early`: the page is leaving or the user acted again; a chain that has not changed yet is then
     * reported as unknown (`after: null`) rather than as "nothing changed". */
    function finish(early) {
      if (!waiting.delete(observation.id)) return;
      observer.disconnect();
      clearTimeout(quiet);
      clearTimeout(limit);
      note(observer.takeRecords());
      let after;
      if (!els[0].isConnected) {
        const again = relocate(els);
        after = again ? describeChain(again) : null;
      } else if (early && !changed.size && !subtree) {
        after = null;
      } else {
        // Unchanged elements keep their first description: only what changed is read again.
        after = els.map((el, i) => (changed.has(el) || (subtree && i <= control) ? describe(el) : observation.path[i]));
      }
      const second = { ...observation, after, after_pending: false };
      // In order after the first report (the page's retries of it end before), unless the page is going.
      if (early) deliver({ type: "sense", observation: second });
      else firstReport.then(() => deliver({ type: "sense", observation: second }));
    }
    waiting.set(observation.id, { finish });
  }

  const finishAll = () => {
    for (const { finish } of [...waiting.values()]) finish(true);
  };
  // Tab closed, navigation, back/forward cache: the second reports go now, while the page can still send.
  addEventListener("pagehide", finishAll, true);

  // When the user started typing in each composer, for the measured duration of a review.
  const typingSince = new WeakMap();
  let lastTyped = null; // the composer the user typed in last: found again on "Post" without searching the page
  const editableOf = (el) => el?.closest?.("textarea, [contenteditable=''], [contenteditable='true']");
  // The last trusted activation of each form (a click on a button of it, Enter in it): a submit counts
  // only when a person caused it a moment before (the core holds the limit).
  const activatedAt = new WeakMap();
  const formOf = (el) => el.form ?? el.closest?.("form") ?? null;

  function report(els, action, extra, control = -1) {
    finishAll(); // acts still waiting go first, in the order they happened
    const observation = { id: newId(), action, ...stamp(), url: location.href, path: describeChain(els), after: null, ...extra };
    if (control < 0) {
      deliver({ type: "sense", observation });
      return;
    }
    observation.after_pending = true;
    const firstReport = deliver({ type: "sense", observation });
    awaitSettle(observation, els, control, firstReport);
  }

  // A click on a <label> is followed by a second trusted click on its input: report only that one.
  const forwardedByLabel = (els) => els.some((e) => e.tagName === "LABEL" && e.control && !els.includes(e.control));

  addEventListener("click", (event) => {
    if (!event.isTrusted || !mayHitControl(event.target)) return;
    const els = elementPath(event);
    const control = controlIndex(els);
    if (control < 0 || forwardedByLabel(els)) return;
    const submitter = els.slice(0, control + 1).find((e) => e.tagName === "BUTTON" || (e.tagName === "INPUT" && /^(submit|image|button)$/.test(e.type)) || e.getAttribute("role") === "button");
    const form = submitter && formOf(submitter);
    if (form) activatedAt.set(form, Date.now());
    // A click that posts a composer outside a form carries the composer's counts (the text stays here).
    const extra = {};
    if (lastTyped?.isConnected && !els[0].closest?.("form") && els.slice(0, 8).some((e) => e.contains(lastTyped))) {
      const text = lastTyped.value ?? lastTyped.innerText ?? "";
      if (text.trim()) {
        extra.text = textStats(text);
        if (typingSince.has(lastTyped)) extra.duration_ms = Date.now() - typingSince.get(lastTyped);
      }
    }
    report(els, "click", extra, control);
  }, true);

  addEventListener("keydown", (event) => {
    if (!event.isTrusted || event.repeat) return;
    const el = event.composedPath().find((n) => n instanceof Element);
    if (!el) return;
    if (event.key === "Enter") {
      const form = formOf(el);
      if (form) activatedAt.set(form, Date.now());
    }
    if ((event.key === "Enter" || event.key === ",") && el.tagName === "INPUT" && /^(text|search|)$/.test(el.type || "")) {
      report(elementPath(event), "tag_key", { has_value: el.value.trim().length > 0 });
      return;
    }
    // Native buttons, links and inputs turn Enter/Space into a click, reported above.
    if ((event.key === "Enter" || event.key === " ") && KEY_ROLES.has(el.getAttribute("role") || "") && !/^(BUTTON|A|INPUT|SUMMARY)$/.test(el.tagName)) {
      const els = elementPath(event);
      report(els, "key", {}, Math.max(0, controlIndex(els)));
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
    const form = event.target;
    // One activation, one submit: a page resubmitting on a timer gets no second count from one click.
    const at = activatedAt.get(form);
    activatedAt.delete(form);
    const boxes = [...form.querySelectorAll("textarea, [contenteditable='true'], [contenteditable='']")];
    const text = boxes.map((b) => b.value ?? b.innerText ?? "").join(" ");
    if (!text.trim()) return;
    const started = boxes.map((b) => typingSince.get(b)).filter(Boolean);
    // The submit event of form.requestSubmit() is trusted although a script sent it: only text the user
    // typed (trusted input events) is their review, and the core also wants a person's activation of the form.
    if (!started.length) return;
    const extra = { text: textStats(text), activation_ms: at === undefined ? null : Math.max(0, Date.now() - at) };
    if (started.length) extra.duration_ms = Date.now() - Math.min(...started);
    report(elementPath(event), "submit", extra);
  }, true);
})();
