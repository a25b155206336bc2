//! Backups: the file format (documented in `docs/backup-format.md`), its writer, and a strict parser.
//!
//! ```text
//! {"format":"digitus-backup","version":1,"exported_at":…,"install_id":"…","app":"digitus 0.1.0",
//!  "counts":{"events":2,"kinds":{"like":1,"rating":1}},"settings":{…},"events":[
//! {"id":"…","kind":"like",…},
//! {"id":"…","kind":"rating",…}
//! ]}
//! ```
//!
//! The parser reads a file from anywhere (another browser, a hand-edited copy, an attacker), so it checks
//! the *whole* file before anything is written and names the first problem it meets
//! (`events[41].time: must be a finite number of ms between 1970 and 5000`). It never panics (a fuzz test
//! and a cargo-fuzz target check it), refuses keys that would pollute JavaScript prototypes, caps sizes,
//! and holds events as spans of the original text, so a million-event file costs little more than its text.
//! Rollups and items are not in the file: the importer rebuilds them from the events ([`crate::store::MergePlan`]).

use crate::model::{CaptchaDetail, Effect, Event, Kind};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

pub const FORMAT: &str = "digitus-backup";
pub const VERSION: u32 = 1;
/// Files larger than this are refused before parsing.
pub const MAX_BYTES: usize = 1 << 30;
/// A backup holds at most this many events (about 14 years of a heavy user's clicks, at 1,000 a day).
pub const MAX_EVENTS: usize = 5_000_000;
// The limits of one event are defined once, in `limits`, and shared with the recorder.
pub use crate::limits::{FORBIDDEN_KEYS, MAX_ID, MAX_ITEM, MAX_LABEL, MAX_LABELS, MAX_RULE, MAX_SITE, MAX_TIME};
pub const MAX_AMOUNT: u64 = crate::limits::MAX_AMOUNT as u64;
pub const MAX_DURATION_MS: u64 = crate::limits::MAX_DURATION_MS as u64;
pub const MAX_WORDS: u64 = crate::limits::MAX_WORDS as u64;
const MAX_SETTINGS_BYTES: usize = 1 << 20;

/// Why a file was refused: a sentence naming where (`events[41].time`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupError(pub String);

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BackupError {}

impl From<BackupError> for crate::Error {
    fn from(e: BackupError) -> Self {
        crate::Error::BadInput(format!("backup file refused: {e}"))
    }
}

fn fail<T>(at: &str, why: impl fmt::Display) -> Result<T, BackupError> {
    Err(BackupError(format!("{at}: {why}")))
}

/// Counts in the header; the parser checks them against the events (a truncated or spliced file fails).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Counts {
    pub events: u64,
    pub kinds: BTreeMap<String, u64>,
}

impl Counts {
    pub fn add(&mut self, event: &Event) {
        self.events += 1;
        *self.kinds.entry(event.kind.as_str().to_string()).or_default() += 1;
    }
}

/// The header of a backup.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// ms since the Unix epoch.
    pub exported_at: f64,
    pub install_id: String,
    /// Name and version of the program that wrote the file.
    pub app: String,
    pub counts: Counts,
}

/// Writes a backup page by page (the exporter streams pages of events, then asks for the header, which it
/// puts first: counts are known only at the end).
#[derive(Debug, Default)]
pub struct Writer {
    counts: Counts,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    /// One page of events as text, to be put after the header, in order.
    pub fn page(&mut self, events: &[Event]) -> Result<String, BackupError> {
        let out = self.page_bytes(events)?;
        String::from_utf8(out).map_err(|e| BackupError(e.to_string()))
    }

    /// The same page as UTF-8 bytes, for a file built from bytes (a browser's `Blob`): no check and no
    /// conversion to another string type on the way.
    pub fn page_bytes(&mut self, events: &[Event]) -> Result<Vec<u8>, BackupError> {
        // Every event written into one buffer (no text per event).
        let mut out = Vec::with_capacity(events.len() * 256);
        for event in events {
            out.extend_from_slice(if self.counts.events == 0 { b"\n" } else { b",\n" });
            serde_json::to_writer(&mut out, event).map_err(|e| BackupError(e.to_string()))?;
            self.counts.add(event);
        }
        Ok(out)
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// The opening of the file, for the events written so far. `settings`: the user's settings (JSON object).
    pub fn head(&self, exported_at: f64, install_id: &str, settings: Option<&Value>) -> Result<String, BackupError> {
        let header = Header {
            format: FORMAT.into(),
            version: VERSION,
            exported_at,
            install_id: install_id.into(),
            app: format!("digitus {}", env!("CARGO_PKG_VERSION")),
            counts: self.counts.clone(),
        };
        let mut value = serde_json::to_value(&header).map_err(|e| BackupError(e.to_string()))?;
        if let (Some(s), Some(map)) = (settings, value.as_object_mut()) {
            map.insert("settings".into(), s.clone());
        }
        let text = serde_json::to_string(&value).map_err(|e| BackupError(e.to_string()))?;
        // `{…}` → `{…,"events":[`
        Ok(format!("{},\"events\":[", &text[..text.len() - 1]))
    }

    pub fn tail(&self) -> &'static str {
        if self.counts.events == 0 { "]}\n" } else { "\n]}\n" }
    }
}

/// A whole backup in one string (tests, small exports).
pub fn write(events: &[Event], exported_at: f64, install_id: &str, settings: Option<&Value>) -> Result<String, BackupError> {
    let mut w = Writer::new();
    let body = w.page(events)?;
    Ok(format!("{}{}{}", w.head(exported_at, install_id, settings)?, body, w.tail()))
}

/// A parsed and fully validated backup. Events stay as spans of the text until asked for.
#[derive(Debug)]
pub struct Backup {
    pub header: Header,
    pub settings: Option<Value>,
    text: String,
    spans: Vec<(usize, usize)>,
}

/// Collects the elements of the `events` array as raw slices, refusing more than [`MAX_EVENTS`].
struct RawSeq<'a>(Vec<&'a RawValue>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for RawSeq<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSeq<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of events")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                    if out.len() == MAX_EVENTS {
                        return Err(serde::de::Error::custom(format!("more than {MAX_EVENTS} events")));
                    }
                    out.push(raw);
                }
                Ok(RawSeq(out))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Where a serde_json error happened, in words.
fn json_problem(e: &serde_json::Error) -> String {
    let what = e.to_string();
    if what.contains("recursion limit") {
        format!("nested too deeply ({what})")
    } else if e.is_eof() {
        format!("the file ends too early, it was probably truncated ({what})")
    } else {
        what
    }
}

fn check_keys(at: &str, map: &Map<String, Value>) -> Result<(), BackupError> {
    for key in map.keys() {
        if FORBIDDEN_KEYS.contains(&key.as_str()) {
            return fail(at, format!("forbidden key \"{key}\""));
        }
    }
    Ok(())
}

/// Refuses forbidden keys at any depth (settings are free-form JSON).
fn check_keys_deep(at: &str, value: &Value, depth: usize) -> Result<(), BackupError> {
    if depth > 16 {
        return fail(at, "nested too deeply");
    }
    match value {
        Value::Object(map) => {
            check_keys(at, map)?;
            for (k, v) in map {
                check_keys_deep(&format!("{at}.{k}"), v, depth + 1)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_keys_deep(&format!("{at}[{i}]"), v, depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn text_field(at: &str, v: &Value, max: usize, allow_empty: bool) -> Result<String, BackupError> {
    let Some(s) = v.as_str() else { return fail(at, format!("must be a string, not {}", type_name(v))) };
    if s.chars().count() > max {
        return fail(at, format!("longer than {max} characters"));
    }
    if !allow_empty && s.is_empty() {
        return fail(at, "must not be empty");
    }
    if s.chars().any(char::is_control) {
        return fail(at, "holds control characters");
    }
    Ok(s.to_string())
}

fn uint_field(at: &str, v: &Value, max: u64) -> Result<u64, BackupError> {
    match v.as_u64() {
        Some(n) if n <= max => Ok(n),
        Some(_) => fail(at, format!("larger than {max}")),
        None if v.as_i64().is_some_and(|n| n < 0) || v.as_f64().is_some_and(|n| n < 0.0) => fail(at, "must not be negative"),
        None if v.is_number() => fail(at, "must be a whole number"),
        None => fail(at, format!("must be a number, not {}", type_name(v))),
    }
}

fn float_field(at: &str, v: &Value, min: f64, max: f64) -> Result<f64, BackupError> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= min && x <= max => Ok(x),
        Some(_) => fail(at, format!("must be a finite number between {min} and {max}")),
        None => fail(at, format!("must be a number, not {}", type_name(v))),
    }
}

fn bool_field(at: &str, v: &Value) -> Result<bool, BackupError> {
    v.as_bool().map_or_else(|| fail(at, format!("must be true or false, not {}", type_name(v))), Ok)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object<'v>(at: &str, v: &'v Value) -> Result<&'v Map<String, Value>, BackupError> {
    let Some(map) = v.as_object() else { return fail(at, format!("must be an object, not {}", type_name(v))) };
    check_keys(at, map)?;
    Ok(map)
}

fn kind_of(at: &str, v: &Value) -> Result<Kind, BackupError> {
    let s = v.as_str().unwrap_or("");
    Kind::ALL.into_iter().find(|k| k.as_str() == s).map_or_else(
        || fail(at, format!("unknown kind {v} (expected one of like, rating, tag, report, feedback, review, captcha)")),
        Ok,
    )
}

fn captcha_of(at: &str, v: &Value) -> Result<CaptchaDetail, BackupError> {
    let map = object(at, v)?;
    let mut c = CaptchaDetail::default();
    for key in ["provider", "rounds", "failed_rounds", "audio", "labels"] {
        if !map.contains_key(key) {
            return fail(at, format!("missing field \"{key}\""));
        }
    }
    for (key, v) in map {
        let here = format!("{at}.{key}");
        match key.as_str() {
            "provider" => c.provider = text_field(&here, v, crate::limits::MAX_PROVIDER, false)?,
            "rounds" => c.rounds = uint_field(&here, v, u64::from(crate::limits::MAX_ROUNDS))? as u32,
            "failed_rounds" => c.failed_rounds = uint_field(&here, v, u64::from(crate::limits::MAX_ROUNDS))? as u32,
            "audio" => c.audio = bool_field(&here, v)?,
            "labels" => {
                let labels = object(&here, v)?;
                if labels.len() > MAX_LABELS {
                    return fail(&here, format!("more than {MAX_LABELS} objects"));
                }
                for (name, n) in labels {
                    let name = text_field(&format!("{here} key"), &Value::String(name.clone()), MAX_LABEL, false)?;
                    let n = uint_field(&format!("{here}.{name}"), n, u64::from(crate::limits::MAX_LABEL_COUNT))? as u32;
                    c.labels.insert(name, n);
                }
            }
            _ => return fail(at, format!("unknown field \"{key}\"")),
        }
    }
    Ok(c)
}

/// Reads and checks one event (`at` names it: `events[41]`).
pub fn event_from_value(at: &str, v: &Value) -> Result<Event, BackupError> {
    let map = object(at, v)?;
    for key in ["id", "kind", "site", "time", "duration_ms", "duration_measured", "rule", "effect", "amount"] {
        if !map.contains_key(key) {
            return fail(at, format!("missing field \"{key}\""));
        }
    }
    // Every required field is overwritten below (their presence was checked above).
    let mut e = Event { amount: 0, ..Event::new("", Kind::Like, "", 0.0, "") };
    for (key, v) in map {
        let here = format!("{at}.{key}");
        let optional = v.is_null();
        match key.as_str() {
            "id" => e.id = text_field(&here, v, MAX_ID, false)?,
            "kind" => e.kind = kind_of(&here, v)?,
            "site" => {
                e.site = text_field(&here, v, MAX_SITE, true)?;
                if !crate::limits::site_ok(&e.site) {
                    return fail(&here, format!("{v} is not a site name (a lower-case host name such as \"example.com\")"));
                }
            }
            "time" => e.time = float_field(&here, v, crate::limits::MIN_TIME, MAX_TIME)?,
            "tz" => {
                let tz = v.as_i64().filter(|t| crate::limits::tz_ok(*t));
                e.tz = tz.map_or_else(|| fail(&here, "must be whole minutes within ±1080"), |t| Ok(t as i32))?;
            }
            "duration_ms" => e.duration_ms = uint_field(&here, v, MAX_DURATION_MS)? as u32,
            "duration_measured" => e.duration_measured = bool_field(&here, v)?,
            "rule" => e.rule = text_field(&here, v, MAX_RULE, false)?,
            "effect" => {
                e.effect = match v.as_str() {
                    Some("add") => Effect::Add,
                    Some("undo") => Effect::Undo,
                    _ => return fail(&here, format!("must be \"add\" or \"undo\", not {v}")),
                }
            }
            "amount" => e.amount = uint_field(&here, v, MAX_AMOUNT)? as u32,
            "item" if !optional => e.item = Some(text_field(&here, v, MAX_ITEM, false)?),
            "cancels" if !optional => e.cancels = Some(text_field(&here, v, MAX_ID, false)?),
            "value" if !optional => {
                let max = f64::from(crate::limits::MAX_VALUE);
                e.value = Some(float_field(&here, v, -max, max)? as f32)
            }
            "words" if !optional => e.words = Some(uint_field(&here, v, MAX_WORDS)? as u32),
            "chars" if !optional => e.chars = Some(uint_field(&here, v, u64::from(crate::limits::MAX_CHARS))? as u32),
            "captcha" if !optional => e.captcha = Some(captcha_of(&here, v)?),
            "item" | "cancels" | "value" | "words" | "chars" | "captcha" => {}
            _ => return fail(at, format!("unknown field \"{key}\"")),
        }
    }
    if e.cancels.as_deref() == Some(e.id.as_str()) {
        return fail(&format!("{at}.cancels"), "an event cannot cancel itself");
    }
    if e.effect == Effect::Undo && e.cancels.is_none() {
        return fail(at, "an undo must name the event it cancels (\"cancels\")");
    }
    if e.captcha.is_some() != (e.kind == Kind::Captcha) {
        return fail(at, "\"captcha\" details belong to events of kind captcha, and only to them");
    }
    Ok(e)
}

fn event_from_raw(index: usize, raw: &str) -> Result<Event, BackupError> {
    let at = format!("events[{index}]");
    let value: Value = serde_json::from_str(raw).map_err(|e| BackupError(format!("{at}: {}", json_problem(&e))))?;
    event_from_value(&at, &value)
}

impl Backup {
    /// Parses and checks a whole file. Nothing about the file is trusted: every event is checked here,
    /// so that an import either has a clean file to write or writes nothing.
    pub fn parse(text: String) -> Result<Backup, BackupError> {
        if text.len() > MAX_BYTES {
            return Err(BackupError(format!("the file is larger than {} MiB", MAX_BYTES >> 20)));
        }
        let (header, settings, spans) = {
            let top: BTreeMap<String, &RawValue> = match serde_json::from_str(&text) {
                Ok(top) => top,
                Err(e) if e.is_data() && text.trim_start().starts_with(['[', '"', 't', 'f', 'n', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-']) => {
                    return Err(BackupError("not a Digitus backup: the file is not a JSON object".into()));
                }
                Err(e) => return Err(BackupError(format!("not valid JSON: {}", json_problem(&e)))),
            };
            for key in top.keys() {
                if FORBIDDEN_KEYS.contains(&key.as_str()) {
                    return fail("header", format!("forbidden key \"{key}\""));
                }
                if !["format", "version", "exported_at", "install_id", "app", "counts", "settings", "events"].contains(&key.as_str()) {
                    return fail("header", format!("unknown field \"{key}\""));
                }
            }
            let field = |name: &str| -> Result<Value, BackupError> {
                let raw = top.get(name).ok_or_else(|| BackupError(format!("header: missing field \"{name}\"")))?;
                serde_json::from_str(raw.get()).map_err(|e| BackupError(format!("{name}: {}", json_problem(&e))))
            };
            let format = field("format")?;
            if format.as_str() != Some(FORMAT) {
                return Err(BackupError(format!("not a Digitus backup: format is {format}, expected \"{FORMAT}\"")));
            }
            let version = field("version")?;
            if version.as_u64() != Some(u64::from(VERSION)) {
                return Err(BackupError(format!(
                    "unsupported backup version {version}: this Digitus reads version {VERSION} (update Digitus to import newer files)"
                )));
            }
            let exported_at = float_field("exported_at", &field("exported_at")?, 1.0, MAX_TIME)?;
            let install_id = text_field("install_id", &field("install_id")?, MAX_ID, true)?;
            let app = match top.get("app") {
                Some(_) => text_field("app", &field("app")?, 100, true)?,
                None => String::new(),
            };
            let counts_value = field("counts")?;
            let counts_map = object("counts", &counts_value)?;
            let mut counts = Counts::default();
            for (key, v) in counts_map {
                match key.as_str() {
                    "events" => counts.events = uint_field("counts.events", v, MAX_EVENTS as u64)?,
                    "kinds" => {
                        for (kind, n) in object("counts.kinds", v)? {
                            let at = format!("counts.kinds.{kind}");
                            kind_of(&at, &Value::String(kind.clone()))?;
                            counts.kinds.insert(kind.clone(), uint_field(&at, n, MAX_EVENTS as u64)?);
                        }
                    }
                    _ => return fail("counts", format!("unknown field \"{key}\"")),
                }
            }
            let settings = match top.get("settings") {
                Some(raw) if raw.get().len() > MAX_SETTINGS_BYTES => return fail("settings", "larger than 1 MiB"),
                Some(_) => {
                    let s = field("settings")?;
                    object("settings", &s)?;
                    check_keys_deep("settings", &s, 0)?;
                    Some(s)
                }
                None => None,
            };
            let raw_events = top.get("events").ok_or_else(|| BackupError("header: missing field \"events\"".into()))?;
            let RawSeq(items) = serde_json::from_str(raw_events.get()).map_err(|e| BackupError(format!("events: {}", json_problem(&e))))?;
            let base = text.as_ptr() as usize;
            let mut found = Counts::default();
            let mut ids: HashSet<u128> = HashSet::with_capacity(items.len());
            let mut spans = Vec::with_capacity(items.len());
            for (i, raw) in items.iter().enumerate() {
                let event = event_from_raw(i, raw.get())?;
                found.add(&event);
                // `raw` borrows from `text`: its offset is a plain subtraction.
                let start = raw.get().as_ptr() as usize - base;
                spans.push((start, start + raw.get().len()));
                if !ids.insert(fingerprint(&event.id)) {
                    return fail(&format!("events[{i}].id"), format!("duplicate id \"{}\"", event.id));
                }
            }
            if counts.events != items.len() as u64 {
                return fail(
                    "counts.events",
                    format!("the header announces {} events but the file holds {}: it was truncated or edited", counts.events, items.len()),
                );
            }
            if found.kinds != counts.kinds.iter().filter(|(_, n)| **n > 0).map(|(k, n)| (k.clone(), *n)).collect() {
                return fail("counts.kinds", "the counts by kind do not match the events: the file was edited");
            }
            let header = Header { format: FORMAT.into(), version: VERSION, exported_at, install_id, app, counts };
            (header, settings, spans)
        };
        Ok(Backup { header, settings, text, spans })
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Events `range` of the file (already checked by [`Backup::parse`]).
    pub fn events(&self, range: std::ops::Range<usize>) -> Result<Vec<Event>, BackupError> {
        let end = range.end.min(self.spans.len());
        let start = range.start.min(end);
        (start..end).map(|i| event_from_raw(i, &self.text[self.spans[i].0..self.spans[i].1])).collect()
    }
}

/// A 128-bit fingerprint of an id, so the duplicate check over millions of ids stores 16 bytes each
/// (two SipHash digests with different prefixes: a false "duplicate" would need a 128-bit collision).
fn fingerprint(id: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let digest = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        id.hash(&mut h);
        h.finish()
    };
    (u128::from(digest(1)) << 64) | u128::from(digest(2))
}

/// Events written per merge transaction by [`import`].
pub const IMPORT_BATCH: usize = 2_000;

/// Imports a parsed backup into a store, `batch` events per transaction, calling `progress(done, total)`
/// after each. Importing the same file twice changes nothing the second time. A batch that fails leaves the
/// batches before it in place: they are complete and consistent, and importing the file again finishes
/// the job (ids already there are skipped).
pub async fn import<S: crate::store::Store>(
    store: &S,
    backup: &Backup,
    batch: usize,
    mut progress: impl FnMut(usize, usize),
) -> crate::Result<crate::store::MergeReport> {
    let mut report = crate::store::MergeReport::default();
    let batch = batch.max(1);
    let mut done = 0;
    while done < backup.len() {
        let events = backup.events(done..done + batch)?;
        let r = store.merge_events(&events).await?;
        report.added += r.added;
        report.already += r.already;
        done += events.len();
        progress(done, backup.len());
    }
    Ok(report)
}

/// How much of the profile a backup carries besides the events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The default: no install id (it would link backups to one browser) and no paused sites (they say
    /// which sites the user cares to hide).
    #[default]
    Shareable,
    /// Everything, when the user asks for a full backup.
    Full,
}

impl Scope {
    /// The install id as written in the header (empty unless full).
    pub fn install_id(self, install_id: &str) -> &str {
        match self {
            Scope::Full => install_id,
            Scope::Shareable => "",
        }
    }

    /// The settings as written in the file (paused sites dropped unless full).
    pub fn settings(self, settings: Option<Value>) -> Option<Value> {
        match (self, settings) {
            (Scope::Shareable, Some(Value::Object(mut map))) => {
                map.remove("paused_sites");
                Some(Value::Object(map))
            }
            (_, settings) => settings,
        }
    }
}

/// Exports a whole store to one string (native use and tests; the extension streams pages instead).
pub async fn export<S: crate::store::Store>(store: &S, exported_at: f64, install_id: &str, scope: Scope) -> crate::Result<String> {
    let mut w = Writer::new();
    let mut body = String::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.events_after(after.as_deref(), 1_000).await?;
        if page.is_empty() {
            break;
        }
        body.push_str(&w.page(&page)?);
        after = page.last().map(|e| e.id.clone());
    }
    let settings = match store.setting("settings").await? {
        Some(json) => Some(serde_json::from_str::<Value>(&json)?),
        None => None,
    };
    let settings = scope.settings(settings);
    Ok(format!("{}{}{}", w.head(exported_at, scope.install_id(install_id), settings.as_ref())?, body, w.tail()))
}
