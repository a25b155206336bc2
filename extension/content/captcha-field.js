/*
 * Digitus CAPTCHA field watcher: runs in every frame and costs one capture listener until a CAPTCHA
 * provider's frame loads into the page. Then it watches the host page's response fields
 * (`g-recaptcha-response`, `h-captcha-response`, `cf-turnstile-response`, … from data/captcha.json) and
 * reports when one gets filled: how Turnstile's success is seen, and invisible reCAPTCHA's.
 *
 *   iframe from a provider host loads ──▶ {type: "captcha_watch"} ──▶ field names
 *        ──▶ every 250 ms while a provider frame is in the page: a field went empty → filled?
 *        ──▶ {type: "captcha", observation: {seen: {what: "field", name, filled: true}}}
 *
 * Only the field's name and "filled" leave the page, never its value (the token). Whether a token is
 * labour (the user interacted with the widget) is decided in src/captcha.rs.
 */
(() => {
  if (globalThis.__digitusCaptchaField) return;
  globalThis.__digitusCaptchaField = true;

  const { newId, stamp, deliver } = globalThis.__digitus; // content/common.js, listed before this file
  const POLL_MS = 250;
  // Provider frame hosts, as in the manifest's captcha.js entry (the trigger only; names come from the rules).
  const PROVIDER_FRAME =
    /^https:\/\/(?:(?:www\.)?(?:google\.com|recaptcha\.net)\/recaptcha\/|(?:[\w-]+\.)*(?:hcaptcha\.com|arkoselabs\.com|funcaptcha\.com)\/|challenges\.cloudflare\.com\/)/;

  let fields = null;
  let asking = null;
  let timer = 0;
  const filled = new WeakMap(); // field element → last seen filled

  const providerFramePresent = () => [...document.getElementsByTagName("iframe")].some((f) => PROVIDER_FRAME.test(f.src));

  // Only the field's name and "filled" leave the page; retried like every act (common.js).
  const send = (name) => deliver({ type: "captcha", observation: { id: newId(), ...stamp(), seen: { what: "field", name, filled: true } } });

  function poll() {
    for (const name of fields) {
      for (const el of document.getElementsByName(name)) {
        const now = typeof el.value === "string" && el.value.trim().length > 0;
        const was = filled.get(el) ?? false;
        filled.set(el, now);
        if (now && !was) send(name);
      }
    }
    if (!providerFramePresent()) {
      clearInterval(timer); // the widget is gone: back to costing nothing
      timer = 0;
    }
  }

  async function arm() {
    if (timer) return;
    if (!fields) {
      asking ??= deliver({ type: "captcha_watch" });
      const answer = await asking;
      asking = null;
      if (!answer?.fields?.length) return;
      fields = answer.fields;
    }
    if (timer) return;
    // Fields already filled when the widget appeared were not filled by this widget's solve.
    for (const name of fields) for (const el of document.getElementsByName(name)) filled.set(el, Boolean(el.value?.trim()));
    timer = setInterval(poll, POLL_MS);
  }

  addEventListener("load", (event) => {
    const t = event.target;
    if (t instanceof HTMLIFrameElement && PROVIDER_FRAME.test(t.src)) arm();
  }, true);
  if (providerFramePresent()) arm();
})();
