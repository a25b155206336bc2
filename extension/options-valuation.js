// Settings page, valuation section: country (its minimum wage and revenue region), the wage the wage
// method uses, the display currency, the preferred method (shown in the popup), the share of platform
// revenue credited to users' labour, and the toolbar badge. Saved through {type: "set_settings"}, which the
// core checks (an unknown country or currency, a wage ≤ 0 or a share outside 0–100 % is refused).
import { ask, localise, t } from "./i18n.js";
import { money } from "./format.js";

const $ = (id) => document.getElementById(id);
let data;

function options(select, items, chosen) {
  select.replaceChildren(
    ...items.map(([value, text]) => {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = text;
      return o;
    }),
  );
  select.value = chosen;
}

function hourly(figureId) {
  const f = data.figures.find((x) => x.id === figureId);
  return f ? t("perHourValue", money(f.value, f.currency)) : "";
}

function show(settings) {
  const country = settings.country ?? "FR";
  const countryName = (c) => t(`country_${c.code}`) || c.name;
  options($("country"), data.countries.map((c) => [c.code, countryName(c)]), country);
  const currencies = data.currencies.map((c) => [c.code, `${c.code} — ${t(`currency_${c.code}`) || c.name}`]);
  const countryCurrency = data.countries.find((c) => c.code === country)?.currency ?? "EUR";
  options($("currency"), currencies, settings.currency ?? countryCurrency);
  options($("wage-currency"), currencies, settings.wage.basis === "own" ? settings.wage.currency : countryCurrency);
  $(`wage-${settings.wage.basis}`).checked = true;
  $("wage-amount").value = settings.wage.basis === "own" ? settings.wage.amount : "";
  $("wage-minimum-value").textContent = hourly(data.countries.find((c) => c.code === country)?.wage);
  $("wage-microwork-value").textContent = hourly(data.microwork_wage);
  $("preferred-method").value = settings.preferred_method;
  $("labour-share").value = settings.labour_share == null ? "" : Math.round(settings.labour_share * 100);
  $("show-badge").checked = !settings.hide_badge;
}

function say(text, kind) {
  const status = $("valuation-status");
  status.textContent = text;
  status.className = `status ${kind}`;
}

async function save(event) {
  event.preventDefault();
  // Fresh settings: other sections (paused sites, rules) save their own fields.
  const settings = await ask({ type: "settings" });
  const basis = document.querySelector('input[name="wage-basis"]:checked')?.value ?? "minimum";
  const wage = basis === "own" ? { basis, amount: Number($("wage-amount").value), currency: $("wage-currency").value } : { basis };
  const share = $("labour-share").value.trim();
  const next = {
    ...settings,
    country: $("country").value,
    currency: $("currency").value,
    wage,
    preferred_method: $("preferred-method").value,
    labour_share: share === "" ? null : Number(share) / 100,
    hide_badge: !$("show-badge").checked,
  };
  try {
    show(await ask({ type: "set_settings", settings: next }));
    say(t("valuationSaved"), "ok");
  } catch (e) {
    say(e.message, "bad");
  }
}

localise();
$("country").addEventListener("change", () => {
  const c = data.countries.find((x) => x.code === $("country").value);
  $("wage-minimum-value").textContent = hourly(c?.wage);
  if (c) $("currency").value = c.currency;
});
$("wage-amount").addEventListener("input", () => ($("wage-own").checked = true));
$("valuation-form").addEventListener("submit", save);
[data] = await Promise.all([ask({ type: "valuation_data" })]);
show(await ask({ type: "settings" }));
