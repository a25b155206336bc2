// Locale-aware formatting and local calendar periods, shared by the popup, dashboard and settings pages.
// Numbers, money and dates follow the browser's UI language (the same one the i18n messages follow).
const api = globalThis.browser ?? globalThis.chrome;

export const LANG = api.i18n.getUILanguage();

/** Minutes to add to UTC for local time, as events carry it (−getTimezoneOffset). */
export const tzNow = () => -new Date().getTimezoneOffset();

export function startOfDay(d = new Date()) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** Monday of the local week. */
export function startOfWeek(d = new Date()) {
  const day = startOfDay(d);
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day;
}

export function startOfMonth(d = new Date()) {
  return new Date(d.getFullYear(), d.getMonth(), 1);
}

export function addDays(d, n) {
  const x = new Date(d);
  x.setDate(x.getDate() + n);
  return x;
}

/** `YYYY-MM-DD` of a local date, as rollups name days. */
export function dayKey(d) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A `YYYY-MM-DD` day as a local date. */
export function parseDay(key) {
  const [y, m, d] = key.split("-").map(Number);
  return new Date(y, m - 1, d);
}

export function number(n, options) {
  return new Intl.NumberFormat(LANG, options).format(n);
}

/** Money with enough significant digits to tell tiny amounts (a click-farm click) from zero. */
export function money(amount, currency) {
  const abs = Math.abs(amount);
  const options = { style: "currency", currency };
  if (abs === 0) Object.assign(options, { maximumFractionDigits: 0 });
  else if (abs < 1) Object.assign(options, { maximumSignificantDigits: 2 });
  else if (abs < 100) Object.assign(options, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  else Object.assign(options, { maximumFractionDigits: 0 });
  return new Intl.NumberFormat(LANG, options).format(amount);
}

export function moneyRange(low, high, currency) {
  const a = money(low, currency);
  const b = money(high, currency);
  return a === b ? a : `${a} – ${b}`;
}

export function date(d, options = { dateStyle: "medium" }) {
  return new Intl.DateTimeFormat(LANG, options).format(d);
}

/** Seconds as "2 h 05 min" / "3 min 20 s" / "12 s", with the locale's digits. */
export function duration(seconds) {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const unit = (value, u) => new Intl.NumberFormat(LANG, { style: "unit", unit: u, unitDisplay: "narrow" }).format(value);
  if (h > 0) return `${unit(h, "hour")} ${unit(m, "minute")}`;
  if (m > 0) return `${unit(m, "minute")} ${unit(s % 60, "second")}`;
  return unit(s, "second");
}
