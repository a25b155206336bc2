/*
 * Digitus CAPTCHA field watcher: runs in every frame and costs two idle listeners until a CAPTCHA provider's
 * frame speaks to the page. Then it looks at the host page's response fields (`g-recaptcha-response`,
 * `h-captcha-response`, `cf-turnstile-response`, … from data/captcha.json) beside that frame: how
 * Turnstile's and Arkose's success is seen. Event-driven, no polling:
 *
 *   a provider frame loads ──▶ {type: "captcha_watch"} ──▶ field names; fields already filled are noted
 *   a message from that frame to the page (how every provider hands its token to its api.js)
 *        ──▶ look once now and once after the page's own handler ran: a field beside THAT frame went
 *            empty → filled?  (a form submitted looks too)
 *        ──▶ {type: "captcha", observation: {seen: {what: "field", name, filled: true, shown}}}
 *
 * `shown` says the widget's frame beside the field is on screen (not hidden, tiny, or made transparent
 * to sit under something the user meant to click). The page can write a field itself, so the core never
 * counts a field alone: the user must have interacted in the provider's own frame (src/captcha/). Only
 * the field's name, "filled" and "shown" leave the page, never its value (the token).
 */
(() => {
  if (globalThis.__digitusCaptchaField) return;
  globalThis.__digitusCaptchaField = true;

  const { newId, stamp, deliver } = globalThis.__digitus; // content/common.js, listed before this file
  // Provider frames, as in the manifest's captcha.js entry (the trigger only; names come from the rules).
  const PROVIDER_FRAME =
    /^https:\/\/(?:(?:www\.)?(?:google\.com|recaptcha\.net)\/recaptcha\/|(?:[\w-]+\.)*(?:hcaptcha\.com|arkoselabs\.com|funcaptcha\.com)\/|challenges\.cloudflare\.com\/)/;
  const WIDGET_DEPTH = 4; // how far above a field the widget's frame may sit (its container)
  const MIN_SIDE_PX = 20; // smaller is not a widget a person can see
  const MIN_OPACITY = 0.5;
  const SETTLE_MS = 250; // the page's api.js may write the token a moment after the frame's message

  let fields = null;
  let asking = null;
  const filled = new WeakMap(); // field element → last seen filled

  const providerFrames = () => [...document.getElementsByTagName("iframe")].filter((f) => PROVIDER_FRAME.test(f.src));

  /** The field names, asked once; fields already filled then were not filled by this widget's solve. */
  async function arm() {
    if (fields) return true;
    asking ??= deliver({ type: "captcha_watch" });
    const answer = await asking;
    if (!answer?.fields?.length) return false;
    if (!fields) {
      fields = answer.fields;
      for (const name of fields) for (const el of document.getElementsByName(name)) filled.set(el, isFilled(el));
    }
    return true;
  }

  const isFilled = (el) => typeof el.value === "string" && el.value.trim().length > 0;

  /** The provider frame in the field's own widget: the nearest container above the field holding one. */
  function widgetOf(field) {
    let node = field.parentElement;
    for (let i = 0; node && i < WIDGET_DEPTH; i++, node = node.parentElement) {
      const frame = [...node.getElementsByTagName("iframe")].find((f) => PROVIDER_FRAME.test(f.src));
      if (frame) return frame;
    }
    return null;
  }

  /** On screen as a person would see it: big enough, not hidden, not (nearly) transparent. */
  function shown(frame) {
    const r = frame.getBoundingClientRect();
    if (r.width < MIN_SIDE_PX || r.height < MIN_SIDE_PX) return false;
    for (let el = frame; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden" || Number(style.opacity) < MIN_OPACITY) return false;
    }
    return true;
  }

  // Only the field's name, "filled" and "shown" leave the page; retried like every act (common.js).
  const send = (name, isShown) =>
    deliver({ type: "captcha", observation: { id: newId(), ...stamp(), seen: { what: "field", name, filled: true, shown: isShown } } });

  /** Reports fields that became filled; `speaker`: the frame whose message prompted this look (a field
   * beside another frame, or beside none, is not its token). */
  function look(speaker) {
    for (const name of fields) {
      for (const el of document.getElementsByName(name)) {
        const now = isFilled(el);
        const was = filled.get(el) ?? false;
        filled.set(el, now);
        if (!now || was) continue;
        const widget = widgetOf(el);
        if (!widget || (speaker && widget !== speaker)) continue;
        send(name, shown(widget));
      }
    }
  }

  addEventListener("message", async (event) => {
    const speaker = providerFrames().find((f) => f.contentWindow === event.source);
    if (!speaker) return; // the page itself, or any other frame: not a provider's word
    if (!(await arm())) return;
    look(speaker);
    setTimeout(() => look(speaker), 0); // after the page's own handler
    setTimeout(() => look(speaker), SETTLE_MS);
  });
  addEventListener("submit", () => fields && look(null), true);
  addEventListener("load", (event) => {
    if (event.target instanceof HTMLIFrameElement && PROVIDER_FRAME.test(event.target.src)) arm();
  }, true);
  if (providerFrames().length) arm();
})();
