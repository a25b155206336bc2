//! The in-memory store: used natively, by the classroom demo, and as the reference the IndexedDB store is
//! tested against.

use super::merge::{MergePlan, MergeReport, MergeView};
use super::rollups::{add_to, Bucket, Rollup, SiteKind, SiteTotals, Totals};
use super::{Commit, ItemState, Store};
use crate::error::Result;
use crate::model::Event;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// Keeps everything in memory. Used natively and as the reference the IndexedDB store is tested against.
#[derive(Debug, Default)]
pub struct MemoryStore {
    events: RefCell<BTreeMap<String, Event>>,
    rollups: RefCell<BTreeMap<Bucket, Totals>>,
    totals: RefCell<BTreeMap<SiteKind, Totals>>,
    items: RefCell<BTreeMap<String, ItemState>>,
    settings: RefCell<BTreeMap<String, String>>,
    meta: RefCell<BTreeMap<String, String>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// The totals rows (tests check them against the rollups).
    pub fn site_totals_snapshot(&self) -> BTreeMap<SiteKind, Totals> {
        self.totals.borrow().clone()
    }

    /// Moves the rollups and the totals by the same signed deltas.
    fn apply_deltas(&self, deltas: &[(Bucket, Totals, i64)]) {
        let mut rollups = self.rollups.borrow_mut();
        let mut totals = self.totals.borrow_mut();
        for (bucket, delta, sign) in deltas {
            add_to(&mut rollups, bucket, delta, *sign);
            add_to(&mut totals, &SiteKind::of(bucket), delta, *sign);
        }
    }

    /// What the store holds about the events a merge batch touches.
    fn merge_view(&self, batch: &[Event]) -> MergeView {
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
        view
    }

    /// Every event, rollup and item (for tests comparing stores).
    pub fn snapshot(&self) -> (Vec<Event>, BTreeMap<Bucket, Totals>, BTreeMap<String, ItemState>) {
        (self.events.borrow().values().cloned().collect(), self.rollups.borrow().clone(), self.items.borrow().clone())
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
        self.apply_deltas(&commit.deltas);
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

    async fn site_totals(&self) -> Result<Vec<SiteTotals>> {
        Ok(self
            .totals
            .borrow()
            .iter()
            .map(|(site_kind, totals)| SiteTotals { site_kind: site_kind.clone(), totals: totals.clone() })
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
        let view = self.merge_view(batch);
        let plan = MergePlan::new(batch, &view);
        let current: BTreeMap<String, ItemState> =
            plan.item_keys.iter().filter_map(|k| self.items.borrow().get(k).map(|s| (k.clone(), s.clone()))).collect();
        let item_writes = plan.items(&current, &view);
        self.apply_deltas(&plan.deltas);
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
        self.totals.borrow_mut().retain(|k, _| k.site != site);
        self.items.borrow_mut().retain(|_, s| s.bucket.site != site);
        Ok((before - events.len()) as u64)
    }

    async fn delete_everything(&self) -> Result<()> {
        self.events.borrow_mut().clear();
        self.rollups.borrow_mut().clear();
        self.totals.borrow_mut().clear();
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
        let mut rollups = self.rollups.borrow_mut();
        let mut totals = self.totals.borrow_mut();
        for (bucket, gone) in rollups.iter().filter(|(b, _)| b.day.as_str() < day) {
            add_to(&mut totals, &SiteKind::of(bucket), gone, -1);
        }
        rollups.retain(|b, _| b.day.as_str() >= day);
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

