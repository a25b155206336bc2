//! Backup and import for the options page, which loads this module itself: a backup of a year of clicks is
//! hundreds of megabytes, more than a runtime message may carry, so the page streams it straight to and
//! from the extension's IndexedDB (shared with the background). Both run in pages of events with progress;
//! the import checks the whole file (pure `digitus::backup`) before writing its first batch, and each batch is
//! one IndexedDB transaction (`Store::merge_events`).
//!
//! ```js
//! const imp = await BackupImport.open(text);          // throws the named problem; nothing written
//! while (!(p = await imp.step(2000)).finished) show(p.done / p.total);
//! const exp = await BackupExport.open();
//! for (let c; (c = await exp.step(5000)) !== undefined; ) parts.push(c);
//! new Blob([await exp.head(), ...parts, exp.tail()]);
//! ```
//! Also: what the background does on waking (install id, retention). The backup half is in the pages module
//! only (feature "pages"); the background module keeps `on_wake`.
#![cfg_attr(not(feature = "pages"), allow(unused_imports, dead_code))]

use crate::idb::{IdbStore, PageAhead, DB_NAME};
use crate::to_js;
use digitus::api::Core;
use digitus::backup::{Backup, Scope, Writer, IMPORT_BATCH};
use digitus::error::Error;

use digitus::store::{install_id, Store};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What JavaScript catches: an `Error` with the sentence and the code.
pub(crate) fn js_error(e: impl Into<crate::Error>) -> JsValue {
    e.into().into()
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

/// 32 bytes from `crypto.getRandomValues` (the item-key secret, see `digitus::keys`). Extension pages,
/// workers and web pages all have it; without it the core must not start with a guessable secret.
pub fn crypto_entropy() -> [u8; 32] {
    let bytes = js_sys::Uint8Array::new_with_length(32);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).expect("crypto is global in pages and workers");
    let fill = js_sys::Reflect::get(&crypto, &JsValue::from_str("getRandomValues"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .expect("crypto.getRandomValues exists in pages and workers");
    fill.call1(&crypto, &bytes).expect("getRandomValues fills 32 bytes");
    let mut out = [0u8; 32];
    bytes.copy_to(&mut out);
    out
}

/// Run each time the background wakes: makes sure the install id exists, and applies the retention setting
/// at most every six hours. Failures are reported to the console and never stop recording.
pub async fn on_wake(store: &IdbStore, core: &Core) {
    if let Err(e) = install_id(store, random_id).await {
        web_sys::console::warn_1(&format!("digitus: install id: {e}").into());
    }
    if !matches!(digitus::api::retention_days(store).await, Ok(Some(_))) {
        return;
    }
    let now = js_sys::Date::now();
    // Whole milliseconds, written and read as an integer: no float formatting or parsing in the module.
    let last = store.meta("last_retention").await.ok().flatten().and_then(|j| j.parse::<u64>().ok()).unwrap_or(0) as f64;
    if now - last < 6.0 * 3_600_000.0 {
        return;
    }
    match core.apply_retention(store, now).await {
        Ok(_) => {
            let _ = store.put_meta("last_retention", &(now as u64).to_string()).await;
        }
        Err(e) => web_sys::console::warn_1(&format!("digitus: retention: {e}").into()),
    }
}

#[cfg(feature = "pages")]
struct ImportState {
    backup: Backup,
    store: IdbStore,
    done: Cell<usize>,
    added: Cell<u64>,
    already: Cell<u64>,
}

#[cfg(feature = "pages")]
/// An import in progress (see the module doc).
#[wasm_bindgen]
pub struct BackupImport {
    state: Rc<ImportState>,
}

#[cfg(feature = "pages")]
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
                let report = state.store.merge_events(&events).await.map_err(|e| partial_failure(e, state.done.get(), state.added.get()))?;
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

#[cfg(feature = "pages")]
struct ExportState {
    store: IdbStore,
    scope: Scope,
    writer: RefCell<Writer>,
    /// The next page, asked for while the one before was being written.
    ahead: RefCell<Option<PageAhead>>,
    /// The id of the last event written: where the next page starts when none was asked ahead (the first
    /// step, and a step after a failed one).
    after: RefCell<Option<String>>,
    finished: Cell<bool>,
    total: u64,
}

#[cfg(feature = "pages")]
/// An export in progress: pages of events in id order, then the header (which carries the counts).
#[wasm_bindgen]
pub struct BackupExport {
    state: Rc<ExportState>,
}

#[cfg(feature = "pages")]
#[wasm_bindgen]
impl BackupExport {
    /// `full`: also write the install id and the paused sites (the user asked for a full backup); by
    /// default a backup carries neither.
    pub async fn open(db: Option<String>, full: Option<bool>) -> Result<BackupExport, JsValue> {
        let scope = if full.unwrap_or(false) { Scope::Full } else { Scope::Shareable };
        let store = IdbStore::open(db.as_deref().unwrap_or(DB_NAME)).await.map_err(js_error)?;
        let total = store.count_events().await.map_err(js_error)?;
        let state = ExportState {
            store,
            scope,
            writer: RefCell::new(Writer::new()),
            ahead: RefCell::new(None),
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

    /// The next page of up to `max` events as UTF-8 bytes (a part of the file's `Blob`), or `undefined` once
    /// every event is written.
    pub fn step(&self, max: usize) -> js_sys::Promise {
        let state = Rc::clone(&self.state);
        wasm_bindgen_futures::future_to_promise(async move {
            if state.finished.get() {
                return Ok(JsValue::UNDEFINED);
            }
            let limit = max.clamp(1, 50_000);
            let ahead = state.ahead.borrow_mut().take();
            let ahead = match ahead {
                Some(ahead) => ahead,
                None => {
                    let after = state.after.borrow().clone();
                    state.store.ask_events_after(after.as_deref(), limit).await.map_err(js_error)?
                }
            };
            let rows = ahead.rows().await.map_err(js_error)?;
            if rows.length() == 0 {
                state.finished.set(true);
                return Ok(JsValue::UNDEFINED);
            }
            // The next page is asked for before this one is parsed and written: IndexedDB reads it meanwhile.
            // (A row without a string id fails the parse below.)
            let last_id = js_sys::Reflect::get(&rows.at(-1), &JsValue::from_str("id")).ok().and_then(|id| id.as_string());
            if let Some(id) = &last_id {
                let next = state.store.ask_events_after(Some(id), limit).await.map_err(js_error)?;
                *state.ahead.borrow_mut() = Some(next);
            }
            let written = crate::raw::values_of::<Vec<digitus::model::Event>>(&rows)
                .and_then(|page| state.writer.borrow_mut().page_bytes(&page).map_err(Error::from));
            match written {
                Ok(bytes) => {
                    // Only a page written moves the export on.
                    *state.after.borrow_mut() = last_id;
                    Ok(js_sys::Uint8Array::from(bytes.as_slice()).into())
                }
                Err(e) => {
                    // The page read ahead is dropped too: a step called again reads this page again (and
                    // fails again) instead of skipping it.
                    state.ahead.borrow_mut().take();
                    Err(js_error(e))
                }
            }
        })
    }

    /// The file's opening (call after the last `step`): header with counts, settings, and the install id when
    /// full.
    pub fn head(&self) -> js_sys::Promise {
        let state = Rc::clone(&self.state);
        wasm_bindgen_futures::future_to_promise(async move {
            let id = install_id(&state.store, random_id).await.map_err(js_error)?;
            let settings = match state.store.setting("settings").await.map_err(js_error)? {
                Some(json) => Some(serde_json::from_str::<serde_json::Value>(&json).map_err(js_error)?),
                None => None,
            };
            let settings = state.scope.settings(settings);
            let id = state.scope.install_id(&id);
            let head = state.writer.borrow().head(js_sys::Date::now(), id, settings.as_ref()).map_err(|e| js_error(Error::from(e)))?;
            Ok(JsValue::from_str(&head))
        })
    }

    pub fn tail(&self) -> String {
        self.state.writer.borrow().tail().to_string()
    }

    /// Closes the export's connection to the database (an open one holds back a schema upgrade or a deletion).
    pub fn close(self) {
        if let Ok(state) = Rc::try_unwrap(self.state) {
            state.store.close();
        }
    }
}

/// A failed batch: the error, with how many events the earlier batches wrote (`written`, `added`) as
/// properties, so the page can say "1,200 written before the failure" rather than "refused".
#[cfg(feature = "pages")]
fn partial_failure(e: digitus::Error, written: usize, added: u64) -> JsValue {
    let error = js_error(e);
    let _ = js_sys::Reflect::set(&error, &"written".into(), &JsValue::from_f64(written as f64));
    let _ = js_sys::Reflect::set(&error, &"added".into(), &JsValue::from_f64(added as f64));
    error
}

#[cfg(feature = "pages")]
/// Default batch size of imports, for pages.
#[wasm_bindgen]
pub fn import_batch_size() -> usize {
    IMPORT_BATCH
}
