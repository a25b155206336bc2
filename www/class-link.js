// Sends the lab's net counts to a class board. The core has already judged and counted every act; this
// only reports how the student's totals changed since the last report the server acknowledged, so a
// lost request, a retry or an undo can never count twice or go missing.
//
//   summary (kinds, seconds, CAPTCHA labels) − acknowledged ──▶ POST /api/classes/{code}/labour per kind
import { fill } from "/text.js";

const KEY = "digitus-class";
const MAX_N = 100; // the server's largest |n| per request

export class ClassLink {
  constructor({ set, text, status, field }) {
    this.set = set;
    this.text = text;
    this.statusEl = status;
    this.field = field;
    this.state = null; // {code, student, sent: {kinds, seconds, labels}}
    this.latest = null;
    this.status = "";
    this.sending = null;
    this.timer = 0;
  }

  save() {
    if (this.state) sessionStorage.setItem(KEY, JSON.stringify(this.state));
    else sessionStorage.removeItem(KEY);
  }

  /** After a reload: the same anonymous student in the same class. */
  resume() {
    try {
      this.state = JSON.parse(sessionStorage.getItem(KEY) || "null");
    } catch {
      this.state = null;
    }
    if (this.state) {
      this.field.value = this.state.code;
      this.setStatus("joined");
      this.flush();
    }
  }

  async join(typed) {
    const code = String(typed || "").toUpperCase().replace(/[\s-]/g, "");
    if (!code) return;
    this.field.value = code;
    if (this.state?.code === code) return this.flush();
    try {
      const res = await fetch(`/api/classes/${encodeURIComponent(code)}/students`, { method: "POST" });
      if (!res.ok) {
        this.state = null;
        this.save();
        return this.setStatus("gone", code);
      }
      const { student } = await res.json();
      // Work done before joining counts for the class too: start from zero.
      this.state = { code, student, sent: { kinds: {}, seconds: 0, labels: {} } };
      this.save();
      this.setStatus("joined");
      this.flush();
    } catch {
      this.setStatus("offline", code);
    }
  }

  setStatus(status, code = this.state?.code) {
    this.status = status;
    this.statusCode = code;
    this.showStatus();
  }

  showStatus() {
    const t = this.text();
    const sentence = { joined: t.joined, gone: t.classGone, offline: t.classOffline }[this.status];
    this.statusEl.textContent = sentence ? fill(sentence, { code: this.statusCode }) : "";
    this.statusEl.dataset.status = this.status;
  }

  /** The object id of a label as the core recorded it (its name in the language shown at the time). */
  objectId(name) {
    const o = this.set.objects.find((x) => x.en === name || x.fr === name || x.id === name);
    return o?.id ?? null;
  }

  update(summary) {
    const labels = {};
    for (const [name, n] of Object.entries(summary.captcha?.by_object ?? {})) {
      const id = this.objectId(name);
      if (id) labels[id] = (labels[id] ?? 0) + n;
    }
    this.latest = { kinds: { ...summary.kinds }, seconds: summary.seconds, labels };
    this.flush();
  }

  /** One request per changed kind, in turn; on failure the rest waits for the next change or retry. */
  flush() {
    if (!this.state || !this.latest) return;
    if (this.sending) {
      this.pending = true;
      return;
    }
    this.sending = (async () => {
      do {
        this.pending = false;
        if (!(await this.sendChanges())) break;
      } while (this.pending);
    })().finally(() => { this.sending = null; });
  }

  async sendChanges() {
    const { sent } = this.state;
    let seconds = Math.round((this.latest.seconds - sent.seconds) * 10) / 10;
    const labelDelta = {};
    for (const id of new Set([...Object.keys(this.latest.labels), ...Object.keys(sent.labels)])) {
      const d = (this.latest.labels[id] ?? 0) - (sent.labels[id] ?? 0);
      if (d) labelDelta[id] = Math.max(-MAX_N, Math.min(MAX_N, d));
    }
    const changes = Object.keys(this.latest.kinds).map((kind) => [kind, (this.latest.kinds[kind] ?? 0) - (sent.kinds[kind] ?? 0)]).filter(([, n]) => n !== 0);
    if (!changes.length && (seconds || Object.keys(labelDelta).length)) changes.push(["captcha", 0]);
    for (const [kind, delta] of changes) {
      const n = Math.max(-MAX_N, Math.min(MAX_N, delta));
      const body = { student: this.state.student, kind, n };
      if (seconds) body.seconds = Math.max(-3600, Math.min(3600, seconds));
      if (kind === "captcha" && Object.keys(labelDelta).length) body.labels = labelDelta;
      let res;
      try {
        res = await fetch(`/api/classes/${this.state.code}/labour`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      } catch {
        this.setStatus("offline");
        this.retry(5000);
        return false;
      }
      if (res.status === 429) {
        this.retry(1000);
        return false;
      }
      if (res.status === 404 || res.status === 403) {
        const code = this.state.code;
        this.state = null;
        this.save();
        this.setStatus("gone", code);
        return false;
      }
      if (!res.ok) return false; // refused as malformed: a bug; sending it again would not help
      sent.kinds[kind] = (sent.kinds[kind] ?? 0) + n;
      if (body.seconds) {
        sent.seconds += body.seconds;
        seconds = 0;
      }
      if (body.labels) {
        for (const [id, d] of Object.entries(body.labels)) sent.labels[id] = (sent.labels[id] ?? 0) + d;
      }
      this.save();
      if (this.status !== "joined") this.setStatus("joined");
    }
    if (changes.some(([kind, d]) => Math.abs(d) > MAX_N)) this.pending = true;
    return true;
  }

  retry(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), ms);
  }
}
