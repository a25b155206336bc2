//! `Store` on IndexedDB (rexie). One database per profile, shared by the service worker and pages.
//!
//! Schema history (a new version may only add stores and indexes: rexie deletes what a schema omits):
//! * 1: `events` (key `id`, index `time`), `rollups` (key `key`), `items`, `settings`.

use super::{from_js, to_js};
use crate::error::{Error, Result};
use crate::model::Event;
use crate::store::{Commit, ItemState, Rollup, Store, Totals};
use rexie::{Direction, Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

pub const DB_NAME: &str = "digitus";
pub const DB_VERSION: u32 = 1;

const EVENTS: &str = "events";
const ROLLUPS: &str = "rollups";
const ITEMS: &str = "items";
const SETTINGS: &str = "settings";

/// The object stores of the current schema. Every store of every earlier version must stay listed.
pub fn schema(name: &str) -> rexie::RexieBuilder {
    Rexie::builder(name)
        .version(DB_VERSION)
        .add_object_store(ObjectStore::new(EVENTS).key_path("id").add_index(Index::new("time", "time")))
        .add_object_store(ObjectStore::new(ROLLUPS).key_path("key"))
        .add_object_store(ObjectStore::new(ITEMS))
        .add_object_store(ObjectStore::new(SETTINGS))
}

/// A rollup row as stored: the bucket's flat key beside its fields.
#[derive(Serialize, Deserialize)]
struct StoredRollup {
    key: String,
    #[serde(flatten)]
    rollup: Rollup,
}

pub struct IdbStore {
    db: Rexie,
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
    pub async fn open(name: &str) -> Result<IdbStore> {
        Ok(IdbStore { db: schema(name).build().await.map_err(idb_error)? })
    }

    pub fn close(self) {
        self.db.close();
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
        let tx = self.tx(&[EVENTS, ROLLUPS, ITEMS], TransactionMode::ReadWrite)?;
        let result: Result<()> = async {
            let events = tx.store(EVENTS).map_err(idb_error)?;
            let rollups = tx.store(ROLLUPS).map_err(idb_error)?;
            let items = tx.store(ITEMS).map_err(idb_error)?;
            events.add(&event, None).await.map_err(idb_error)?;
            for (bucket, totals, sign) in &commit.deltas {
                let key = JsValue::from_str(&bucket.key());
                let mut current: Totals = match rollups.get(key.clone()).await.map_err(idb_error)? {
                    Some(v) if !v.is_undefined() => from_js::<StoredRollup>(v)?.rollup.totals,
                    _ => Totals::default(),
                };
                current.add(totals, *sign);
                if current.is_zero() {
                    rollups.delete(key).await.map_err(idb_error)?;
                } else {
                    let row = StoredRollup { key: bucket.key(), rollup: Rollup { bucket: bucket.clone(), totals: current } };
                    rollups.put(&to_js(&row)?, None).await.map_err(idb_error)?;
                }
            }
            match &commit.item {
                Some((key, Some(state))) => {
                    items.put(&to_js(state)?, Some(&JsValue::from_str(key))).await.map_err(idb_error)?;
                }
                Some((key, None)) => items.delete(JsValue::from_str(key)).await.map_err(idb_error)?,
                None => {}
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => tx.done().await.map(|_| ()).map_err(idb_error),
            Err(e) => {
                let _ = tx.abort().await;
                Err(e)
            }
        }
    }

    async fn rollups(&self) -> Result<Vec<Rollup>> {
        let tx = self.tx(&[ROLLUPS], TransactionMode::ReadOnly)?;
        let store = tx.store(ROLLUPS).map_err(idb_error)?;
        let rows = store.get_all(None, None).await.map_err(idb_error)?;
        rows.into_iter().map(|v| from_js::<StoredRollup>(v).map(|r| r.rollup)).collect()
    }

    async fn events_after(&self, after: Option<&str>, limit: usize) -> Result<Vec<Event>> {
        let tx = self.tx(&[EVENTS], TransactionMode::ReadOnly)?;
        let store = tx.store(EVENTS).map_err(idb_error)?;
        let range = match after {
            Some(a) => Some(KeyRange::lower_bound(&JsValue::from_str(a), Some(true)).map_err(|e| Error::Storage(e.to_string()))?),
            None => None,
        };
        let rows = store.get_all(range, Some(limit as u32)).await.map_err(idb_error)?;
        rows.into_iter().map(from_js).collect()
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
        let tx = self.tx(&[SETTINGS], TransactionMode::ReadOnly)?;
        let store = tx.store(SETTINGS).map_err(idb_error)?;
        Ok(store.get(JsValue::from_str(key)).await.map_err(idb_error)?.and_then(|v| v.as_string()))
    }

    async fn put_setting(&self, key: &str, json: &str) -> Result<()> {
        let tx = self.tx(&[SETTINGS], TransactionMode::ReadWrite)?;
        let store = tx.store(SETTINGS).map_err(idb_error)?;
        store.put(&JsValue::from_str(json), Some(&JsValue::from_str(key))).await.map_err(idb_error)?;
        tx.done().await.map(|_| ()).map_err(idb_error)
    }
}

