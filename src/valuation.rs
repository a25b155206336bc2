//! # Valuation: what the counted labour is worth, three ways, side by side
//!
//! Every figure comes from `data/valuation.json` (value, unit, currency, year, region, source, status);
//! nothing is hidden here. Answers are computed from rollups (day × site × kind), never by scanning events,
//! so a year of clicks is valued as fast as a day.
//!
//! ```text
//!  rollups ──Period/site filter──▶ counts per kind, seconds (measured | modelled), active days per site
//!                                    │
//!    market  = Σ_kind acts × price per act            (low price → low, high price → high)
//!    wage    = (measured s + modelled s × (1 ∓ e)) × hourly wage ÷ 3600   (e: KLM error)
//!    revenue = Σ_platform ARPU ÷ days of its period × days active there × share credited to labour (low, high)
//!                                    │
//!  every amount ──convert(currency, dated rates per EUR)──▶ the answer's currency
//! ```
//! The three methods answer different questions; they are shown side by side and never added.
//! The timeline (`{type: "timeline"}`) answers per-day, per-week or per-month counts by kind, from the
//! same rollups, for the dashboard's charts.

use crate::error::{Error, Result};
use crate::model::{day_of, Kind};
use crate::store::{day_start_ms, Rollup};
use crate::summary::Summary;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The bundled valuation parameters.
pub const VALUATION_JSON: &str = include_str!("../data/valuation.json");
const DAY_MS: f64 = 86_400_000.0;
const DAYS_PER_YEAR: f64 = 365.25;
/// The most buckets one timeline answer holds (ten years of days).
pub const MAX_TIMELINE_BUCKETS: usize = 3_700;

/// How sure a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The figure as its source published it.
    Sourced,
    /// Arithmetic on other figures (named in `derived_from` or the note).
    Derived,
    /// A choice, shown as such.
    Assumed,
}

/// Where a figure comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub citation: String,
    pub link: String,
}

/// What a figure measures (a closed list, so that code converts units rather than guessing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    #[serde(rename = "per act")]
    PerAct,
    #[serde(rename = "per 1000 acts")]
    PerThousandActs,
    #[serde(rename = "per hour")]
    PerHour,
    #[serde(rename = "per day")]
    PerDay,
    #[serde(rename = "per month")]
    PerMonth,
    #[serde(rename = "per quarter")]
    PerQuarter,
    #[serde(rename = "per year")]
    PerYear,
    #[serde(rename = "seconds")]
    Seconds,
    #[serde(rename = "hours")]
    Hours,
    #[serde(rename = "words per minute")]
    WordsPerMinute,
    #[serde(rename = "share")]
    Share,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::PerAct => "per act",
            Unit::PerThousandActs => "per 1000 acts",
            Unit::PerHour => "per hour",
            Unit::PerDay => "per day",
            Unit::PerMonth => "per month",
            Unit::PerQuarter => "per quarter",
            Unit::PerYear => "per year",
            Unit::Seconds => "seconds",
            Unit::Hours => "hours",
            Unit::WordsPerMinute => "words per minute",
            Unit::Share => "share",
        }
    }

    /// Days in the period a per-period amount covers.
    fn days(self) -> Option<f64> {
        match self {
            Unit::PerDay => Some(1.0),
            Unit::PerMonth => Some(DAYS_PER_YEAR / 12.0),
            Unit::PerQuarter => Some(DAYS_PER_YEAR / 4.0),
            Unit::PerYear => Some(DAYS_PER_YEAR),
            _ => None,
        }
    }
}

/// One figure of the data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub id: String,
    pub label: String,
    /// The label in French (pages show the one of the browser's language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_fr: Option<String>,
    pub value: f64,
    pub unit: Unit,
    pub currency: Option<String>,
    pub year: String,
    pub region: String,
    /// The region in French (citations stay as published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_fr: Option<String>,
    pub source: Source,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_fr: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<String>,
}

/// A currency and its dated rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Currency {
    pub code: String,
    pub name: String,
    /// Units of this currency for one euro.
    pub per_eur: f64,
    /// Day of the rate, `YYYY-MM-DD`.
    pub date: String,
    pub source: Source,
    pub status: Status,
}

/// A country whose minimum wage the user may choose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub code: String,
    pub name: String,
    pub currency: String,
    /// Figure id of its hourly minimum wage.
    pub wage: String,
    /// Revenue region (`us_canada`, `europe`, `asia_pacific`, `rest`), for platforms' regional revenue.
    pub region: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Range {
    low: String,
    high: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeModel {
    modelled_error: String,
    press: String,
    rating: String,
    typing_wpm: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionalArpu {
    regions: Vec<String>,
    arpu: String,
}

/// A platform whose revenue per user is known, and the sites that are its.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub id: String,
    pub name: String,
    pub sites: Vec<String>,
    global: String,
    regional: Vec<RegionalArpu>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevenueModel {
    labour_share_low: String,
    labour_share_high: String,
    platforms: Vec<Platform>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValuationFile {
    #[serde(rename = "$schema", default)]
    #[allow(dead_code)]
    schema: Option<String>,
    #[allow(dead_code)]
    format: u32,
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    comment: Option<String>,
    base_currency: String,
    currencies: Vec<Currency>,
    figures: Vec<Figure>,
    countries: Vec<Country>,
    microwork_wage: String,
    market: BTreeMap<Kind, Range>,
    time: TimeModel,
    revenue: RevenueModel,
    contrasts: Vec<String>,
}

const REGIONS: [&str; 4] = ["us_canada", "europe", "asia_pacific", "rest"];

impl crate::data::DataFile for ValuationFile {
    const WHAT: &'static str = "valuation parameters";
    const FORMAT: u32 = 1;

    fn check(&self) -> Result<()> {
        let bad = |why: String| Err(Error::BadRule(why));
        let mut ids = BTreeSet::new();
        for f in &self.figures {
            if !ids.insert(f.id.as_str()) {
                return bad(format!("figure {} is listed twice", f.id));
            }
            if !f.value.is_finite() || f.value < 0.0 {
                return bad(format!("figure {}: value must be a number ≥ 0", f.id));
            }
            let money = matches!(
                f.unit,
                Unit::PerAct | Unit::PerThousandActs | Unit::PerHour | Unit::PerDay | Unit::PerMonth | Unit::PerQuarter | Unit::PerYear
            );
            match (&f.currency, money) {
                (Some(c), true) if self.currencies.iter().any(|r| &r.code == c) => {}
                (Some(c), true) => return bad(format!("figure {}: currency {c} has no rate", f.id)),
                (None, true) => return bad(format!("figure {}: an amount of money needs a currency", f.id)),
                (Some(_), false) => return bad(format!("figure {}: a figure in {} has no currency", f.id, f.unit.name())),
                (None, false) => {}
            }
        }
        let codes: BTreeSet<&str> = self.currencies.iter().map(|c| c.code.as_str()).collect();
        if codes.len() != self.currencies.len() {
            return bad("a currency is listed twice".into());
        }
        if !codes.contains(self.base_currency.as_str()) || self.currencies.iter().any(|c| c.code == self.base_currency && c.per_eur != 1.0) {
            return bad(format!("the base currency {} must be listed at 1", self.base_currency));
        }
        for c in &self.currencies {
            if !(c.per_eur.is_finite() && c.per_eur > 0.0) || day_start_ms(&c.date).is_none() {
                return bad(format!("currency {}: a positive rate and a date (YYYY-MM-DD) are needed", c.code));
            }
        }
        let figure = |id: &str, units: &[Unit]| -> Result<()> {
            match self.figures.iter().find(|f| f.id == id) {
                None => Err(Error::BadRule(format!("figure {id} is named but not listed"))),
                Some(f) if !units.contains(&f.unit) => Err(Error::BadRule(format!(
                    "figure {id} is in {}, not {}",
                    f.unit.name(),
                    units.iter().map(|u| u.name()).collect::<Vec<_>>().join(" or ")
                ))),
                Some(_) => Ok(()),
            }
        };
        for f in &self.figures {
            for input in &f.derived_from {
                if !ids.contains(input.as_str()) {
                    return bad(format!("figure {} is derived from {input}, which is not listed", f.id));
                }
            }
        }
        for kind in Kind::ALL {
            let range = self.market.get(&kind).ok_or_else(|| Error::BadRule(format!("market has no price for {}", kind.as_str())))?;
            figure(&range.low, &[Unit::PerAct, Unit::PerThousandActs])?;
            figure(&range.high, &[Unit::PerAct, Unit::PerThousandActs])?;
        }
        for c in &self.countries {
            figure(&c.wage, &[Unit::PerHour])?;
            if !codes.contains(c.currency.as_str()) {
                return bad(format!("country {}: currency {} has no rate", c.code, c.currency));
            }
            if !REGIONS.contains(&c.region.as_str()) {
                return bad(format!("country {}: unknown region {}", c.code, c.region));
            }
        }
        figure(&self.microwork_wage, &[Unit::PerHour])?;
        figure(&self.time.modelled_error, &[Unit::Share])?;
        figure(&self.time.press, &[Unit::Seconds])?;
        figure(&self.time.rating, &[Unit::Seconds])?;
        figure(&self.time.typing_wpm, &[Unit::WordsPerMinute])?;
        figure(&self.revenue.labour_share_low, &[Unit::Share])?;
        figure(&self.revenue.labour_share_high, &[Unit::Share])?;
        let per_period = [Unit::PerDay, Unit::PerMonth, Unit::PerQuarter, Unit::PerYear];
        let mut sites = BTreeSet::new();
        for p in &self.revenue.platforms {
            figure(&p.global, &per_period)?;
            for r in &p.regional {
                figure(&r.arpu, &per_period)?;
                if let Some(region) = r.regions.iter().find(|r| !REGIONS.contains(&r.as_str())) {
                    return bad(format!("platform {}: unknown region {region}", p.id));
                }
            }
            for site in &p.sites {
                if !sites.insert(site.as_str()) {
                    return bad(format!("site {site} belongs to two platforms"));
                }
            }
        }
        for id in &self.contrasts {
            figure(id, &[Unit::PerAct, Unit::PerThousandActs])?;
        }
        Ok(())
    }
}

/// The three methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Market,
    #[default]
    Wage,
    Revenue,
}

/// Which wage the wage method uses (a setting; a request may override it with an amount).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum WageChoice {
    /// The minimum wage of the chosen country.
    #[default]
    Minimum,
    /// The median hourly earnings of micro-task workers.
    Microwork,
    /// The user's own figure, per hour.
    Own { amount: f64, currency: String },
}

/// An amount of money per hour, as a request's `wage` override gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount: f64,
    pub currency: String,
}

/// A span of time for answers: `[from, to)` in ms, with the local offset (minutes) that turns rollup days
/// (local calendar days) into times. Missing ends are open.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Period {
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub tz: i32,
}

impl Period {
    pub fn check(&self) -> Result<()> {
        for t in [self.from, self.to].into_iter().flatten() {
            if !t.is_finite() || t < 0.0 {
                return Err(Error::BadInput("from and to must be times in ms".into()));
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(Error::BadInput("from must not be after to".into()));
            }
        }
        if self.tz.abs() > 18 * 60 {
            return Err(Error::BadInput("tz must be within ±18 hours".into()));
        }
        Ok(())
    }

    /// When a local calendar day starts, in ms.
    fn day_start(&self, day: &str) -> Option<f64> {
        day_start_ms(day).map(|t| t - f64::from(self.tz) * 60_000.0)
    }

    /// Whether a rollup day falls in the period (the day's start is in `[from, to)`).
    pub fn holds(&self, day: &str) -> bool {
        let Some(start) = self.day_start(day) else { return false };
        self.from.is_none_or(|f| start >= f) && self.to.is_none_or(|t| start < t)
    }

    /// The rollup days that may hold labour of the period (a day of margin each side for the offset; `holds`
    /// then decides), to read no more rollups than needed.
    pub fn day_range(&self) -> (Option<String>, Option<String>) {
        (self.from.map(|f| day_of(f - DAY_MS, 0)), self.to.map(|t| day_of(t + DAY_MS, 0)))
    }

    /// The period's ends: as asked, or else the first and last recorded days (`None` with no data).
    fn bounds<'a>(&self, days: impl Iterator<Item = &'a str> + Clone) -> (Option<f64>, Option<f64>) {
        let from = self.from.or_else(|| days.clone().min().and_then(|d| self.day_start(d)));
        let to = self.to.or_else(|| days.max().and_then(|d| self.day_start(d)).map(|t| t + DAY_MS));
        (from, to)
    }
}

/// A figure as an answer shows it: the data file's fields, or a figure made for this answer (the user's
/// wage, their seconds, an exchange rate).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    pub id: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_fr: Option<String>,
    pub value: f64,
    pub unit: String,
    pub currency: Option<String>,
    pub year: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_fr: Option<String>,
    pub source: Source,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note_fr: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<String>,
}

impl From<&Figure> for Parameter {
    fn from(f: &Figure) -> Parameter {
        Parameter {
            id: f.id.clone(),
            label: f.label.clone(),
            label_fr: f.label_fr.clone(),
            value: f.value,
            unit: f.unit.name().to_string(),
            currency: f.currency.clone(),
            year: f.year.clone(),
            region: f.region.clone(),
            region_fr: f.region_fr.clone(),
            source: f.source.clone(),
            status: f.status,
            note: f.note.clone(),
            note_fr: f.note_fr.clone(),
            derived_from: f.derived_from.clone(),
        }
    }
}

impl Parameter {
    /// A figure of this user's own (their wage, their seconds, their days).
    fn own(id: &str, label: &str, value: f64, unit: &str, currency: Option<&str>, citation: &str, status: Status) -> Parameter {
        Parameter {
            id: id.into(),
            label: label.into(),
            label_fr: None,
            value,
            unit: unit.into(),
            currency: currency.map(str::to_string),
            year: "—".into(),
            region: "—".into(),
            region_fr: None,
            source: Source { citation: citation.into(), link: "—".into() },
            status,
            note: None,
            note_fr: None,
            derived_from: Vec::new(),
        }
    }
}

/// One method's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodValue {
    pub id: Method,
    pub low: f64,
    pub high: f64,
    pub formula: String,
    pub parameters: Vec<Parameter>,
}

/// What the user's acts would earn at one of the founding contrasts' rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contrast {
    pub id: String,
    pub value: f64,
    pub parameter: Parameter,
}

/// Answer to `{type: "value"}`. Fields are only ever added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueAnswer {
    pub currency: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub methods: Vec<MethodValue>,
    /// Net acts counted in the period.
    pub events: i64,
    /// Time they took, seconds (measured and modelled).
    pub seconds: f64,
    /// The part of `seconds` measured on the page.
    pub seconds_measured: f64,
    /// What the user was paid for it.
    pub paid: u32,
    /// The same acts at the founding documents' rates (French micro-task, Madagascar, click farm, users).
    pub contrasts: Vec<Contrast>,
}

/// Everything a value answer depends on besides the rollups (from the request and the settings).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueQuery {
    pub period: Period,
    pub site: Option<String>,
    pub currency: String,
    pub country: String,
    pub wage: WageChoice,
    /// Overrides the data file's low–high share of revenue credited to labour.
    pub labour_share: Option<f64>,
}

/// Timeline granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    #[default]
    Day,
    Week,
    Month,
}

/// One timeline bucket: its first day and the net count per kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineBucket {
    pub start: String,
    pub kinds: BTreeMap<String, i64>,
    pub total: i64,
}

/// Answer to `{type: "timeline"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub unit: TimeUnit,
    pub from: Option<f64>,
    pub to: Option<f64>,
    /// Every bucket from the first to the last day of the period, empty ones included.
    pub buckets: Vec<TimelineBucket>,
    /// The period's summary (site filter applied).
    pub summary: Summary,
    /// Sites with labour in the period (before the site filter), busiest first, for the site picker.
    pub sites: Vec<String>,
}

/// The parsed valuation parameters.
#[derive(Debug, Clone)]
pub struct Valuation {
    file: ValuationFile,
    figures: BTreeMap<String, Figure>,
}

impl Valuation {
    pub fn parse(json: &str) -> Result<Valuation> {
        let file: ValuationFile = crate::data::load("data/valuation.json", json)?;
        let figures = file.figures.iter().map(|f| (f.id.clone(), f.clone())).collect();
        Ok(Valuation { file, figures })
    }

    /// The bundled parameters (checked by tests, so parsing cannot fail in a release).
    pub fn bundled() -> &'static Valuation {
        static VALUATION: OnceLock<Valuation> = OnceLock::new();
        VALUATION.get_or_init(|| Valuation::parse(VALUATION_JSON).expect("data/valuation.json is checked by tests"))
    }

    pub fn version(&self) -> u32 {
        self.file.version
    }

    pub fn figure(&self, id: &str) -> Result<&Figure> {
        self.figures.get(id).ok_or_else(|| Error::BadRule(format!("valuation: no figure {id}")))
    }

    pub fn figures(&self) -> &[Figure] {
        &self.file.figures
    }

    pub fn currencies(&self) -> &[Currency] {
        &self.file.currencies
    }

    pub fn countries(&self) -> &[Country] {
        &self.file.countries
    }

    pub fn platforms(&self) -> &[Platform] {
        &self.file.revenue.platforms
    }

    pub fn currency(&self, code: &str) -> Result<&Currency> {
        self.file
            .currencies
            .iter()
            .find(|c| c.code == code)
            .ok_or_else(|| Error::BadInput(format!("unknown currency {code:?} (no dated rate for it)")))
    }

    pub fn country(&self, code: &str) -> Result<&Country> {
        self.file
            .countries
            .iter()
            .find(|c| c.code == code)
            .ok_or_else(|| Error::BadInput(format!("unknown country {code:?} (no minimum wage for it)")))
    }

    /// Converts through the euro with the dated rates of the data file.
    pub fn convert(&self, amount: f64, from: &str, to: &str) -> Result<f64> {
        if from == to {
            return Ok(amount);
        }
        Ok(amount / self.currency(from)?.per_eur * self.currency(to)?.per_eur)
    }

    /// A money figure's value in `currency`, per act (for per-act and per-1,000 prices) or per period.
    fn money(&self, f: &Figure, currency: &str) -> Result<f64> {
        let per = if f.unit == Unit::PerThousandActs { 1000.0 } else { 1.0 };
        let from = f.currency.as_deref().ok_or_else(|| Error::BadRule(format!("figure {} has no currency", f.id)))?;
        self.convert(f.value / per, from, currency)
    }

    /// Checks the valuation part of the settings (set_settings refuses what this refuses).
    pub fn check_settings(&self, country: Option<&str>, currency: Option<&str>, wage: &WageChoice, labour_share: Option<f64>) -> Result<()> {
        if let Some(c) = country {
            self.country(c)?;
        }
        if let Some(c) = currency {
            self.currency(c)?;
        }
        if let WageChoice::Own { amount, currency } = wage {
            self.check_wage(&Money { amount: *amount, currency: currency.clone() })?;
        }
        if labour_share.is_some_and(|s| !(s.is_finite() && (0.0..=1.0).contains(&s))) {
            return Err(Error::BadInput("labour_share must be between 0 and 1".into()));
        }
        Ok(())
    }

    pub fn check_wage(&self, wage: &Money) -> Result<()> {
        self.currency(&wage.currency)?;
        if !(wage.amount.is_finite() && wage.amount > 0.0 && wage.amount < 1e9) {
            return Err(Error::BadInput("wage.amount must be a positive hourly amount".into()));
        }
        Ok(())
    }

    /// The three methods' ranges for the labour in `rollups` that the query's period and site keep.
    pub fn value(&self, rollups: &[Rollup], query: &ValueQuery) -> Result<ValueAnswer> {
        query.period.check()?;
        let country = self.country(&query.country)?;
        self.currency(&query.currency)?;
        self.check_settings(None, None, &query.wage, query.labour_share)?;
        let kept: Vec<&Rollup> = rollups
            .iter()
            .filter(|r| query.period.holds(&r.bucket.day) && query.site.as_deref().is_none_or(|s| r.bucket.site == s))
            .collect();
        let mut counts: BTreeMap<Kind, i64> = BTreeMap::new();
        let (mut ms, mut measured_ms) = (0i64, 0i64);
        let mut active_days: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in &kept {
            *counts.entry(r.bucket.kind).or_default() += r.totals.count;
            ms += r.totals.ms;
            measured_ms += r.totals.measured_ms;
            if r.totals.count > 0 {
                active_days.entry(r.bucket.site.as_str()).or_default().insert(r.bucket.day.as_str());
            }
        }
        let events: i64 = counts.values().sum();
        let seconds = ms as f64 / 1000.0;
        let seconds_measured = (measured_ms.min(ms)) as f64 / 1000.0;
        let cur = query.currency.as_str();
        let mut used_currencies = BTreeSet::new();

        let market = self.market(&counts, cur, &mut used_currencies)?;
        let wage = self.wage(seconds, seconds_measured, query, country, &mut used_currencies)?;
        let revenue = self.revenue(&active_days, query, country, &mut used_currencies)?;
        let mut methods = vec![market, wage, revenue];
        let rates = self.rate_parameters(&used_currencies, cur)?;
        for m in &mut methods {
            let involved: BTreeSet<String> = m.parameters.iter().filter_map(|p| p.currency.clone()).collect();
            m.parameters.extend(rates.iter().filter(|r| involved.contains(r.currency.as_deref().unwrap_or("")) || r.currency.as_deref() == Some(cur)).cloned());
        }

        let mut contrasts = Vec::new();
        for id in &self.file.contrasts {
            let f = self.figure(id)?;
            contrasts.push(Contrast { id: id.clone(), value: events as f64 * self.money(f, cur)?, parameter: f.into() });
        }
        let (from, to) = query.period.bounds(kept.iter().map(|r| r.bucket.day.as_str()));
        Ok(ValueAnswer { currency: query.currency.clone(), from, to, methods, events, seconds, seconds_measured, paid: 0, contrasts })
    }

    fn market(&self, counts: &BTreeMap<Kind, i64>, cur: &str, used: &mut BTreeSet<String>) -> Result<MethodValue> {
        let (mut low, mut high) = (0.0, 0.0);
        let mut parameters: Vec<Parameter> = Vec::new();
        for kind in Kind::ALL {
            let range = &self.file.market[&kind];
            let (lo, hi) = (self.figure(&range.low)?, self.figure(&range.high)?);
            let n = counts.get(&kind).copied().unwrap_or(0).max(0) as f64;
            low += n * self.money(lo, cur)?;
            high += n * self.money(hi, cur)?;
            for f in [lo, hi] {
                if !parameters.iter().any(|p| p.id == f.id) {
                    used.extend(f.currency.clone());
                    parameters.push(f.into());
                    parameters.extend(self.inputs_of(f));
                }
            }
        }
        Ok(MethodValue {
            id: Method::Market,
            low,
            high,
            formula: "Σ over kinds: acts × price per act (low prices → low, high prices → high)".into(),
            parameters,
        })
    }

    /// The figures a derived figure is computed from (one level), to show beside it.
    fn inputs_of(&self, f: &Figure) -> Vec<Parameter> {
        f.derived_from.iter().filter_map(|id| self.figures.get(id)).map(Parameter::from).collect()
    }

    /// The hourly wage the query asks for, as a parameter in its own currency.
    fn wage_parameter(&self, query: &ValueQuery, country: &Country) -> Result<(Parameter, Vec<Parameter>)> {
        Ok(match &query.wage {
            WageChoice::Minimum => {
                let f = self.figure(&country.wage)?;
                (f.into(), self.inputs_of(f))
            }
            WageChoice::Microwork => {
                let f = self.figure(&self.file.microwork_wage)?;
                (f.into(), self.inputs_of(f))
            }
            WageChoice::Own { amount, currency } => (
                Parameter::own("wage.own", "Your own hourly wage", *amount, "per hour", Some(currency), "Your own figure", Status::Assumed),
                Vec::new(),
            ),
        })
    }

    fn wage(
        &self,
        seconds: f64,
        measured: f64,
        query: &ValueQuery,
        country: &Country,
        used: &mut BTreeSet<String>,
    ) -> Result<MethodValue> {
        let (wage, inputs) = self.wage_parameter(query, country)?;
        let wage_currency = wage.currency.clone().unwrap_or_default();
        used.insert(wage_currency.clone());
        let hourly = self.convert(wage.value, &wage_currency, &query.currency)?;
        let error = self.figure(&self.file.time.modelled_error)?;
        let modelled = (seconds - measured).max(0.0);
        let low = (measured + modelled * (1.0 - error.value)) * hourly / 3600.0;
        let high = (measured + modelled * (1.0 + error.value)) * hourly / 3600.0;
        let mut parameters = vec![
            wage,
            Parameter::own(
                "time.measured",
                "Seconds measured on the pages where you acted",
                measured,
                "seconds",
                None,
                "Measured by Digitus on the page",
                Status::Sourced,
            ),
            Parameter::own(
                "time.modelled",
                "Seconds modelled (Keystroke-Level Model) where the page gave no measure",
                modelled,
                "seconds",
                None,
                "Keystroke-Level Model estimates per act",
                Status::Derived,
            ),
            error.into(),
        ];
        parameters.extend(inputs);
        for id in [&self.file.time.press, &self.file.time.rating, &self.file.time.typing_wpm] {
            parameters.push(self.figure(id)?.into());
        }
        Ok(MethodValue {
            id: Method::Wage,
            low,
            high,
            formula: "(measured seconds + modelled seconds × (1 ∓ model error)) × hourly wage ÷ 3600".into(),
            parameters,
        })
    }

    fn revenue(
        &self,
        active_days: &BTreeMap<&str, BTreeSet<&str>>,
        query: &ValueQuery,
        country: &Country,
        used: &mut BTreeSet<String>,
    ) -> Result<MethodValue> {
        let (share_low, share_high, mut parameters): (f64, f64, Vec<Parameter>) = match query.labour_share {
            Some(s) => (
                s,
                s,
                vec![Parameter::own(
                    "share.labour_own",
                    "Share of platform revenue credited to users' labour (your setting)",
                    s,
                    "share",
                    None,
                    "Your own figure",
                    Status::Assumed,
                )],
            ),
            None => {
                let (lo, hi) = (self.figure(&self.file.revenue.labour_share_low)?, self.figure(&self.file.revenue.labour_share_high)?);
                (lo.value, hi.value, vec![lo.into(), hi.into()])
            }
        };
        let mut per_share = 0.0;
        for p in &self.file.revenue.platforms {
            let days: BTreeSet<&str> =
                p.sites.iter().filter_map(|s| active_days.get(s.as_str())).flat_map(|d| d.iter().copied()).collect();
            if days.is_empty() {
                continue;
            }
            let arpu_id = p.regional.iter().find(|r| r.regions.contains(&country.region)).map_or(&p.global, |r| &r.arpu);
            let arpu = self.figure(arpu_id)?;
            let period_days = arpu.unit.days().ok_or_else(|| Error::BadRule(format!("{arpu_id} is not per period")))?;
            per_share += self.money(arpu, &query.currency)? / period_days * days.len() as f64;
            used.extend(arpu.currency.clone());
            parameters.push(arpu.into());
            parameters.push(Parameter::own(
                &format!("days.{}", p.id),
                &format!("Days you were active on {} in this period", p.name),
                days.len() as f64,
                "days",
                None,
                "Your own records (days with labour counted there)",
                Status::Derived,
            ));
        }
        Ok(MethodValue {
            id: Method::Revenue,
            low: per_share * share_low,
            high: per_share * share_high,
            formula: "Σ over platforms: revenue per user ÷ days of its period × days you were active there × share credited to users' labour".into(),
            parameters,
        })
    }

    /// The dated rates every conversion of this answer used.
    fn rate_parameters(&self, used: &BTreeSet<String>, target: &str) -> Result<Vec<Parameter>> {
        let mut codes = used.clone();
        codes.insert(target.to_string());
        codes.remove(&self.file.base_currency);
        let mut out = Vec::new();
        for code in codes {
            let c = self.currency(&code)?;
            out.push(Parameter {
                id: format!("rate.{code}"),
                label: format!("{} per euro", c.name),
                label_fr: None,
                value: c.per_eur,
                unit: "per EUR".into(),
                currency: Some(code.clone()),
                year: c.date.clone(),
                region: "—".into(),
            region_fr: None,
                source: c.source.clone(),
                status: c.status,
                note: None,
                note_fr: None,
                derived_from: Vec::new(),
            });
        }
        Ok(out)
    }
}

/// First day of the bucket a day falls in (`YYYY-MM-DD`).
pub fn bucket_start(day: &str, unit: TimeUnit) -> Option<String> {
    let start = day_start_ms(day)?;
    Some(match unit {
        TimeUnit::Day => day.to_string(),
        TimeUnit::Week => {
            // 1970-01-01 was a Thursday: days since the epoch + 3, mod 7, is the weekday with Monday = 0.
            let days = (start / DAY_MS).round() as i64;
            day_of((days - (days + 3).rem_euclid(7)) as f64 * DAY_MS, 0)
        }
        TimeUnit::Month => format!("{}-01", &day[..7]),
    })
}

/// The bucket after `start`.
fn next_bucket(start: &str, unit: TimeUnit) -> Option<String> {
    let t = day_start_ms(start)?;
    Some(match unit {
        TimeUnit::Day => day_of(t + DAY_MS, 0),
        TimeUnit::Week => day_of(t + 7.0 * DAY_MS, 0),
        TimeUnit::Month => {
            let (y, m): (i32, u32) = (start[..4].parse().ok()?, start[5..7].parse().ok()?);
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            format!("{y:04}-{m:02}-01")
        }
    })
}

/// Counts per bucket and kind (every bucket from the period's first to last day, empty ones included),
/// and the period's summary, from rollups.
pub fn timeline(rollups: &[Rollup], period: &Period, unit: TimeUnit, site: Option<&str>) -> Result<Timeline> {
    period.check()?;
    let in_period: Vec<&Rollup> = rollups.iter().filter(|r| period.holds(&r.bucket.day)).collect();
    let mut by_site: BTreeMap<&str, i64> = BTreeMap::new();
    for r in &in_period {
        *by_site.entry(r.bucket.site.as_str()).or_default() += r.totals.count;
    }
    let mut sites: Vec<(&str, i64)> = by_site.into_iter().filter(|(_, n)| *n != 0).collect();
    sites.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let kept: Vec<&Rollup> = in_period.into_iter().filter(|r| site.is_none_or(|s| r.bucket.site == s)).collect();

    let mut counts: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for r in &kept {
        let Some(start) = bucket_start(&r.bucket.day, unit) else { continue };
        *counts.entry(start).or_default().entry(r.bucket.kind.as_str().to_string()).or_default() += r.totals.count;
    }
    let (from, to) = period.bounds(kept.iter().map(|r| r.bucket.day.as_str()));
    let mut buckets = Vec::new();
    if let (Some(from), Some(to)) = (from, to) {
        let first = bucket_start(&day_of(from, period.tz), unit);
        let last = bucket_start(&day_of((to - 1.0).max(from), period.tz), unit);
        if let (Some(mut day), Some(last)) = (first, last) {
            while day <= last {
                if buckets.len() >= MAX_TIMELINE_BUCKETS {
                    return Err(Error::BadInput(format!(
                        "timeline: more than {MAX_TIMELINE_BUCKETS} buckets; choose a shorter period or a longer unit"
                    )));
                }
                let mut kinds: BTreeMap<String, i64> = Kind::ALL.iter().map(|k| (k.as_str().to_string(), 0)).collect();
                if let Some(c) = counts.get(&day) {
                    for (k, n) in c {
                        *kinds.entry(k.clone()).or_default() += n;
                    }
                }
                let total = kinds.values().sum();
                let next = next_bucket(&day, unit).ok_or_else(|| Error::BadInput("timeline: bad day".into()))?;
                buckets.push(TimelineBucket { start: day, kinds, total });
                day = next;
            }
        }
    }
    Ok(Timeline {
        unit,
        from,
        to,
        buckets,
        summary: Summary::from_rollups(kept.iter().copied()),
        sites: sites.into_iter().map(|(s, _)| s.to_string()).collect(),
    })
}

/// The value query a request asks for, with the settings filling what it leaves out.
pub fn query(
    settings: &crate::api::Settings,
    period: Period,
    site: Option<String>,
    currency: Option<String>,
    wage: Option<Money>,
) -> Result<ValueQuery> {
    let wage = match wage {
        Some(w) => {
            Valuation::bundled().check_wage(&w)?;
            WageChoice::Own { amount: w.amount, currency: w.currency }
        }
        None => settings.wage.clone(),
    };
    Ok(ValueQuery {
        period,
        site: site.map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()),
        currency: currency.unwrap_or_else(|| settings.currency()),
        country: settings.country().to_string(),
        wage,
        labour_share: settings.labour_share,
    })
}

impl Valuation {
    /// What the settings and dashboard pages list: currencies, countries (with their wage figure),
    /// platforms and every figure.
    pub fn data_for_pages(&self) -> serde_json::Value {
        serde_json::json!({
            "version": self.file.version,
            "base_currency": self.file.base_currency,
            "currencies": self.file.currencies,
            "countries": self.file.countries,
            "microwork_wage": self.file.microwork_wage,
            "figures": self.file.figures,
            "contrasts": self.file.contrasts,
            "platforms": self.file.revenue.platforms.iter().map(|p| serde_json::json!({"id": p.id, "name": p.name, "sites": p.sites})).collect::<Vec<_>>(),
        })
    }
}

/// The rollups a period's answer needs (a day-key range read, not every rollup).
async fn rollups_of_period<S: crate::store::Store>(store: &S, period: &Period) -> Result<Vec<Rollup>> {
    let (from, to) = period.day_range();
    store.rollups_between(from.as_deref(), to.as_deref()).await
}

/// `{type: "value"}`: the settings fill what the request leaves out.
pub async fn answer_value<S: crate::store::Store>(
    store: &S,
    settings: &crate::api::Settings,
    period: Period,
    site: Option<String>,
    currency: Option<String>,
    wage: Option<Money>,
) -> Result<serde_json::Value> {
    period.check()?;
    let query = query(settings, period, site, currency, wage)?;
    let rollups = rollups_of_period(store, &period).await?;
    Ok(serde_json::to_value(Valuation::bundled().value(&rollups, &query)?)?)
}

/// `{type: "timeline"}`.
pub async fn answer_timeline<S: crate::store::Store>(store: &S, period: Period, unit: TimeUnit, site: Option<&str>) -> Result<serde_json::Value> {
    period.check()?;
    let rollups = rollups_of_period(store, &period).await?;
    Ok(serde_json::to_value(timeline(&rollups, &period, unit, site)?)?)
}

/// `{type: "site_of", url}`: the site a page's labour counts under ("" for pages that are not web sites)
/// and whether it is paused.
pub fn answer_site_of(settings: &crate::api::Settings, url: &str) -> serde_json::Value {
    let web = url.starts_with("https://") || url.starts_with("http://");
    let site = if web && url.len() <= 4096 { crate::site::site_of(url) } else { String::new() };
    serde_json::json!({ "site": site, "paused": !site.is_empty() && settings.is_paused(&site) })
}
