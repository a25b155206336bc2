//! Storage seen from the core: a trait the browser glue implements on IndexedDB, and an in-memory
//! implementation for native tests, benchmarks and the classroom demo.
//!
//! Three collections: events (the raw log, keyed by idempotent id), rollups (counts by local day × site ×
//! kind, kept in step with events so summaries never scan the log) and items (the active labour on each
//! acted-on thing, so an unlike can cancel its like). A `Commit` touches all three and must be atomic.
//!
//! Invariant kept by every write (commit, merge, forget, prune, delete): the rollups equal
//! [`rollups_of`] the stored events, i.e. the sum of [`Totals::of`] over every event that no stored event
//! cancels. Native tests check it after random histories, merges and deletions.

use crate::error::Result;
use crate::model::{Event, Kind};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The IndexedDB schema, version by version, kept here (pure data) so that a native test can prove no
/// release drops a store or an index: rexie deletes every store and index a new schema leaves out.
pub mod schema {
    /// One object store: name, key path (`None`: out-of-line keys) and indexes (name, key path).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct StoreDef {
        pub name: &'static str,
        pub key_path: Option<&'static str>,
        pub indexes: &'static [(&'static str, &'static str)],
    }

    /// Every schema ever released, oldest first. Append a version; never edit or remove one.
    pub const HISTORY: &[(u32, &[StoreDef])] = &[
        (
            1,
            &[
                StoreDef { name: "events", key_path: Some("id"), indexes: &[("time", "time")] },
                StoreDef { name: "rollups", key_path: Some("key"), indexes: &[] },
                StoreDef { name: "items", key_path: None, indexes: &[] },
                StoreDef { name: "settings", key_path: None, indexes: &[] },
            ],
        ),
        (
            2,
            &[
                // `site`: forget one site without scanning; `cancels`: is an event cancelled, and `item`:
                // which event stands on an item (both for merges).
                StoreDef {
                    name: "events",
                    key_path: Some("id"),
                    indexes: &[("time", "time"), ("site", "site"), ("cancels", "cancels"), ("item", "item")],
                },
                StoreDef { name: "rollups", key_path: Some("key"), indexes: &[] },
                StoreDef { name: "items", key_path: None, indexes: &[] },
                StoreDef { name: "settings", key_path: None, indexes: &[] },
                // install id, schema history, retention bookkeeping.
                StoreDef { name: "meta", key_path: None, indexes: &[] },
            ],
        ),
    ];

    /// The schema this build opens.
    pub fn current() -> (u32, &'static [StoreDef]) {
        *HISTORY.last().expect("at least one schema")
    }

    /// Stores or indexes of earlier versions missing from the current schema, as `store` or `store.index`;
    /// empty when the current schema keeps everything (a test asserts it).
    pub fn dropped() -> Vec<String> {
        let (_, now) = current();
        let mut missing = Vec::new();
        for (_, stores) in HISTORY {
            for old in stores.iter() {
                match now.iter().find(|s| s.name == old.name) {
                    None => missing.push(old.name.to_string()),
                    Some(new) => {
                        if new.key_path != old.key_path {
                            missing.push(format!("{} (key path changed)", old.name));
                        }
                        for (index, path) in old.indexes {
                            if !new.indexes.contains(&(index, path)) {
                                missing.push(format!("{}.{index}", old.name));
                            }
                        }
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        missing
    }
}

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
    /// The part of `ms` measured on the page rather than modelled (rows written before it existed: 0, so
    /// their time counts as modelled).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub measured_ms: i64,
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
            measured_ms: if event.duration_measured { i64::from(event.duration_ms) } else { 0 },
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
        self.measured_ms += sign * other.measured_ms;
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

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The rollups a set of events must have: every event counts [`Totals::of`] itself in its bucket unless
/// some event of the set cancels it (an event cancelled twice, after a merge of two browsers that both
/// undid it, is removed once).
pub fn rollups_of<'a>(events: impl IntoIterator<Item = &'a Event> + Clone) -> BTreeMap<Bucket, Totals> {
    let cancelled: BTreeSet<&str> = events.clone().into_iter().filter_map(|e| e.cancels.as_deref()).collect();
    let mut rollups: BTreeMap<Bucket, Totals> = BTreeMap::new();
    for event in events {
        if cancelled.contains(event.id.as_str()) {
            continue;
        }
        let totals = Totals::of(event);
        if !totals.is_zero() {
            apply_deltas(&mut rollups, &[(Bucket::of(event), totals, 1)]);
        }
    }
    rollups
}

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

/// What a merge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MergeReport {
    /// Events that were not there and were written.
    pub added: u64,
    /// Events whose id was already stored (left as they were).
    pub already: u64,
}

/// What the store knows, before a merge, about the events a batch touches.
#[derive(Debug, Default)]
pub struct MergeView {
    /// Ids of the batch already stored.
    pub stored: BTreeSet<String>,
    /// Ids (of the batch, or cancelled by it) that a stored event already cancels.
    pub cancelled: BTreeSet<String>,
    /// Stored events that the batch's new events cancel.
    pub targets: BTreeMap<String, Event>,
    /// For every item key the batch touches, the stored events on that item (to find which one stands).
    pub item_events: BTreeMap<String, Vec<Event>>,
}

/// The writes one merge batch makes, computed purely from the batch and a [`MergeView`], so that both stores
/// apply exactly the same rules (and the IndexedDB one can read everything, compute, then write in one
/// transaction).
#[derive(Debug, Default)]
pub struct MergePlan {
    pub new_events: Vec<Event>,
    pub deltas: Vec<(Bucket, Totals, i64)>,
    /// Item keys the plan needs to read, then [`MergePlan::items`] decides from what they hold.
    pub item_keys: BTreeSet<String>,
    pub report: MergeReport,
}

impl MergePlan {
    /// Plans the merge of `batch` (validated events) into a store described by `view`.
    pub fn new(batch: &[Event], view: &MergeView) -> MergePlan {
        let mut plan = MergePlan::default();
        let mut seen = BTreeSet::new();
        for event in batch {
            if view.stored.contains(&event.id) || !seen.insert(event.id.as_str()) {
                plan.report.already += 1;
            } else {
                plan.new_events.push(event.clone());
            }
        }
        plan.report.added = plan.new_events.len() as u64;
        let new_ids: BTreeSet<&str> = plan.new_events.iter().map(|e| e.id.as_str()).collect();
        let cancelled_by_new: BTreeSet<&str> = plan.new_events.iter().filter_map(|e| e.cancels.as_deref()).collect();
        let mut target_done = BTreeSet::new();
        for event in &plan.new_events {
            // A stored event the batch cancels stops counting, unless something already cancelled it.
            if let Some(target) = event.cancels.as_deref() {
                if !new_ids.contains(target) && !view.cancelled.contains(target) && target_done.insert(target) {
                    if let Some(stored) = view.targets.get(target) {
                        let totals = Totals::of(stored);
                        if !totals.is_zero() {
                            plan.deltas.push((Bucket::of(stored), totals, -1));
                        }
                    }
                }
            }
            if let Some(key) = &event.item {
                plan.item_keys.insert(key.clone());
            }
            if view.cancelled.contains(&event.id) || cancelled_by_new.contains(event.id.as_str()) {
                continue;
            }
            let totals = Totals::of(event);
            if !totals.is_zero() {
                plan.deltas.push((Bucket::of(event), totals, 1));
            }
        }
        plan
    }

    /// Item writes, given the current state of every key in `item_keys` and the stored events on those items
    /// (`view.item_events`): `(key, Some(state))` to put, `(key, None)` to delete. As the ledger does when
    /// events arrive in time order, the latest event on an item decides: an `add` that nothing cancels
    /// stands; an undo (or a cancelled add) leaves nothing standing.
    pub fn items(&self, current: &BTreeMap<String, ItemState>, view: &MergeView) -> Vec<(String, Option<ItemState>)> {
        self.item_states(view).into_iter().filter(|(key, state)| current.get(key) != state.as_ref()).collect()
    }

    /// What stands on every key of `item_keys` after the merge (whatever stood there before: a store that
    /// does not read the items first writes all of these, deleting the `None`s).
    pub fn item_states(&self, view: &MergeView) -> Vec<(String, Option<ItemState>)> {
        let mut states = Vec::new();
        for key in &self.item_keys {
            let stored = view.item_events.get(key).map(Vec::as_slice).unwrap_or(&[]);
            let new = self.new_events.iter().filter(|e| e.item.as_deref() == Some(key.as_str()));
            let all: Vec<&Event> = stored.iter().chain(new).collect();
            let cancelled: BTreeSet<&str> = all.iter().filter_map(|e| e.cancels.as_deref()).collect();
            let latest = all.iter().max_by(|a, b| a.time.total_cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
            let state = latest
                .filter(|e| !cancelled.contains(e.id.as_str()) && !view.cancelled.contains(&e.id))
                .and_then(|e| item_state_of(e))
                .map(|(_, s)| s);
            states.push((key.clone(), state));
        }
        states
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
    /// Merges events from a backup or another browser, all or nothing: ids already stored are left alone,
    /// rollups and items move as if the events had been recorded here ([`MergePlan`]).
    async fn merge_events(&self, events: &[Event]) -> Result<MergeReport>;
    /// Forgets one site: its events, rollups and items, in one transaction. Returns the events deleted.
    async fn forget_site(&self, site: &str) -> Result<u64>;
    /// Deletes every event, rollup and item (settings and meta stay). Callers ask the user first.
    async fn delete_everything(&self) -> Result<()>;
    /// Retention: deletes events of local days before `day` (`YYYY-MM-DD`), their rollups and standing items.
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

/// Keeps everything in memory. Used natively and as the reference the IndexedDB store is tested against.
#[derive(Debug, Default)]
pub struct MemoryStore {
    events: RefCell<BTreeMap<String, Event>>,
    rollups: RefCell<BTreeMap<Bucket, Totals>>,
    items: RefCell<BTreeMap<String, ItemState>>,
    settings: RefCell<BTreeMap<String, String>>,
    meta: RefCell<BTreeMap<String, String>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every event, rollup and item (for tests comparing stores).
    pub fn snapshot(&self) -> (Vec<Event>, BTreeMap<Bucket, Totals>, BTreeMap<String, ItemState>) {
        (self.events.borrow().values().cloned().collect(), self.rollups.borrow().clone(), self.items.borrow().clone())
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

    async fn merge_events(&self, batch: &[Event]) -> Result<MergeReport> {
        let events = self.events.borrow();
        let mut view = MergeView::default();
        let cancelled: BTreeSet<&str> = events.values().filter_map(|e| e.cancels.as_deref()).collect();
        for e in batch {
            if let Some(key) = &e.item {
                if !view.item_events.contains_key(key) {
                    let on_item = events.values().filter(|s| s.item.as_deref() == Some(key.as_str())).cloned().collect();
                    view.item_events.insert(key.clone(), on_item);
                }
            }
            if events.contains_key(&e.id) {
                view.stored.insert(e.id.clone());
            }
            if cancelled.contains(e.id.as_str()) {
                view.cancelled.insert(e.id.clone());
            }
            if let Some(target) = &e.cancels {
                if cancelled.contains(target.as_str()) {
                    view.cancelled.insert(target.clone());
                }
                if let Some(stored) = events.get(target) {
                    view.targets.insert(target.clone(), stored.clone());
                }
            }
        }
        drop(events);
        let plan = MergePlan::new(batch, &view);
        let current: BTreeMap<String, ItemState> =
            plan.item_keys.iter().filter_map(|k| self.items.borrow().get(k).map(|s| (k.clone(), s.clone()))).collect();
        let item_writes = plan.items(&current, &view);
        apply_deltas(&mut self.rollups.borrow_mut(), &plan.deltas);
        let mut items = self.items.borrow_mut();
        for (key, state) in item_writes {
            match state {
                Some(s) => items.insert(key, s),
                None => items.remove(&key),
            };
        }
        let mut events = self.events.borrow_mut();
        for e in plan.new_events {
            events.insert(e.id.clone(), e);
        }
        Ok(plan.report)
    }

    async fn forget_site(&self, site: &str) -> Result<u64> {
        let mut events = self.events.borrow_mut();
        let before = events.len();
        events.retain(|_, e| e.site != site);
        self.rollups.borrow_mut().retain(|b, _| b.site != site);
        self.items.borrow_mut().retain(|_, s| s.bucket.site != site);
        Ok((before - events.len()) as u64)
    }

    async fn delete_everything(&self) -> Result<()> {
        self.events.borrow_mut().clear();
        self.rollups.borrow_mut().clear();
        self.items.borrow_mut().clear();
        Ok(())
    }

    async fn prune_before_day(&self, day: &str) -> Result<u64> {
        let mut events = self.events.borrow_mut();
        let old: Vec<Event> = events.values().filter(|e| e.day().as_str() < day).cloned().collect();
        let mut items = self.items.borrow_mut();
        for e in &old {
            events.remove(&e.id);
            if let Some(key) = &e.item {
                if items.get(key).is_some_and(|s| s.event_id == e.id) {
                    items.remove(key);
                }
            }
        }
        self.rollups.borrow_mut().retain(|b, _| b.day.as_str() >= day);
        Ok(old.len() as u64)
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.meta.borrow().get(key).cloned())
    }

    async fn put_meta(&self, key: &str, json: &str) -> Result<()> {
        self.meta.borrow_mut().insert(key.to_string(), json.to_string());
        Ok(())
    }
}

/// Start of a calendar day (`YYYY-MM-DD`) at UTC, in ms since the epoch (the inverse of
/// [`crate::model::day_of`] at offset 0); `None` if the text is not such a day.
pub fn day_start_ms(day: &str) -> Option<f64> {
    let mut parts = day.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days-from-civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) as f64 * 86_400_000.0)
}

/// The first day a retention of `days` keeps, for a clock at `now_ms` (UTC day of `now`, minus `days`).
pub fn retention_cutoff_day(now_ms: f64, days: u32) -> String {
    crate::model::day_of(now_ms - f64::from(days) * 86_400_000.0, 0)
}

#[cfg(test)]
mod day_tests {
    use super::*;

    #[test]
    fn day_start_inverts_day_of() {
        for day in ["1970-01-01", "2000-02-29", "2026-11-29", "2027-03-01"] {
            let t = day_start_ms(day).unwrap();
            assert_eq!(crate::model::day_of(t, 0), day);
            assert!(crate::model::day_of(t - 1.0, 0).as_str() < day);
        }
        assert_eq!(day_start_ms("2026-13-01"), None);
        assert_eq!(retention_cutoff_day(day_start_ms("2026-11-29").unwrap() + 5.0, 30), "2026-10-30");
    }
}
