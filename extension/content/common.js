/*
 * Digitus content-script plumbing. Listed first in every content_scripts entry of manifest.json (as Privacy
 * Badger lists js/contentscripts/utils.js), so sensor.js, captcha.js and captcha-field.js share one copy of:
 *
 *   ids ──── newId(): unique per act, stable across retries (the background records each id once)
 *   time ─── stamp(): {time, tz} on the page's clock
 *   send ─── deliver(message): runtime.sendMessage with THE retry policy below; resolves to the answer
 *
 * The retry policy is one policy for every kind of labour: quick retries while the background wakes, then
 * every 30 s for two hours while the page lives, as long as the answer says a retry may help (code
 * "storage_full" or "storage": a full or failing disk) or no answer came. A refusal (any other code) ends it.
 * A like and a CAPTCHA solve waiting on a full disk are kept equally long.
 *
 * It judges nothing. In the classroom lab (www/) the same files run as page scripts, with
 * globalThis.__digitusTransport carrying messages to the Rust core in the page.
 */
(() => {
  if (globalThis.__digitus) return; // injected twice (about:blank frames, re-injection)

  const api = globalThis.browser ?? globalThis.chrome;
  const transport = globalThis.__digitusTransport ?? ((message) => api.runtime.sendMessage(message));
  const RETRYABLE = new Set(["storage_full", "storage"]);
  const DELAYS_MS = [0, 200, 600, 1500, 4000, 8000, ...Array(240).fill(30_000)];

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const stamp = () => ({ time: Date.now(), tz: -new Date().getTimezoneOffset() });
  // The extension was reloaded or removed: this page's scripts are orphaned and nobody will ever answer.
  const orphaned = () => !globalThis.__digitusTransport && !api?.runtime?.id;

  /** Sends `message` until it is answered with something other than a retryable error; resolves to the
   * answer (which may be a refusal, `{error, code}`), or to null when the page gave up or was orphaned. */
  async function deliver(message) {
    for (const delay of DELAYS_MS) {
      if (delay) await sleep(delay);
      try {
        const answer = await transport(message);
        if (answer && !(answer.error && RETRYABLE.has(answer.code))) return answer;
      } catch (e) {
        if (orphaned()) return null;
      }
    }
    return null;
  }

  Object.defineProperty(globalThis, "__digitus", { value: Object.freeze({ newId, stamp, sleep, deliver }) });
})();
