//! Research studies: a participant joins a study (a file the researchers wrote), previews exactly what
//! would be shared, exports it as an anonymised Frictionless Data Package, and can leave at any time.
//!
//! ```text
//!  study file ──study::Study::parse──▶ join ──▶ meta["study"] = Enrolment {study, participant, secret}
//!                                                 │        (leave / delete_everything: forgotten)
//!  day studies:  Store::rollups (day × site × kind) ─┐
//!  hour studies: Store::events_after, page by page ──┴▶ rows: participant × bucket × platform × kind
//!                                                       │  platforms.json names the site, or its category
//!                                                       │  or "other"; Laplace noise (noise.rs) if ε
//!                                                       ▼
//!                                  package: datapackage.json (Table Schemas) + labour.csv,
//!                                  captcha_labels.csv, participant.csv  ── preview shows these rows
//! ```
//!
//! Anonymous by construction: the rows are built only from (local day[, hour], platform, category, kind,
//! counts, seconds, CAPTCHA objects). No URL, page text, item key, rule, event id, install id, time zone or
//! timestamp finer than the study's granularity is ever read into them. The participant id is random per
//! enrolment, so two studies (or two enrolments in one) cannot link a person.

pub mod noise;
pub mod package;
pub mod platforms;
pub mod study;

use crate::error::{Error, Result};
use crate::model::{Event, Kind};
use crate::store::{Store, Totals};
use package::Table;
use platforms::Platforms;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
pub use study::{Granularity, Study};

/// The meta key holding the current enrolment (JSON), or `null` after leaving.
pub const META_KEY: &str = "study";
/// Events read per page when an hour study needs event times.
pub const PAGE: usize = 1_000;

/// The participant's membership of one study, kept in meta (survives worker stops).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub study: Study,
    /// 32 random hex digits, new at every join.
    pub participant: String,
    /// 16 random hex digits seeding this participant's noise (never exported).
    pub secret: String,
}

impl Enrolment {
    fn seed(&self) -> u64 {
        u64::from_str_radix(&self.secret, 16).unwrap_or(0)
    }
}

static RANDOM_SOURCE: OnceLock<fn() -> String> = OnceLock::new();

/// Installs the random source for participant ids (the browser glue passes `crypto.randomUUID`). Natively
/// a source seeded by the operating system is used when none is installed.
pub fn set_random_source(source: fn() -> String) {
    let _ = RANDOM_SOURCE.set(source);
}

/// `n` random hex digits from the installed source.
fn random_hex(n: usize) -> Result<String> {
    let mut out = String::new();
    while out.len() < n {
        let text = match RANDOM_SOURCE.get() {
            Some(source) => source(),
            None => os_random()?,
        };
        let before = out.len();
        out.extend(text.chars().filter(char::is_ascii_hexdigit).map(|c| c.to_ascii_lowercase()));
        if out.len() == before {
            return Err(Error::Storage("the random source gave nothing".into()));
        }
    }
    out.truncate(n);
    Ok(out)
}

#[cfg(not(target_arch = "wasm32"))]
fn os_random() -> Result<String> {
    use std::hash::{BuildHasher, Hasher};
    // RandomState's keys come from the operating system's generator; each call gets fresh ones.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    let mut second = std::collections::hash_map::RandomState::new().build_hasher();
    second.write_u64(hasher.finish());
    Ok(format!("{:016x}{:016x}", hasher.finish(), second.finish()))
}

#[cfg(target_arch = "wasm32")]
fn os_random() -> Result<String> {
    Err(Error::Storage("no random source installed (digitus::research::set_random_source)".into()))
}

/// The current enrolment, if any.
pub async fn enrolment<S: Store>(store: &S) -> Result<Option<Enrolment>> {
    Ok(match store.meta(META_KEY).await? {
        Some(json) => serde_json::from_str::<Option<Enrolment>>(&json).map_err(|e| Error::Storage(format!("study state: {e}")))?,
        None => None,
    })
}

async fn enrolled<S: Store>(store: &S) -> Result<Enrolment> {
    enrolment(store).await?.ok_or_else(|| Error::BadInput("not in a study: join one first (join_study)".into()))
}

/// A study given as a JSON object or as the file's text.
fn study_of(study: &Value) -> Result<Study> {
    match study {
        Value::String(text) => Study::parse(text),
        value => Study::from_value(value),
    }
}

/// `{type: "check_study", study}`: the study as parsed (the page shows its consent before joining).
pub fn check(study: &Value) -> Result<Value> {
    Ok(json!({ "study": study_of(study)? }))
}

/// `{type: "join_study", study, consent: true}`: `study` is the file as a JSON object or as its text.
/// Joining the study one is already in changes nothing; joining another asks to leave the first.
pub async fn join<S: Store>(store: &S, study: &Value, consent: bool) -> Result<Value> {
    let study = study_of(study)?;
    if !consent {
        return Err(Error::BadInput("join_study needs consent: true, once the participant has read and accepted the consent text".into()));
    }
    if let Some(current) = enrolment(store).await? {
        if current.study.id == study.id {
            return Ok(status_of(Some(&current)));
        }
        return Err(Error::BadInput(format!("already in study \"{}\": leave it first", current.study.id)));
    }
    let enrolment = Enrolment { study, participant: random_hex(32)?, secret: random_hex(16)? };
    store.put_meta(META_KEY, &serde_json::to_string(&enrolment)?).await?;
    Ok(status_of(Some(&enrolment)))
}

/// `{type: "leave_study"}`: forgets the enrolment (participant id and noise secret); export stops.
pub async fn leave<S: Store>(store: &S) -> Result<Value> {
    let left = enrolment(store).await?.map(|e| e.study.id);
    store.put_meta(META_KEY, "null").await?;
    Ok(json!({ "left": left }))
}

/// `{type: "study"}`: the study joined (the file as parsed, and the participant id), or `{study: null}`.
pub async fn status<S: Store>(store: &S) -> Result<Value> {
    Ok(status_of(enrolment(store).await?.as_ref()))
}

fn status_of(enrolment: Option<&Enrolment>) -> Value {
    match enrolment {
        Some(e) => json!({ "study": e.study, "participant": e.participant }),
        None => json!({ "study": null, "participant": null }),
    }
}

/// One labour row before it becomes CSV cells.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct LabourKey {
    day: String,
    hour: Option<u8>,
    platform: String,
    category: String,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct LabelKey {
    day: String,
    hour: Option<u8>,
    object: String,
}

#[derive(Default)]
struct Aggregate {
    labour: BTreeMap<LabourKey, (i64, i64)>,
    labels: BTreeMap<LabelKey, i64>,
}

impl Aggregate {
    fn add(&mut self, study: &Study, day: String, hour: Option<u8>, site: &str, kind: Kind, totals: &Totals) {
        if !study.collects(kind) {
            return;
        }
        let (platform, category) = Platforms::bundled().classify(site);
        let slot = self.labour.entry(LabourKey { day: day.clone(), hour, platform, category, kind }).or_default();
        slot.0 += totals.count;
        slot.1 += totals.ms;
        for (object, n) in &totals.objects {
            *self.labels.entry(LabelKey { day: day.clone(), hour, object: export_object(object) }).or_default() += n;
        }
    }
}

/// A CAPTCHA object as exported: letters (any script) and single spaces, at most
/// [`package::OBJECT_MAX`] characters; anything else the page showed is dropped.
pub fn export_object(object: &str) -> String {
    let kept: String = object.chars().map(|c| if c.is_alphabetic() { c } else { ' ' }).collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    let name: String = words.join(" ").chars().take(package::OBJECT_MAX).collect();
    match name.trim_end() {
        "" => "unnamed".to_string(),
        n => n.to_string(),
    }
}

/// Local hour of an event (0–23), from its UTC time and the offset recorded with it.
fn local_hour(event: &Event) -> u8 {
    let local_ms = event.time + f64::from(event.tz) * 60_000.0;
    ((local_ms / 3_600_000.0).floor() as i64).rem_euclid(24) as u8
}

/// The rows of every table, as CSV cells in field order.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub tables: Vec<(Table, Vec<Vec<String>>)>,
}

/// Computes the export's rows for an enrolment: from the rollups (day studies) or from the events read
/// page by page (hour studies), then platforms named or generalised, then noise.
pub async fn rows<S: Store>(store: &S, enrolment: &Enrolment) -> Result<Rows> {
    let study = &enrolment.study;
    let mut aggregate = Aggregate::default();
    match study.granularity {
        Granularity::Day => {
            for rollup in store.rollups().await? {
                let b = &rollup.bucket;
                aggregate.add(study, b.day.clone(), None, &b.site, b.kind, &rollup.totals);
            }
        }
        Granularity::Hour => {
            // Pass 1: which events are cancelled (an undo names the event it takes back).
            let mut cancelled = BTreeSet::new();
            let mut after: Option<String> = None;
            loop {
                let page = store.events_after(after.as_deref(), PAGE).await?;
                cancelled.extend(page.iter().filter_map(|e| e.cancels.clone()));
                match page.last() {
                    Some(last) if page.len() == PAGE => after = Some(last.id.clone()),
                    _ => break,
                }
            }
            // Pass 2: what every standing event adds to its hour (as the rollups do for its day).
            after = None;
            loop {
                let page = store.events_after(after.as_deref(), PAGE).await?;
                for event in page.iter().filter(|e| !cancelled.contains(&e.id)) {
                    let totals = Totals::of(event);
                    if !totals.is_zero() {
                        aggregate.add(study, event.day(), Some(local_hour(event)), &event.site, event.kind, &totals);
                    }
                }
                match page.last() {
                    Some(last) if page.len() == PAGE => after = Some(last.id.clone()),
                    _ => break,
                }
            }
        }
    }
    let epsilon = study.epsilon();
    let seed = enrolment.seed();
    let noisy = |table: &str, key: String, value: i64| match epsilon {
        Some(e) => noise::noisy_count(value, e, &mut noise::SplitMix64::for_key(seed, &format!("{table}|{key}"))),
        None => value,
    };
    let head = |day: &str, hour: Option<u8>| {
        let mut cells = vec![study.id.clone(), enrolment.participant.clone(), day.to_string()];
        if study.granularity == Granularity::Hour {
            cells.push(hour.unwrap_or(0).to_string());
        }
        cells
    };
    let mut days = BTreeSet::new();
    let mut labour = Vec::new();
    for (k, (count, ms)) in &aggregate.labour {
        days.insert(k.day.clone());
        let key = format!("{}|{:?}|{}|{}|{}", k.day, k.hour, k.platform, k.category, k.kind.as_str());
        let mut cells = head(&k.day, k.hour);
        cells.extend([
            k.platform.clone(),
            k.category.clone(),
            k.kind.as_str().to_string(),
            noisy("labour", key, *count).to_string(),
            ((*ms).max(0) as f64 / 1000.0).round().to_string(),
        ]);
        labour.push(cells);
    }
    let mut labels = Vec::new();
    if study.collects(Kind::Captcha) {
        for (k, n) in &aggregate.labels {
            days.insert(k.day.clone());
            let key = format!("{}|{:?}|{}", k.day, k.hour, k.object);
            let mut cells = head(&k.day, k.hour);
            cells.extend([k.object.clone(), noisy("captcha_labels", key, *n).to_string()]);
            labels.push(cells);
        }
    }
    let participant = vec![vec![
        study.id.clone(),
        enrolment.participant.clone(),
        study.granularity.as_str().to_string(),
        epsilon.map(|e| e.to_string()).unwrap_or_default(),
        days.len().to_string(),
    ]];
    Ok(Rows { tables: vec![(Table::Labour, labour), (Table::CaptchaLabels, labels), (Table::Participant, participant)] })
}

/// `{type: "research_preview"}`: the exact rows the export holds, table by table.
pub async fn preview<S: Store>(store: &S) -> Result<Value> {
    let enrolment = enrolled(store).await?;
    let rows = rows(store, &enrolment).await?;
    let tables: Vec<Value> = rows
        .tables
        .iter()
        .map(|(table, rows)| {
            let fields: Vec<&str> = table.fields(&enrolment.study).iter().map(|f| f.name).collect();
            json!({ "name": table.name(), "path": table.path(), "fields": fields, "rows": rows })
        })
        .collect();
    Ok(json!({ "study": study_summary(&enrolment.study), "participant": enrolment.participant, "tables": tables }))
}

/// `{type: "research_export"}`: `{files: {name: text}}`, the files the zip holds at its root.
pub async fn export<S: Store>(store: &S) -> Result<Value> {
    let enrolment = enrolled(store).await?;
    let files = files(&enrolment, &rows(store, &enrolment).await?)?;
    Ok(json!({ "study": study_summary(&enrolment.study), "participant": enrolment.participant, "files": files }))
}

/// The package's files for a set of rows (also used by the research tool to write synthetic packages).
pub fn files(enrolment: &Enrolment, rows: &Rows) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let descriptor = package::descriptor(&enrolment.study, Some(&enrolment.participant));
    files.insert(package::DESCRIPTOR.to_string(), serde_json::to_string_pretty(&descriptor)?);
    for (table, rows) in &rows.tables {
        files.insert(table.path(), package::csv(&table.fields(&enrolment.study), rows));
    }
    Ok(files)
}

fn study_summary(study: &Study) -> Value {
    json!({ "id": study.id, "title": study.title, "contact": study.contact, "granularity": study.granularity, "epsilon": study.epsilon() })
}

/// Forgets the enrolment (`delete_everything` calls this: nothing of a study may outlive the data).
pub async fn forget<S: Store>(store: &S) -> Result<()> {
    if store.meta(META_KEY).await?.is_some() {
        store.put_meta(META_KEY, "null").await?;
    }
    Ok(())
}
