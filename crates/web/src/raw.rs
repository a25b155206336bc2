//! IndexedDB requests in bulk, without a Rust closure per request: the paths that move thousands of rows
//! at once (a merge batch of an import, a page of an export) use this second connection to the database
//! the rexie one opened and upgraded.
//!
//! ```text
//! round of requests ─▶ issue every request (one call each) ─▶ await the LAST one only ─▶ read each `result`
//! ```
//! Requests of one transaction complete in the order they were issued, so the last one's success means
//! every earlier one succeeded (a failed request that nobody handles aborts the transaction, and the last
//! request then fails too). rexie wraps each request in a future with two closures; a merge batch of 2,000
//! events makes about 10,000 requests, so their loops run in `bulk.js`, one call from wasm per loop.
//!
//! Rows cross the boundary as JSON text, one `JSON.parse` or `JSON.stringify` per batch, instead of one
//! serde-wasm-bindgen call per field: the stored shape is the one `crate::to_js` writes (plain objects,
//! optional fields absent, maps as objects).

use digitus::error::{Error, Result};
use digitus::model::Event;
use js_sys::{Array, Promise, Uint32Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, IdbDatabase, IdbFactory, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

/// A plain connection to a database whose schema is already current (opened without a version: never
/// upgrades).
pub struct RawDb {
    db: IdbDatabase,
}

fn js_failure(what: &str, e: JsValue) -> Error {
    match e.dyn_ref::<DomException>() {
        Some(d) => dom_error(d),
        None => Error::Storage(format!("{what}: {}", e.as_string().unwrap_or_else(|| format!("{e:?}")))),
    }
}

fn dom_error(e: &DomException) -> Error {
    if e.name() == "QuotaExceededError" {
        Error::QuotaExceeded
    } else {
        Error::Storage(format!("{}: {}", e.name(), e.message()))
    }
}

impl RawDb {
    pub async fn open(name: &str) -> Result<RawDb> {
        let factory: IdbFactory = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
            .map_err(|e| js_failure("indexedDB", e))?
            .unchecked_into();
        let request = factory.open(name).map_err(|e| js_failure("open", e))?;
        let db: IdbDatabase = settle(&request).await?.unchecked_into();
        Ok(RawDb { db })
    }

    pub fn transaction(&self, stores: &[&str], mode: IdbTransactionMode) -> Result<IdbTransaction> {
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        self.db.transaction_with_str_sequence_and_mode(&names, mode).map_err(|e| js_failure("transaction", e))
    }

    pub fn close(&self) {
        self.db.close();
    }
}

/// Waits for `request` (the last of a round) and answers its result; fails with its error.
pub async fn settle(request: &IdbRequest) -> Result<JsValue> {
    Pending::watch(request.clone()).outcome().await
}

/// A request being watched from the moment it was issued, so it may complete before anyone awaits it: a
/// page of an export is asked for while the page before is still being written out.
pub struct Pending {
    request: IdbRequest,
    done: Promise,
}

impl Pending {
    /// Starts watching `request` (call it in the same task that issued the request: its success cannot
    /// have been dispatched yet).
    pub fn watch(request: IdbRequest) -> Pending {
        let done = Promise::new(&mut |resolve, reject| {
            request.set_onsuccess(Some(&resolve));
            request.set_onerror(Some(&reject));
        });
        Pending { request, done }
    }

    /// The request's result once it succeeded; its error otherwise.
    pub async fn outcome(self) -> Result<JsValue> {
        let outcome = JsFuture::from(self.done).await;
        let request = self.request;
        request.set_onsuccess(None);
        request.set_onerror(None);
        match outcome {
            Ok(_) => request.result().map_err(|e| js_failure("result", e)),
            Err(_) => Err(match request.error() {
                Ok(Some(e)) => dom_error(&e),
                _ => Error::Storage("request failed".into()),
            }),
        }
    }
}

/// Waits until every request issued so far has succeeded (`last`: the latest one issued, if any).
pub async fn settle_all(last: Option<&IdbRequest>) -> Result<()> {
    match last {
        Some(r) => settle(r).await.map(drop),
        None => Ok(()),
    }
}

/// Waits for the transaction to commit; fails (with the first error) if it aborted.
pub async fn commit(tx: &IdbTransaction) -> Result<()> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(match tx.error() {
            Some(e) => dom_error(&e),
            None => Error::Storage("transaction aborted".into()),
        }),
    }
}

/// Aborts a transaction whose work failed (nothing of it stays); one that already ended is left as it is.
pub fn abort(tx: &IdbTransaction) {
    let _ = tx.abort();
}

/// Rows for IndexedDB from Rust values: one JSON text, one `JSON.parse`.
pub fn rows_of<T: serde::Serialize>(values: &[T]) -> Result<Array> {
    let text = serde_json::to_string(values)?;
    let parsed = js_sys::JSON::parse(&text).map_err(|e| js_failure("JSON.parse", e))?;
    Ok(parsed.unchecked_into())
}

/// Rust values from rows read from IndexedDB: one `JSON.stringify`, one parse in Rust.
pub fn values_of<T: serde::de::DeserializeOwned>(rows: &JsValue) -> Result<T> {
    let text: String = js_sys::JSON::stringify(rows).map_err(|e| js_failure("JSON.stringify", e))?.into();
    serde_json::from_str(&text).map_err(|e| Error::Storage(format!("unreadable record: {e}")))
}

pub fn failure(what: &str, e: JsValue) -> Error {
    js_failure(what, e)
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/bulk.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = mergeReads)]
    fn merge_reads_js(events: &IdbObjectStore, ids: &Array, targets: &Array, keys: &Array) -> std::result::Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = addRows)]
    fn add_rows_js(store: &IdbObjectStore, rows: &Array, indices: &Uint32Array) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = putRows)]
    fn put_rows_js(store: &IdbObjectStore, rows: &Array, keys: &Array) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = deleteKeys)]
    fn delete_keys_js(store: &IdbObjectStore, keys: &Array) -> std::result::Result<JsValue, JsValue>;
}

/// What the events store holds about a merge batch (see `bulk.js`'s `mergeReads`), index by index.
#[derive(serde::Deserialize)]
pub struct MergeReads {
    pub stored: Vec<bool>,
    pub cancelled: Vec<bool>,
    pub targets: Vec<Option<Event>>,
    pub target_cancelled: Vec<bool>,
    pub on_items: Vec<Vec<Event>>,
}

/// Reads, in one round, what a merge needs about `ids`, the `targets` they cancel and the item `keys`.
pub async fn merge_reads(events: &IdbObjectStore, ids: &[&str], targets: &[&str], keys: &[&str]) -> Result<MergeReads> {
    let promise = merge_reads_js(events, &rows_of(ids)?, &rows_of(targets)?, &rows_of(keys)?).map_err(|e| js_failure("mergeReads", e))?;
    let text = JsFuture::from(promise).await.map_err(|e| js_failure("mergeReads", e))?;
    let text = text.as_string().ok_or_else(|| Error::Storage("mergeReads answered no text".into()))?;
    serde_json::from_str(&text).map_err(|e| Error::Storage(format!("unreadable record: {e}")))
}

fn last_request(what: &str, r: std::result::Result<JsValue, JsValue>) -> Result<Option<IdbRequest>> {
    Ok(r.map_err(|e| js_failure(what, e))?.dyn_into::<IdbRequest>().ok())
}

/// Adds `rows[i]` for each of `indices`; answers the last request.
pub fn add_rows(store: &IdbObjectStore, rows: &Array, indices: &[u32]) -> Result<Option<IdbRequest>> {
    last_request("add", add_rows_js(store, rows, &Uint32Array::from(indices)))
}

/// Puts each row under its key; answers the last request.
pub fn put_rows(store: &IdbObjectStore, rows: &Array, keys: &[&str]) -> Result<Option<IdbRequest>> {
    last_request("put", put_rows_js(store, rows, &rows_of(keys)?))
}

/// Deletes each key; answers the last request.
pub fn delete_keys(store: &IdbObjectStore, keys: &[&str]) -> Result<Option<IdbRequest>> {
    last_request("delete", delete_keys_js(store, &rows_of(keys)?))
}
