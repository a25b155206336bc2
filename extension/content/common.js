/*
 * Digitus content-script plumbing. Listed first in every content_scripts entry of manifest.json (as Privacy
 * Badger lists js/contentscripts/utils.js), so sensor.js, captcha.js and captcha-field.js share one copy of:
 *
 *   ids ──── newId(): unique per act, stable across retries (the background records each id once)
 *   time ─── stamp(): {time, tz} on the page's clock
 *   send ─── deliver(message): over one runtime port per frame, with THE retry policy below; resolves to
 *            the answer
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
  const RETRYABLE = new Set(["storage_full", "storage"]);
  const DELAYS_MS = [0, 200, 600, 1500, 4000, 8000, ...Array(240).fill(30_000)];

  const PORT_LINGER_MS = 10_000; // a port left with nothing to answer is closed after this

  /**
   * One port to the background per frame, opened by the first message and closed once nothing has been
   * sent or awaited for PORT_LINGER_MS: posting on an open port costs the click's task a fraction of what
   * runtime.sendMessage does (a new channel per message). Answers come back on the port by sequence
   * number. A port the background dropped (its worker stopped) fails what it still owed, and the retry
   * policy below sends those again on a new port.
   */
  let link = null; // {port, pending: seq → {resolve, reject}, used: last send or answer, idle: timer}
  let seq = 0;
  function openLink() {
    const port = api.runtime.connect({ name: "digitus" });
    const here = { port, pending: new Map(), used: Date.now(), idle: 0 };
    port.onMessage.addListener((reply) => {
      const waiter = here.pending.get(reply?.seq);
      if (!waiter) return;
      here.pending.delete(reply.seq);
      here.used = Date.now();
      waiter.resolve(reply.answer);
    });
    port.onDisconnect.addListener(() => drop(here, new Error("port closed")));
    closeWhenIdle(here);
    return here;
  }
  function drop(here, error) {
    if (link === here) link = null;
    clearTimeout(here.idle);
    for (const waiter of here.pending.values()) waiter.reject(error);
    here.pending.clear();
  }
  /** One timer per port, not one per message: it looks at the last use when it fires and waits again. */
  function closeWhenIdle(here) {
    const wait = here.used + PORT_LINGER_MS - Date.now();
    here.idle = setTimeout(() => {
      if (here.pending.size || Date.now() - here.used < PORT_LINGER_MS) return closeWhenIdle(here);
      drop(here, new Error("port closed"));
      here.port.disconnect();
    }, Math.max(wait, 1000));
  }
  function portTransport(message) {
    return new Promise((resolve, reject) => {
      const here = (link ??= openLink());
      const n = ++seq;
      here.pending.set(n, { resolve, reject });
      here.used = Date.now();
      try {
        here.port.postMessage({ seq: n, message });
      } catch (e) {
        drop(here, e); // a port already closed (the extension reloaded): the next try opens another
      }
    });
  }
  const transport = globalThis.__digitusTransport ?? portTransport;

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // One random prefix per frame, drawn at the first act, then a counter: unique without a UUID per act.
  let idPrefix = null;
  let idCount = 0;
  const newId = () => `${(idPrefix ??= crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`)}-${++idCount}`;
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
