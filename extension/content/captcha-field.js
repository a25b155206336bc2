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

  const api = globalThis.browser ?? globalThis.chrome;
  const POLL_MS = 250;
  // Provider frame hosts, as in the manifest's captcha.js entry (the trigger only; names come from the rules).
  const PROVIDER_FRAME =
    /^https:\/\/(?:(?:www\.)?(?:google\.com|recaptcha\.net)\/recaptcha\/|(?:[\w-]+\.)*(?:hcaptcha\.com|arkoselabs\.com|funcaptcha\.com)\/|challenges\.cloudflare\.com\/)/;

  let fields = null;
  let asking = null;
  let timer = 0;
  const filled = new WeakMap(); // field element → last seen filled

  const providerFramePresent = () => [...document.getElementsByTagName("iframe")].some((f) => PROVIDER_FRAME.test(f.src));

  async function send(name) {
    const id = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const observation = { id, time: Date.now(), tz: -new Date().getTimezoneOffset(), seen: { what: "field", name, filled: true } };
    for (const delay of [0, 200, 600, 1500, 4000]) {
      if (delay) await new Promise((r) => setTimeout(r, delay));
      try {
        const answer = await api.runtime.sendMessage({ type: "captcha", observation });
        if (answer && (!answer.error || !/storage/i.test(answer.error))) return;
      } catch (e) {
        if (!api.runtime?.id) return;
      }
    }
  }

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
      asking ??= api.runtime.sendMessage({ type: "captcha_watch" }).catch(() => null);
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
