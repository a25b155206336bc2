// What the value answer must say for a set of recorded events, computed here independently of the core:
// from the events themselves (not the rollups) and the published figures written out as literals.
export const RATES = { EUR: 1, USD: 1.1721, GBP: 0.8719, MGA: 4993 }; // per euro (ECB 2 Jan 2026; MGA 25 Feb 2026)
const KLM_ERROR = 0.21; // Card, Moran & Newell 1980
const SMIC = 12.02; // € an hour, 1 Jan 2026
const MG_HOURLY = 1515.49; // MGA an hour (262,680 ÷ 173.33)

/** Likes only: €0.89 per 1,000 bought engagements to $0.10 a paid vote. */
export function expectedLikes(events, { currency = "EUR", country = "FR" } = {}) {
  const standing = events.filter((e) => e.effect === "add" && !events.some((u) => u.cancels === e.id));
  const likes = standing.filter((e) => e.kind === "like").length;
  const toCur = (eur) => eur * RATES[currency];
  const measured = standing.filter((e) => e.duration_measured).reduce((s, e) => s + e.duration_ms, 0) / 1000;
  const modelled = standing.filter((e) => !e.duration_measured).reduce((s, e) => s + e.duration_ms, 0) / 1000;
  const hourlyEur = country === "MG" ? MG_HOURLY / RATES.MGA : SMIC;
  return {
    events: standing.length,
    market: { low: toCur((likes * 0.89) / 1000), high: toCur((likes * 0.1) / RATES.USD) },
    wage: {
      low: toCur(((measured + modelled * (1 - KLM_ERROR)) * hourlyEur) / 3600),
      high: toCur(((measured + modelled * (1 + KLM_ERROR)) * hourlyEur) / 3600),
    },
    contrasts: { france_microtask: toCur(standing.length * 0.2), madagascar_microtask: toCur(standing.length * 0.01), click_farm: toCur(standing.length * 0.0001), users_paid: 0 },
  };
}

export function close(actual, expected, what) {
  if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) throw new Error(`${what}: ${actual} ≠ ${expected}`);
}

/** The same rules as extension/format.js's money(), run in the page's locale by the test (browser ICU). */
export const MONEY_IN_PAGE = `(amount, currency, lang) => {
  const abs = Math.abs(amount);
  const o = { style: "currency", currency };
  if (abs === 0) Object.assign(o, { maximumFractionDigits: 0 });
  else if (abs < 1) Object.assign(o, { maximumSignificantDigits: 2 });
  else if (abs < 100) Object.assign(o, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  else Object.assign(o, { maximumFractionDigits: 0 });
  return new Intl.NumberFormat(lang, o).format(amount);
}`;
