//! Storage seen from the core: a trait the browser glue implements on IndexedDB, and an in-memory
//! implementation for native tests, benchmarks and the classroom demo.
//!
//! Three collections: events (the raw log, keyed by idempotent id), rollups (counts by local day × site ×
//! kind, kept in step with events so summaries never scan the log) and items (the active labour on each
//! acted-on thing, so an unlike can cancel its like). A `Commit` touches all three and must be atomic.

use crate::error::Result;
use crate::model::{Event, Kind};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The key of a rollup bucket.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Bucket {
    /// Local calendar day, `YYYY-MM-DD`.
    pub day: String,
    pub site: String,
    pub kind: Kind,
}

impl Bucket {
    pub fn of(event: &Event) -> Bucket {
        Bucket { day: event.day(), site: event.site.clone(), kind: event.kind }
    }

    /// A flat string key, ordered by day first (for IndexedDB and range scans).
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.day, self.site, self.kind.as_str())
    }
}

/// Totals for one bucket. Every field is a sum of event contributions, so a delta can be added or removed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Totals {
    /// Net units of labour (cancelled events removed).
    pub count: i64,
    /// Time spent, ms.
    pub ms: i64,
    pub words: i64,
    /// CAPTCHA image labels.
    pub labels: i64,
    /// CAPTCHA image labels by object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub objects: BTreeMap<String, i64>,
}

impl Totals {
    /// What one event adds to its bucket.
    pub fn of(event: &Event) -> Totals {
        let counted = event.counted_amount();
        if counted == 0 {
            return Totals::default();
        }
        let mut totals = Totals {
            count: counted,
            ms: i64::from(event.duration_ms),
            words: i64::from(event.words.unwrap_or(0)),
            ..Totals::default()
        };
        if let Some(c) = &event.captcha {
            totals.labels = i64::from(c.label_count());
            totals.objects = c.labels.iter().map(|(k, v)| (k.clone(), i64::from(*v))).collect();
        }
        totals
    }

    pub fn add(&mut self, other: &Totals, sign: i64) {
        self.count += sign * other.count;
        self.ms += sign * other.ms;
        self.words += sign * other.words;
        self.labels += sign * other.labels;
        for (object, n) in &other.objects {
            let slot = self.objects.entry(object.clone()).or_default();
            *slot += sign * n;
            if *slot == 0 {
                self.objects.remove(object);
            }
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == Totals::default()
    }
}

/// One rollup row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    #[serde(flatten)]
    pub bucket: Bucket,
    #[serde(flatten)]
    pub totals: Totals,
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
    /// Signed changes to rollup buckets (the event's own, and the bucket of an event it cancels).
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
    async fn rollups(&self) -> Result<Vec<Rollup>>;
    /// Events in id order, strictly after `after`, at most `limit` of them (for export and research).
    async fn events_after(&self, after: Option<&str>, limit: usize) -> Result<Vec<Event>>;
    async fn count_events(&self) -> Result<u64>;
    /// The newest events by time, newest first.
    async fn recent_events(&self, limit: usize) -> Result<Vec<Event>>;
    /// A setting's JSON value, `None` if never set.
    async fn setting(&self, key: &str) -> Result<Option<String>>;
    async fn put_setting(&self, key: &str, json: &str) -> Result<()>;
}

/// Keeps everything in memory. Used natively and as the reference the IndexedDB store is tested against.
#[derive(Debug, Default)]
pub struct MemoryStore {
    events: RefCell<BTreeMap<String, Event>>,
    rollups: RefCell<BTreeMap<Bucket, Totals>>,
    items: RefCell<BTreeMap<String, ItemState>>,
    settings: RefCell<BTreeMap<String, String>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Applies signed deltas to a map of rollups, dropping buckets that return to zero.
pub fn apply_deltas(rollups: &mut BTreeMap<Bucket, Totals>, deltas: &[(Bucket, Totals, i64)]) {
    for (bucket, totals, sign) in deltas {
        let slot = rollups.entry(bucket.clone()).or_default();
        slot.add(totals, *sign);
        if slot.is_zero() {
            rollups.remove(bucket);
        }
    }
}

impl Store for MemoryStore {
    async fn contains_event(&self, id: &str) -> Result<bool> {
        Ok(self.events.borrow().contains_key(id))
    }

    async fn item(&self, key: &str) -> Result<Option<ItemState>> {
        Ok(self.items.borrow().get(key).cloned())
    }

    async fn commit(&self, commit: Commit) -> Result<()> {
        apply_deltas(&mut self.rollups.borrow_mut(), &commit.deltas);
        match commit.item {
            Some((key, Some(state))) => {
                self.items.borrow_mut().insert(key, state);
            }
            Some((key, None)) => {
                self.items.borrow_mut().remove(&key);
            }
            None => {}
        }
        self.events.borrow_mut().insert(commit.event.id.clone(), commit.event);
        Ok(())
    }

    async fn rollups(&self) -> Result<Vec<Rollup>> {
        Ok(self
            .rollups
            .borrow()
            .iter()
            .map(|(bucket, totals)| Rollup { bucket: bucket.clone(), totals: totals.clone() })
            .collect())
    }

    async fn events_after(&self, after: Option<&str>, limit: usize) -> Result<Vec<Event>> {
        use std::ops::Bound::{Excluded, Unbounded};
        let events = self.events.borrow();
        let lower = after.map_or(Unbounded, |a| Excluded(a.to_string()));
        Ok(events.range((lower, Unbounded)).take(limit).map(|(_, e)| e.clone()).collect())
    }

    async fn count_events(&self) -> Result<u64> {
        Ok(self.events.borrow().len() as u64)
    }

    async fn recent_events(&self, limit: usize) -> Result<Vec<Event>> {
        let mut events: Vec<Event> = self.events.borrow().values().cloned().collect();
        events.sort_by(|a, b| b.time.total_cmp(&a.time).then_with(|| b.id.cmp(&a.id)));
        events.truncate(limit);
        Ok(events)
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.settings.borrow().get(key).cloned())
    }

    async fn put_setting(&self, key: &str, json: &str) -> Result<()> {
        self.settings.borrow_mut().insert(key.to_string(), json.to_string());
        Ok(())
    }
}
