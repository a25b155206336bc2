//! Storage seen from the core: a trait the browser glue implements on IndexedDB, and an in-memory
//! implementation for native tests, benchmarks and the classroom demo.
//!
//! ```text
//! mod.rs      the Store trait, one recorded event's Commit, item states, the install id
//! rollups.rs  the books: rollups (day × site × kind) and totals (site × kind), and their invariants
//! merge.rs    the merge plan (imports, two browsers)
//! memory.rs   MemoryStore
//! schema.rs   the IndexedDB schema, version by version
//! ```
//!
//! Four collections: events (the raw log, keyed by idempotent id), rollups (counts by local day × site ×
//! kind, kept in step with events so summaries never scan the log), totals (the rollups summed by site ×
//! kind, what summaries read) and items (the active labour on each acted-on thing, so an unlike can cancel
//! its like). A `Commit` touches all four and must be atomic.

use crate::error::Result;
use crate::model::{Event, Kind};
use serde::{Deserialize, Serialize};

mod memory;
mod merge;
mod rollups;
pub mod schema;

pub use crate::time::{day_start_ms, retention_cutoff_day};
pub use memory::MemoryStore;
pub use merge::{MergePlan, MergeReport, MergeView};
pub use rollups::{add_to, rollups_of, site_totals_of, BookDeltas, Bucket, FlatBookRow, Rollup, SiteKind, SiteTotals, Totals};

/// The item state an event leaves when it stands (an `Add` with an item key).
pub fn item_state_of(event: &Event) -> Option<(String, ItemState)> {
    let key = event.item.clone()?;
    (event.effect == crate::model::Effect::Add).then(|| {
        (
            key,
            ItemState {
                event_id: event.id.clone(),
                kind: event.kind,
                time: event.time,
                value: event.value,
                bucket: Bucket::of(event),
                totals: Totals::of(event),
            },
        )
    })
}

/// The labour currently standing on an item, so that a later undo or change can cancel it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemState {
    pub event_id: String,
    pub kind: Kind,
    pub time: f64,
    #[serde(default)]
    pub value: Option<f32>,
    pub bucket: Bucket,
    pub totals: Totals,
}

/// Everything one recorded event changes, written in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    pub event: Event,
    /// Signed changes to rollup buckets (the event's own, and the bucket of an event it cancels); the totals
    /// of each bucket's site × kind move with them.
    pub deltas: Vec<(Bucket, Totals, i64)>,
    /// New state of the event's item: `Some(None)` clears it.
    pub item: Option<(String, Option<ItemState>)>,
}

/// Storage the core records into. Futures need not be `Send`: in the browser everything is one thread.
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn contains_event(&self, id: &str) -> Result<bool>;
    async fn item(&self, key: &str) -> Result<Option<ItemState>>;
    /// Writes the event, applies the deltas and updates the item, all or nothing.
    async fn commit(&self, commit: Commit) -> Result<()>;
    /// Every rollup row (day × site × kind).
    async fn rollups(&self) -> Result<Vec<Rollup>>;
    /// The rollups of the days `from..=to` (`YYYY-MM-DD`, either end open), for answers about a period;
    /// stores whose keys are ordered by day (IndexedDB) read only that range.
    async fn rollups_between(&self, from: Option<&str>, to: Option<&str>) -> Result<Vec<Rollup>> {
        let mut rows = self.rollups().await?;
        rows.retain(|r| from.is_none_or(|f| r.bucket.day.as_str() >= f) && to.is_none_or(|t| r.bucket.day.as_str() <= t));
        Ok(rows)
    }
    /// Every totals row (site × kind): what summaries read. Stores keep them in step with the rollups; the
    /// default sums the rollups (for stores that keep none).
    async fn site_totals(&self) -> Result<Vec<SiteTotals>> {
        let rollups = self.rollups().await?;
        Ok(site_totals_of(rollups.iter().map(|r| (&r.bucket, &r.totals)))
            .into_iter()
            .map(|(site_kind, totals)| SiteTotals { site_kind, totals })
            .collect())
    }
    /// Events in id order, strictly after `after`, at most `limit` of them (for export and research).
    async fn events_after(&self, after: Option<&str>, limit: usize) -> Result<Vec<Event>>;
    async fn count_events(&self) -> Result<u64>;
    /// The newest events by time, newest first.
    async fn recent_events(&self, limit: usize) -> Result<Vec<Event>>;
    /// A setting's JSON value, `None` if never set.
    async fn setting(&self, key: &str) -> Result<Option<String>>;
    async fn put_setting(&self, key: &str, json: &str) -> Result<()>;
    /// Merges events from a backup or another browser, all or nothing: ids already stored are left alone,
    /// rollups and items move as if the events had been recorded here ([`MergePlan`]).
    async fn merge_events(&self, events: &[Event]) -> Result<MergeReport>;
    /// Forgets one site: its events, rollups, totals and items, in one transaction. Returns the events deleted.
    async fn forget_site(&self, site: &str) -> Result<u64>;
    /// Deletes every event, rollup, total and item (settings and meta stay). Callers ask the user first.
    async fn delete_everything(&self) -> Result<()>;
    /// Retention: deletes events of local days before `day` (`YYYY-MM-DD`), their rollups and standing items,
    /// and takes those rollups off the totals.
    async fn prune_before_day(&self, day: &str) -> Result<u64>;
    /// Bookkeeping values (install id, schema history) as JSON, apart from user settings.
    async fn meta(&self, key: &str) -> Result<Option<String>>;
    async fn put_meta(&self, key: &str, json: &str) -> Result<()>;
}

/// The install id: random, created once (by `make`) and kept in meta, so backups say where they came from.
pub async fn install_id<S: Store>(store: &S, make: impl FnOnce() -> String) -> Result<String> {
    if let Some(json) = store.meta("install_id").await? {
        if let Ok(id) = serde_json::from_str::<String>(&json) {
            return Ok(id);
        }
    }
    let id = make();
    store.put_meta("install_id", &serde_json::to_string(&id)?).await?;
    Ok(id)
}

