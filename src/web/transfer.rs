//! Backup and import for the options page, which loads this module itself: a backup of a year of clicks is
//! hundreds of megabytes, more than a runtime message may carry, so the page streams it straight to and
//! from the extension's IndexedDB (shared with the background). Both run in pages of events with progress;
//! the import checks the whole file (pure `crate::backup`) before writing its first batch, and each batch is
//! one IndexedDB transaction (`Store::merge_events`).
//!
//! ```js
//! const imp = await BackupImport.open(text);          // throws the named problem; nothing written
//! while (!(p = await imp.step(2000)).finished) show(p.done / p.total);
//! const exp = await BackupExport.open();
//! for (let c; (c = await exp.step(5000)) !== undefined; ) parts.push(c);
//! new Blob([await exp.head(), ...parts, exp.tail()]);
//! ```
//! Also: what the background does on waking (install id, retention), and the wasm entry points of the
//! storage benchmark (`bench/browser/storage.mjs`).

use super::idb::{IdbStore, DB_NAME};
use super::to_js;
use crate::api::Core;
use crate::backup::{Backup, Writer, IMPORT_BATCH};
use crate::error::Error;
use crate::model::{Event, Kind};
use crate::store::{install_id, Store};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn js_error(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// A random id from `crypto.randomUUID()` (extension pages and workers are secure contexts).
pub fn random_id() -> String {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok();
    let uuid = crypto.and_then(|c| {
        let f = js_sys::Reflect::get(&c, &JsValue::from_str("randomUUID")).ok()?.dyn_into::<js_sys::Function>().ok()?;
        f.call0(&c).ok()?.as_string()
    });
    uuid.unwrap_or_else(|| format!("{:x}-{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e16) as u64))
}

/// Run each time the background wakes: makes sure the install id exists, and applies the retention setting
/// at most every six hours. Failures are reported to the console and never stop recording.
pub async fn on_wake(store: &IdbStore, core: &Core) {
    if let Err(e) = install_id(store, random_id).await {
        web_sys::console::warn_1(&format!("digitus: install id: {e}").into());
    }
    if !matches!(crate::api::retention_days(store).await, Ok(Some(_))) {
        return;
    }
    let now = js_sys::Date::now();
    let last: f64 = store.meta("last_retention").await.ok().flatten().and_then(|j| j.parse().ok()).unwrap_or(0.0);
    if now - last < 6.0 * 3_600_000.0 {
        return;
    }
    match core.apply_retention(store, now).await {
        Ok(_) => {
            let _ = store.put_meta("last_retention", &now.to_string()).await;
        }
        Err(e) => web_sys::console::warn_1(&format!("digitus: retention: {e}").into()),
    }
}

struct ImportState {
    backup: Backup,
    store: IdbStore,
    done: Cell<usize>,
    added: Cell<u64>,
    already: Cell<u64>,
}

/// An import in progress (see the module doc).
#[wasm_bindgen]
pub struct BackupImport {
    state: Rc<ImportState>,
}

#[wasm_bindgen]
impl BackupImport {
    /// Parses and checks the whole file; rejects with the problem named (nothing is written then).
    /// `db`: the database name (tests and benchmarks); the extension's own by default.
    pub async fn open(text: String, db: Option<String>) -> Result<BackupImport, JsValue> {
        let backup = Backup::parse(text).map_err(|e| js_error(Error::from(e)))?;
        let store = IdbStore::open(db.as_deref().unwrap_or(DB_NAME)).await.map_err(js_error)?;
        let state = ImportState { backup, store, done: Cell::new(0), added: Cell::new(0), already: Cell::new(0) };
        Ok(BackupImport { state: Rc::new(state) })
    }

    /// The file's header (format, version, exported_at, install_id, app, counts).
    pub fn header(&self) -> Result<JsValue, JsValue> {
        to_js(&self.state.backup.header).map_err(js_error)
    }

    /// Writes the next `max` events (one transaction); resolves to `{done, total, added, already, finished}`.
    pub fn step(&self, max: usize) -> js_sys::Promise {
        let state = Rc::clone(&self.state);
        wasm_bindgen_futures::future_to_promise(async move {
            let start = state.done.get();
            let events = state.backup.events(start..start + max.clamp(1, 50_000)).map_err(|e| js_error(Error::from(e)))?;
            if !events.is_empty() {
                let report = state.store.merge_events(&events).await.map_err(js_error)?;
                state.added.set(state.added.get() + report.added);
                state.already.set(state.already.get() + report.already);
                state.done.set(start + events.len());
            }
            let total = state.backup.len();
            to_js(&serde_json::json!({
                "done": state.done.get(),
                "total": total,
                "added": state.added.get(),
                "already": state.already.get(),
                "finished": state.done.get() >= total,
            }))
            .map_err(js_error)
        })
    }

    pub fn close(self) {
        if let Ok(state) = Rc::try_unwrap(self.state) {
            state.store.close();
        }
    }
}

struct ExportState {
    store: IdbStore,
    writer: RefCell<Writer>,
    after: RefCell<Option<String>>,
    finished: Cell<bool>,
    total: u64,
}

/// An export in progress: pages of events in id order, then the header (which carries the counts).
#[wasm_bindgen]
pub struct BackupExport {
    state: Rc<ExportState>,
}

#[wasm_bindgen]
impl BackupExport {
    pub async fn open(db: Option<String>) -> Result<BackupExport, JsValue> {
        let store = IdbStore::open(db.as_deref().unwrap_or(DB_NAME)).await.map_err(js_error)?;
        let total = store.count_events().await.map_err(js_error)?;
        let state = ExportState {
            store,
            writer: RefCell::new(Writer::new()),
            after: RefCell::new(None),
            finished: Cell::new(false),
            total,
        };
        Ok(BackupExport { state: Rc::new(state) })
    }

    /// Events stored when the export started (for the progress bar).
    pub fn total(&self) -> f64 {
        self.state.total as f64
    }

    /// Events written so far.
    pub fn done(&self) -> f64 {
        self.state.writer.borrow().counts().events as f64
    }

    /// The next page of up to `max` events as text, or `undefined` once every event is written.
    pub fn step(&self, max: usize) -> js_sys::Promise {
        let state = Rc::clone(&self.state);
        wasm_bindgen_futures::future_to_promise(async move {
            if state.finished.get() {
                return Ok(JsValue::UNDEFINED);
            }
            let after = state.after.borrow().clone();
            let page = state.store.events_after(after.as_deref(), max.clamp(1, 50_000)).await.map_err(js_error)?;
            if page.is_empty() {
                state.finished.set(true);
                return Ok(JsValue::UNDEFINED);
            }
            *state.after.borrow_mut() = page.last().map(|e| e.id.clone());
            let text = state.writer.borrow_mut().page(&page).map_err(js_error)?;
            Ok(JsValue::from_str(&text))
        })
    }

    /// The file's opening (call after the last `step`): header with counts, install id and settings.
    pub fn head(&self) -> js_sys::Promise {
        let state = Rc::clone(&self.state);
        wasm_bindgen_futures::future_to_promise(async move {
            let id = install_id(&state.store, random_id).await.map_err(js_error)?;
            let settings = match state.store.setting("settings").await.map_err(js_error)? {
                Some(json) => Some(serde_json::from_str::<serde_json::Value>(&json).map_err(js_error)?),
                None => None,
            };
            let head = state.writer.borrow().head(js_sys::Date::now(), &id, settings.as_ref()).map_err(js_error)?;
            Ok(JsValue::from_str(&head))
        })
    }

    pub fn tail(&self) -> String {
        self.state.writer.borrow().tail().to_string()
    }
}

/// Default batch size of imports, for pages.
#[wasm_bindgen]
pub fn import_batch_size() -> usize {
    IMPORT_BATCH
}

// ---- storage benchmark entry points (bench/browser/storage.mjs, extension page bench.html) ----

/// A synthetic but realistic event: 40 sites, all kinds, some undos, spread over a year.
fn synthetic(i: u64, start_ms: f64) -> Event {
    let kinds = [Kind::Like, Kind::Like, Kind::Like, Kind::Rating, Kind::Tag, Kind::Report, Kind::Feedback, Kind::Review];
    let kind = kinds[(i % kinds.len() as u64) as usize];
    let site = format!("site{}.example", (i * 7) % 40);
    let id = format!("{:016x}-{i}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    Event {
        tz: 60,
        duration_ms: 2_650,
        item: Some(format!("item-{i}")),
        value: (kind == Kind::Rating).then_some(4.0),
        words: (kind == Kind::Review).then_some(42),
        chars: (kind == Kind::Review).then_some(230),
        ..Event::new(id, kind, site, start_ms + (i as f64) * 31.0 * 1000.0, format!("bench.{}@1", kind.as_str()))
    }
}

/// The synthetic events `from..to` as JSON (the Dexie side of the benchmark writes the same ones).
#[wasm_bindgen]
pub fn bench_events(from: f64, to: f64, start_ms: f64) -> Result<JsValue, JsValue> {
    let events: Vec<Event> = (from as u64..to as u64).map(|i| synthetic(i, start_ms)).collect();
    to_js(&events).map_err(js_error)
}

/// Ingests synthetic events `from..to` into database `db` through `merge_events` (events, rollups and
/// items in one transaction per `batch`); resolves to the milliseconds it took.
#[wasm_bindgen]
pub async fn bench_ingest(db: String, from: f64, to: f64, batch: usize, start_ms: f64) -> Result<f64, JsValue> {
    let store = IdbStore::open(&db).await.map_err(js_error)?;
    let t0 = js_sys::Date::now();
    let mut i = from as u64;
    while i < to as u64 {
        let end = (i + batch.max(1) as u64).min(to as u64);
        let events: Vec<Event> = (i..end).map(|n| synthetic(n, start_ms)).collect();
        store.merge_events(&events).await.map_err(js_error)?;
        i = end;
    }
    let ms = js_sys::Date::now() - t0;
    store.close();
    Ok(ms)
}

/// The summary (from rollups) of database `db`; resolves to `{ms, events}`.
#[wasm_bindgen]
pub async fn bench_summary(db: String) -> Result<JsValue, JsValue> {
    let store = IdbStore::open(&db).await.map_err(js_error)?;
    let t0 = js_sys::Date::now();
    let rollups = store.rollups().await.map_err(js_error)?;
    let summary = crate::summary::Summary::from_rollups(&rollups);
    let ms = js_sys::Date::now() - t0;
    store.close();
    to_js(&serde_json::json!({ "ms": ms, "events": summary.events, "rollups": rollups.len() })).map_err(js_error)
}

/// Fills database `db` with synthetic events `0..n` the fast way (events added in chunks of 10,000, all
/// requests of a chunk issued together; rollups summed in memory and written at the end; no items), to
/// set up the summary and export benchmarks. Resolves to the milliseconds it took.
#[wasm_bindgen]
pub async fn bench_fill(db: String, n: f64, start_ms: f64) -> Result<f64, JsValue> {
    use crate::store::{Bucket, Rollup, Totals};
    use std::collections::BTreeMap;
    let t0 = js_sys::Date::now();
    let rexie = super::idb::schema(&db).build().await.map_err(js_error)?;
    let mut sums: BTreeMap<Bucket, Totals> = BTreeMap::new();
    let mut i = 0u64;
    while i < n as u64 {
        let end = (i + 10_000).min(n as u64);
        let values: Vec<JsValue> = (i..end)
            .map(|k| {
                let e = synthetic(k, start_ms);
                sums.entry(Bucket::of(&e)).or_default().add(&Totals::of(&e), 1);
                to_js(&e)
            })
            .collect::<Result<_, _>>()
            .map_err(js_error)?;
        let tx = rexie.transaction(&["events"], rexie::TransactionMode::ReadWrite).map_err(js_error)?;
        let store = tx.store("events").map_err(js_error)?;
        store.add_all(values.into_iter().map(|v| (v, None))).await.map_err(js_error)?;
        tx.done().await.map_err(js_error)?;
        i = end;
    }
    let rows: Vec<JsValue> = sums
        .into_iter()
        .map(|(bucket, totals)| {
            let mut row = serde_json::to_value(Rollup { bucket: bucket.clone(), totals }).unwrap_or_default();
            row["key"] = bucket.key().into();
            to_js(&row)
        })
        .collect::<Result<_, _>>()
        .map_err(js_error)?;
    let tx = rexie.transaction(&["rollups"], rexie::TransactionMode::ReadWrite).map_err(js_error)?;
    let store = tx.store("rollups").map_err(js_error)?;
    store.put_all(rows.into_iter().map(|v| (v, None))).await.map_err(js_error)?;
    tx.done().await.map_err(js_error)?;
    rexie.close();
    Ok(js_sys::Date::now() - t0)
}
