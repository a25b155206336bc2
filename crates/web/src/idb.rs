//! `Store` on IndexedDB (rexie). One database per profile, shared by the service worker and pages.
//!
//! Schema history (a new version may only add stores and indexes: rexie deletes what a schema omits). The
//! schema is data, `digitus::store::schema::HISTORY`, and a native test fails if a version drops anything:
//! * 1: `events` (key `id`, index `time`), `rollups` (key `key`), `items`, `settings`.
//! * 2: adds indexes `site`, `cancels`, `item` on `events` (forget a site, merges) and the `meta` store.
//! * 3: adds the `totals` store (site × kind, the rollups summed over days: what summaries read), built
//!   from the rollups the first time a database of an earlier version opens ([`IdbStore::open`]).
//!
//! Rollups and totals ("the books") move together: a write sums its deltas by row ([`BookDeltas`]), reads
//! the rows it changes in one round, then writes them in the next ([`move_book`]).
//!
//! Bulk work (merges, forgetting, pruning) issues every request of a step together and awaits them once,
//! inside one transaction: awaiting requests one by one costs about 5× (measured, see platform notes),
//! and awaiting anything that is not IndexedDB would commit the transaction half-way.

use digitus::error::{Error, Result};
use digitus::model::Event;
use digitus::model::Kind;
use digitus::store::schema::{self as history, TOTALS_BUILT};
use digitus::store::{
    BookDeltas, Bucket, Commit, FlatBookRow, ItemState, MergePlan, MergeReport, MergeView, Rollup, SiteKind, SiteTotals, Store, Totals,
};
use digitus::time::{day_start_ms, LOCAL_DAY_SLACK_MS};
use futures::future::try_join_all;
use rexie::{Direction, Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use crate::raw::{self, RawDb};
use std::cell::OnceCell;
use std::collections::BTreeMap;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbKeyRange, IdbObjectStore, IdbRequest, IdbTransactionMode};

pub const DB_NAME: &str = "digitus";
pub const DB_VERSION: u32 = 3;

const EVENTS: &str = "events";
const ROLLUPS: &str = "rollups";
const ITEMS: &str = "items";
const SETTINGS: &str = "settings";
const META: &str = "meta";
const TOTALS: &str = "totals";

/// The object stores of the current schema, built from `store::schema::current()`, which lists every store
/// of every earlier version (checked by `tests/storage.rs`).
pub fn schema(name: &str) -> rexie::RexieBuilder {
    let (version, stores) = history::current();
    debug_assert_eq!(version, DB_VERSION);
    let mut builder = Rexie::builder(name).version(version);
    for def in stores {
        let mut store = ObjectStore::new(def.name);
        if let Some(path) = def.key_path {
            store = store.key_path(path);
        }
        for (index, path) in def.indexes {
            // Explicit flags: rexie re-creates (re-indexes) an index whose flags it cannot compare.
            store = store.add_index(Index::new(index, path).unique(false).multi_entry(false));
        }
        builder = builder.add_object_store(store);
    }
    builder
}

fn key_range_error(e: impl std::fmt::Display) -> Error {
    Error::Storage(e.to_string())
}

fn only(key: &str) -> Result<KeyRange> {
    KeyRange::only(&JsValue::from_str(key)).map_err(key_range_error)
}

/// A rollup row as stored: the bucket's flat key beside its fields (read back as `FlatBookRow`).
#[derive(Serialize)]
struct StoredRollup {
    key: String,
    #[serde(flatten)]
    rollup: Rollup,
}

/// A totals row as stored: the flat `site|kind` key beside its fields (read back as `FlatBookRow`).
#[derive(Serialize)]
struct StoredTotals {
    key: String,
    #[serde(flatten)]
    row: SiteTotals,
}

/// A row key of one of the books (rollups by bucket, totals by site × kind) and how its row is written.
trait BookKey: Ord {
    fn key(&self) -> String;
    fn row(&self, totals: Totals) -> Result<JsValue>;
}

impl BookKey for Bucket {
    fn key(&self) -> String {
        Bucket::key(self)
    }
    fn row(&self, totals: Totals) -> Result<JsValue> {
        to_js(&StoredRollup { key: self.key(), rollup: Rollup { bucket: self.clone(), totals } })
    }
}

impl BookKey for SiteKind {
    fn key(&self) -> String {
        SiteKind::key(self)
    }
    fn row(&self, totals: Totals) -> Result<JsValue> {
        to_js(&StoredTotals { key: self.key(), row: SiteTotals { site_kind: self.clone(), totals } })
    }
}

/// The writes that add summed deltas to the rows of one book, given the rows as stored (`undefined`: none):
/// rows to put, and the keys of rows that return to zero (deleted). (A stored row's `Totals` is read
/// straight from the row: the key fields beside it are ignored.)
fn book_writes<K: BookKey>(deltas: &BTreeMap<K, Totals>, rows: impl IntoIterator<Item = JsValue>) -> Result<(Vec<JsValue>, Vec<JsValue>)> {
    let mut puts = Vec::new();
    let mut deletes = Vec::new();
    for ((book_key, delta), row) in deltas.iter().zip(rows) {
        let mut totals = if row.is_undefined() || row.is_null() { Totals::default() } else { from_js::<Totals>(row)? };
        totals.add(delta, 1);
        if totals.is_zero() {
            deletes.push(JsValue::from_str(&book_key.key()));
        } else {
            puts.push(book_key.row(totals)?);
        }
    }
    Ok((puts, deletes))
}

/// Adds summed deltas to the rows of one book inside a transaction: reads every row concerned together,
/// then writes them together; a row that returns to zero is deleted.
async fn move_book<K: BookKey>(store: &rexie::Store, deltas: &BTreeMap<K, Totals>) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let rows = try_join_all(deltas.keys().map(|k| store.get(JsValue::from_str(&k.key())))).await.map_err(idb_error)?;
    let (puts, deletes) = book_writes(deltas, rows.into_iter().map(|r| r.unwrap_or(JsValue::UNDEFINED)))?;
    futures::try_join!(
        store.put_all(puts.into_iter().map(|v| (v, None))),
        try_join_all(deletes.into_iter().map(|k| store.delete(k))),
    )
    .map_err(idb_error)?;
    Ok(())
}

pub struct IdbStore {
    db: Rexie,
    /// The bulk paths' own connection (see `crate::raw`), opened when first needed.
    raw: OnceCell<RawDb>,
}

// The store answers in the core's error type (the `Store` trait's): a record that does not convert is a
// storage failure, not the caller's bad input.
fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    crate::to_js(value).map_err(Error::from)
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T> {
    crate::from_js(value).map_err(Error::from)
}

pub(crate) fn idb_error(e: rexie::Error) -> Error {
    let text = e.to_string();
    if text.contains("Quota") || text.contains("quota") {
        Error::QuotaExceeded
    } else {
        Error::Storage(text)
    }
}

impl IdbStore {
    /// Opens (creating or upgrading) the database; on the first open after an upgrade from a version
    /// without totals, builds them from the rollups before anything can write.
    pub async fn open(name: &str) -> Result<IdbStore> {
        let store = IdbStore { db: schema(name).build().await.map_err(idb_error)?, raw: OnceCell::new() };
        store.build_totals_if_missing().await?;
        Ok(store)
    }

    /// Sums the rollups into the totals store once per database (marked by `meta.totals_built`). The check
    /// is repeated inside the writing transaction: another page may have built them meanwhile, and may
    /// since have recorded into them.
    async fn build_totals_if_missing(&self) -> Result<()> {
        if self.meta(TOTALS_BUILT).await?.is_some() {
            return Ok(());
        }
        let tx = self.tx(&[ROLLUPS, TOTALS, META], TransactionMode::ReadWrite)?;
        let result: Result<()> = async {
            let (rollups, totals, meta) =
                (tx.store(ROLLUPS).map_err(idb_error)?, tx.store(TOTALS).map_err(idb_error)?, tx.store(META).map_err(idb_error)?);
            if meta.get(JsValue::from_str(TOTALS_BUILT)).await.map_err(idb_error)?.is_some_and(|v| !v.is_undefined()) {
                return Ok(());
            }
            let mut sums: BTreeMap<SiteKind, Totals> = BTreeMap::new();
            for v in rollups.get_all(None, None).await.map_err(idb_error)? {
                let row = Rollup::try_from(from_js::<FlatBookRow>(v)?)?;
                sums.entry(SiteKind::of(&row.bucket)).or_default().add(&row.totals, 1);
            }
            totals.clear().await.map_err(idb_error)?;
            move_book(&totals, &sums).await?;
            meta.put(&JsValue::from_str("true"), Some(&JsValue::from_str(TOTALS_BUILT))).await.map_err(idb_error)?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    pub fn close(self) {
        if let Some(raw) = self.raw.get() {
            raw.close();
        }
        self.db.close();
    }

    /// The bulk paths' connection to the same database (opened after rexie's, so the schema is current).
    async fn raw(&self) -> Result<&RawDb> {
        if self.raw.get().is_none() {
            let raw = RawDb::open(&self.db.name()).await?;
            if let Err(raw) = self.raw.set(raw) {
                raw.close();
            }
        }
        Ok(self.raw.get().expect("set above"))
    }

    /// Asks for the page of up to `limit` events after id `after` (from the first when `None`), in id order,
    /// and answers at once: the read runs in IndexedDB while the caller does other work (an export writes
    /// out one page while the next is read), and [`PageAhead::rows`] waits for it.
    pub async fn ask_events_after(&self, after: Option<&str>, limit: usize) -> Result<PageAhead> {
        PageAhead::ask(self.raw().await?, after, limit)
    }

    /// Object store names of the open database (tests check no historical store was dropped).
    pub fn store_names(&self) -> Vec<String> {
        self.db.store_names()
    }

    pub fn version(&self) -> Result<u32> {
        self.db.version().map_err(idb_error)
    }

    /// Every item state (tests compare it with the in-memory store).
    pub async fn all_items(&self) -> Result<BTreeMap<String, ItemState>> {
        let tx = self.tx(&[ITEMS], TransactionMode::ReadOnly)?;
        let store = tx.store(ITEMS).map_err(idb_error)?;
        let rows = store.scan(None, None, None, None).await.map_err(idb_error)?;
        rows.into_iter().map(|(k, v)| Ok((k.as_string().unwrap_or_default(), from_js(v)?))).collect()
    }

    /// A JSON text kept under `key` in a key-value store (settings, meta).
    async fn get_text(&self, store_name: &str, key: &str) -> Result<Option<String>> {
        let tx = self.tx(&[store_name], TransactionMode::ReadOnly)?;
        let store = tx.store(store_name).map_err(idb_error)?;
        Ok(store.get(JsValue::from_str(key)).await.map_err(idb_error)?.and_then(|v| v.as_string()))
    }

    async fn put_text(&self, store_name: &str, key: &str, json: &str) -> Result<()> {
        let tx = self.tx(&[store_name], TransactionMode::ReadWrite)?;
        let store = tx.store(store_name).map_err(idb_error)?;
        store.put(&JsValue::from_str(json), Some(&JsValue::from_str(key))).await.map_err(idb_error)?;
        tx.done().await.map(|_| ()).map_err(idb_error)
    }

    fn tx(&self, stores: &[&str], mode: TransactionMode) -> Result<rexie::Transaction> {
        self.db.transaction(stores, mode).map_err(idb_error)
    }
}

impl Store for IdbStore {
    async fn contains_event(&self, id: &str) -> Result<bool> {
        let tx = self.tx(&[EVENTS], TransactionMode::ReadOnly)?;
        let store = tx.store(EVENTS).map_err(idb_error)?;
        store.key_exists(JsValue::from_str(id)).await.map_err(idb_error)
    }

    async fn item(&self, key: &str) -> Result<Option<ItemState>> {
        let tx = self.tx(&[ITEMS], TransactionMode::ReadOnly)?;
        let store = tx.store(ITEMS).map_err(idb_error)?;
        match store.get(JsValue::from_str(key)).await.map_err(idb_error)? {
            Some(v) if !v.is_undefined() => Ok(Some(from_js(v)?)),
            _ => Ok(None),
        }
    }

    async fn commit(&self, commit: Commit) -> Result<()> {
        // Serialise everything first: awaiting anything but IndexedDB inside the transaction would commit it early.
        let event = to_js(&commit.event)?;
        let item = match &commit.item {
            Some((key, Some(state))) => Some((JsValue::from_str(key), Some(to_js(state)?))),
            Some((key, None)) => Some((JsValue::from_str(key), None)),
            None => None,
        };
        let sums = BookDeltas::of(&commit.deltas);
        let tx = self.tx(&[EVENTS, ROLLUPS, TOTALS, ITEMS], TransactionMode::ReadWrite)?;
        let result: Result<()> = async {
            let events = tx.store(EVENTS).map_err(idb_error)?;
            let rollups = tx.store(ROLLUPS).map_err(idb_error)?;
            let totals = tx.store(TOTALS).map_err(idb_error)?;
            let items = tx.store(ITEMS).map_err(idb_error)?;
            let write_item = async {
                match item {
                    Some((key, Some(state))) => items.put(&state, Some(&key)).await.map(drop),
                    Some((key, None)) => items.delete(key).await,
                    None => Ok(()),
                }
                .map_err(idb_error)
            };
            futures::try_join!(
                async { events.add(&event, None).await.map(drop).map_err(idb_error) },
                move_book(&rollups, &sums.rollups),
                move_book(&totals, &sums.totals),
                write_item,
            )?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn rollups(&self) -> Result<Vec<Rollup>> {
        let tx = self.tx(&[ROLLUPS], TransactionMode::ReadOnly)?;
        let store = tx.store(ROLLUPS).map_err(idb_error)?;
        let rows = store.get_all(None, None).await.map_err(idb_error)?;
        rows.into_iter().map(|v| from_js::<FlatBookRow>(v).and_then(Rollup::try_from)).collect()
    }

    async fn rollups_between(&self, from: Option<&str>, to: Option<&str>) -> Result<Vec<Rollup>> {
        // Keys are `day|site|kind`: every key of the days from..=to lies in [from, to + "~").
        let (lower, upper) = (from.map(JsValue::from_str), to.map(|t| JsValue::from_str(&format!("{t}~"))));
        let range = match (&lower, &upper) {
            (Some(l), Some(u)) => Some(KeyRange::bound(l, u, Some(false), Some(true)).map_err(key_range_error)?),
            (Some(l), None) => Some(KeyRange::lower_bound(l, Some(false)).map_err(key_range_error)?),
            (None, Some(u)) => Some(KeyRange::upper_bound(u, Some(true)).map_err(key_range_error)?),
            (None, None) => None,
        };
        let tx = self.tx(&[ROLLUPS], TransactionMode::ReadOnly)?;
        let store = tx.store(ROLLUPS).map_err(idb_error)?;
        let rows = store.get_all(range, None).await.map_err(idb_error)?;
        rows.into_iter().map(|v| from_js::<FlatBookRow>(v).and_then(Rollup::try_from)).collect()
    }

    async fn site_totals(&self) -> Result<Vec<SiteTotals>> {
        let tx = self.tx(&[TOTALS], TransactionMode::ReadOnly)?;
        let store = tx.store(TOTALS).map_err(idb_error)?;
        let rows = store.get_all(None, None).await.map_err(idb_error)?;
        rows.into_iter().map(|v| from_js::<FlatBookRow>(v).map(SiteTotals::from)).collect()
    }

    async fn events_after(&self, after: Option<&str>, limit: usize) -> Result<Vec<Event>> {
        // One getAll, then the page crosses into Rust as one JSON text (a page of an export is thousands of rows).
        let rows = self.ask_events_after(after, limit).await?.rows().await?;
        raw::values_of(&rows)
    }

    async fn count_events(&self) -> Result<u64> {
        let tx = self.tx(&[EVENTS], TransactionMode::ReadOnly)?;
        let store = tx.store(EVENTS).map_err(idb_error)?;
        Ok(u64::from(store.count(None).await.map_err(idb_error)?))
    }

    async fn recent_events(&self, limit: usize) -> Result<Vec<Event>> {
        let tx = self.tx(&[EVENTS], TransactionMode::ReadOnly)?;
        let index = tx.store(EVENTS).map_err(idb_error)?.index("time").map_err(idb_error)?;
        let rows = index.scan(None, Some(limit as u32), None, Some(Direction::Prev)).await.map_err(idb_error)?;
        rows.into_iter().map(|(_, v)| from_js(v)).collect()
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        self.get_text(SETTINGS, key).await
    }

    async fn put_setting(&self, key: &str, json: &str) -> Result<()> {
        self.put_text(SETTINGS, key, json).await
    }

    async fn merge_events(&self, batch: &[Event]) -> Result<MergeReport> {
        // Rows are made first (no conversion failing half-way through the transaction), in one JSON.parse.
        let rows = raw::rows_of(batch)?;
        let raw = self.raw().await?;
        let tx = raw.transaction(&[EVENTS, ROLLUPS, TOTALS, ITEMS], IdbTransactionMode::Readwrite)?;
        let result: Result<MergeReport> = async {
            let store = |name: &str| tx.object_store(name).map_err(|e| raw::failure(name, e));
            let (events, rollups, totals, items) = (store(EVENTS)?, store(ROLLUPS)?, store(TOTALS)?, store(ITEMS)?);
            // Round 1: every read the plan needs, issued together.
            let view = read_merge_view(&events, batch).await?;
            let plan = MergePlan::new(batch, &view);
            // The state of each touched item follows from the events on it: write it without reading it.
            let item_writes = plan.item_states(&view);
            let sums = BookDeltas::of(&plan.deltas);
            // Round 2: events and items written, the books' rows read; round 3: the books' rows written.
            let mut last = add_new_events(&events, batch, &rows, &plan)?;
            last = write_items(&items, item_writes)?.or(last);
            let rollup_rows = read_book(&rollups, &sums.rollups)?;
            let totals_rows = read_book(&totals, &sums.totals)?;
            let last = totals_rows.last().or(rollup_rows.last()).or(last.as_ref()).cloned();
            raw::settle_all(last.as_ref()).await?;
            let last_rollup = write_book(&rollups, &sums.rollups, &rollup_rows)?;
            let last = write_book(&totals, &sums.totals, &totals_rows)?.or(last_rollup);
            raw::settle_all(last.as_ref()).await?;
            Ok(plan.report)
        }
        .await;
        match result {
            Ok(report) => raw::commit(&tx).await.map(|_| report),
            Err(e) => {
                raw::abort(&tx);
                Err(e)
            }
        }
    }

    async fn forget_site(&self, site: &str) -> Result<u64> {
        let tx = self.tx(&[EVENTS, ROLLUPS, TOTALS, ITEMS], TransactionMode::ReadWrite)?;
        let result: Result<u64> = async {
            let events = tx.store(EVENTS).map_err(idb_error)?;
            let rollups = tx.store(ROLLUPS).map_err(idb_error)?;
            let totals = tx.store(TOTALS).map_err(idb_error)?;
            let items = tx.store(ITEMS).map_err(idb_error)?;
            let by_site = events.index("site").map_err(idb_error)?;
            // Rollup keys are `day|site|kind`: the keys alone tell which rows are the site's.
            let (rows, rollup_keys) =
                futures::try_join!(by_site.get_all(Some(only(site)?), None), rollups.get_all_keys(None, None)).map_err(idb_error)?;
            let gone: Vec<Event> = rows.into_iter().map(from_js).collect::<Result<_>>()?;
            let mut keys: Vec<&str> = gone.iter().filter_map(|e| e.item.as_deref()).collect();
            keys.sort_unstable();
            keys.dedup();
            let states = try_join_all(keys.iter().map(|k| items.get(JsValue::from_str(k)))).await.map_err(idb_error)?;
            let mut item_deletes = Vec::new();
            for (k, v) in keys.iter().zip(states) {
                if let Some(v) = v.filter(|v| !v.is_undefined()) {
                    if from_js::<ItemState>(v)?.bucket.site == site {
                        item_deletes.push(JsValue::from_str(k));
                    }
                }
            }
            let rollup_deletes: Vec<JsValue> = rollup_keys
                .into_iter()
                .filter(|k| k.as_string().is_some_and(|k| k.split('|').nth(1) == Some(site)))
                .collect();
            let totals_keys: Vec<JsValue> =
                Kind::ALL.iter().map(|&kind| JsValue::from_str(&SiteKind { site: site.to_string(), kind }.key())).collect();
            futures::try_join!(
                try_join_all(gone.iter().map(|e| events.delete(JsValue::from_str(&e.id)))),
                try_join_all(rollup_deletes.into_iter().map(|k| rollups.delete(k))),
                try_join_all(totals_keys.into_iter().map(|k| totals.delete(k))),
                try_join_all(item_deletes.into_iter().map(|k| items.delete(k))),
            )
            .map_err(idb_error)?;
            Ok(gone.len() as u64)
        }
        .await;
        finish(tx, result).await
    }

    async fn delete_everything(&self) -> Result<()> {
        let tx = self.tx(&[EVENTS, ROLLUPS, TOTALS, ITEMS], TransactionMode::ReadWrite)?;
        let result: Result<()> = async {
            let (events, rollups, totals, items) = (
                tx.store(EVENTS).map_err(idb_error)?,
                tx.store(ROLLUPS).map_err(idb_error)?,
                tx.store(TOTALS).map_err(idb_error)?,
                tx.store(ITEMS).map_err(idb_error)?,
            );
            futures::try_join!(events.clear(), rollups.clear(), totals.clear(), items.clear()).map_err(idb_error)?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn prune_before_day(&self, day: &str) -> Result<u64> {
        let start = day_start_ms(day).ok_or_else(|| Error::BadInput(format!("not a day: {day}")))?;
        let upper = KeyRange::upper_bound(&JsValue::from_f64(start + LOCAL_DAY_SLACK_MS), Some(true)).map_err(key_range_error)?;
        let before = KeyRange::upper_bound(&JsValue::from_str(day), Some(true)).map_err(key_range_error)?;
        let tx = self.tx(&[EVENTS, ROLLUPS, TOTALS, ITEMS], TransactionMode::ReadWrite)?;
        let result: Result<u64> = async {
            let events = tx.store(EVENTS).map_err(idb_error)?;
            let rollups = tx.store(ROLLUPS).map_err(idb_error)?;
            let totals = tx.store(TOTALS).map_err(idb_error)?;
            let items = tx.store(ITEMS).map_err(idb_error)?;
            let by_time = events.index("time").map_err(idb_error)?;
            let (rows, old_rollups) =
                futures::try_join!(by_time.get_all(Some(upper), None), rollups.get_all(Some(before), None)).map_err(idb_error)?;
            let mut gone = Vec::new();
            for v in rows {
                let e: Event = from_js(v)?;
                if e.day().as_str() < day {
                    gone.push(e);
                }
            }
            // The pruned rollups come off the totals.
            let mut rollup_deletes = Vec::new();
            let mut off_totals: Vec<(Bucket, Totals, i64)> = Vec::new();
            for v in old_rollups {
                // Deleted by the key it was stored under, whatever wrote it.
                let mut row = from_js::<FlatBookRow>(v)?;
                let key = row.key.take().ok_or_else(|| Error::Storage("a rollup row without its key".into()))?;
                let row = Rollup::try_from(row)?;
                rollup_deletes.push(JsValue::from_str(&key));
                off_totals.push((row.bucket, row.totals, -1));
            }
            let with_items: Vec<&Event> = gone.iter().filter(|e| e.item.is_some()).collect();
            let states = try_join_all(with_items.iter().map(|e| items.get(JsValue::from_str(e.item.as_deref().unwrap_or("")))))
                .await
                .map_err(idb_error)?;
            let mut item_deletes = Vec::new();
            for (e, v) in with_items.iter().zip(states) {
                if let Some(v) = v.filter(|v| !v.is_undefined()) {
                    if from_js::<ItemState>(v)?.event_id == e.id {
                        item_deletes.push(JsValue::from_str(e.item.as_deref().unwrap_or("")));
                    }
                }
            }
            let off_totals = BookDeltas::of(&off_totals).totals;
            futures::try_join!(
                async {
                    futures::try_join!(
                        try_join_all(gone.iter().map(|e| events.delete(JsValue::from_str(&e.id)))),
                        try_join_all(rollup_deletes.into_iter().map(|k| rollups.delete(k))),
                        try_join_all(item_deletes.into_iter().map(|k| items.delete(k))),
                    )
                    .map_err(idb_error)
                },
                move_book(&totals, &off_totals),
            )?;
            Ok(gone.len() as u64)
        }
        .await;
        finish(tx, result).await
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        self.get_text(META, key).await
    }

    async fn put_meta(&self, key: &str, json: &str) -> Result<()> {
        self.put_text(META, key, json).await
    }
}

fn request(what: &str, r: std::result::Result<IdbRequest, JsValue>) -> Result<IdbRequest> {
    r.map_err(|e| raw::failure(what, e))
}

fn result(r: &IdbRequest) -> Result<JsValue> {
    r.result().map_err(|e| raw::failure("result", e))
}

/// What the store holds about a merge batch, read in one round: three reads per event (stored? cancelled by
/// a stored event? the stored events on its item) and two per event it cancels (the event, and whether a
/// stored event already cancels it).
async fn read_merge_view(events: &IdbObjectStore, batch: &[Event]) -> Result<MergeView> {
    let ids: Vec<&str> = batch.iter().map(|e| e.id.as_str()).collect();
    let targets: Vec<&str> = batch.iter().filter_map(|e| e.cancels.as_deref()).collect();
    let mut keys: Vec<&str> = batch.iter().filter_map(|e| e.item.as_deref()).collect();
    keys.sort_unstable();
    keys.dedup();
    let reads = raw::merge_reads(events, &ids, &targets, &keys).await?;
    let mut view = MergeView::default();
    for (i, e) in batch.iter().enumerate() {
        if reads.stored[i] {
            view.stored.insert(e.id.clone());
        }
        if reads.cancelled[i] {
            view.cancelled.insert(e.id.clone());
        }
    }
    for ((t, row), cancelled) in targets.iter().zip(reads.targets).zip(reads.target_cancelled) {
        if cancelled {
            view.cancelled.insert(t.to_string());
        }
        if let Some(row) = row {
            view.targets.insert(t.to_string(), row);
        }
    }
    for (k, rows) in keys.iter().zip(reads.on_items) {
        view.item_events.insert(k.to_string(), rows);
    }
    Ok(view)
}

/// Adds the rows of the events the plan adds (each id once, the batch's first copy); answers the last request.
fn add_new_events(events: &IdbObjectStore, batch: &[Event], rows: &Array, plan: &MergePlan) -> Result<Option<IdbRequest>> {
    let new_ids: std::collections::BTreeSet<&str> = plan.new_events.iter().map(|e| e.id.as_str()).collect();
    let mut first = std::collections::BTreeSet::new();
    let indices: Vec<u32> = (0..batch.len())
        .filter(|&i| new_ids.contains(batch[i].id.as_str()) && first.insert(batch[i].id.as_str()))
        .map(|i| i as u32)
        .collect();
    raw::add_rows(events, rows, &indices)
}

/// Puts or deletes item states (`None`: nothing stands on the item any more); answers the last request.
fn write_items(items: &IdbObjectStore, writes: Vec<(String, Option<ItemState>)>) -> Result<Option<IdbRequest>> {
    let (puts, deletes): (Vec<_>, Vec<_>) = writes.iter().partition(|(_, state)| state.is_some());
    let states: Vec<&ItemState> = puts.iter().filter_map(|(_, s)| s.as_ref()).collect();
    let put_keys: Vec<&str> = puts.iter().map(|(k, _)| k.as_str()).collect();
    let delete_keys: Vec<&str> = deletes.iter().map(|(k, _)| k.as_str()).collect();
    let last_put = raw::put_rows(items, &raw::rows_of(&states)?, &put_keys)?;
    Ok(raw::delete_keys(items, &delete_keys)?.or(last_put))
}

/// Issues the reads of the book rows that `deltas` change (answered by [`write_book`]).
fn read_book<K: BookKey>(store: &IdbObjectStore, deltas: &BTreeMap<K, Totals>) -> Result<Vec<IdbRequest>> {
    deltas.keys().map(|k| request("get", store.get(&JsValue::from_str(&k.key())))).collect()
}

/// Writes the book rows read by [`read_book`] with the deltas added; answers the last request.
fn write_book<K: BookKey>(store: &IdbObjectStore, deltas: &BTreeMap<K, Totals>, reads: &[IdbRequest]) -> Result<Option<IdbRequest>> {
    let rows = reads.iter().map(result).collect::<Result<Vec<_>>>()?;
    let (puts, deletes) = book_writes(deltas, rows)?;
    let mut last = None;
    for row in &puts {
        last = Some(request("put", store.put(row))?);
    }
    for key in &deletes {
        last = Some(request("delete", store.delete(key))?);
    }
    Ok(last)
}

/// Commits a transaction whose work succeeded, aborts it otherwise (nothing of a failed step stays).
async fn finish<T>(tx: rexie::Transaction, result: Result<T>) -> Result<T> {
    match result {
        Ok(value) => {
            tx.done().await.map_err(idb_error)?;
            Ok(value)
        }
        Err(e) => {
            let _ = tx.abort().await;
            Err(e)
        }
    }
}

/// A page of events asked for and not yet read ([`IdbStore::ask_events_after`]).
pub struct PageAhead(raw::Pending);

impl PageAhead {
    /// Issues the page's getAll on `raw` (kept out of the async callers, which each would carry a copy).
    #[inline(never)]
    fn ask(raw: &RawDb, after: Option<&str>, limit: usize) -> Result<PageAhead> {
        let range = match after {
            Some(a) => IdbKeyRange::lower_bound_with_open(&JsValue::from_str(a), true).map_err(|e| raw::failure("key range", e))?.into(),
            None => JsValue::NULL,
        };
        let tx = raw.transaction(&[EVENTS], IdbTransactionMode::Readonly)?;
        let store = tx.object_store(EVENTS).map_err(|e| raw::failure(EVENTS, e))?;
        let request = store.get_all_with_key_and_limit(&range, limit.min(u32::MAX as usize) as u32).map_err(|e| raw::failure("getAll", e))?;
        Ok(PageAhead(raw::Pending::watch(request)))
    }

    /// The page's stored rows, as IndexedDB answered them (in id order).
    pub async fn rows(self) -> Result<Array> {
        Ok(self.0.outcome().await?.unchecked_into())
    }
}
