//! Merging events from a backup or another browser: a plan computed purely from the batch and what the
//! store already holds ([`MergeView`]), so that both stores apply exactly the same rules and the IndexedDB
//! one can read everything, compute, then write in one transaction.

use super::rollups::{Bucket, Totals};
use super::{item_state_of, ItemState};
use crate::model::Event;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    /// Plans the merge of `batch` (validated events) into a store described by `view`, in three steps.
    pub fn new(batch: &[Event], view: &MergeView) -> MergePlan {
        let mut plan = MergePlan::default();
        plan.keep_events_not_yet_stored(batch, view);
        plan.uncount_stored_events_the_batch_cancels(view);
        plan.count_new_events_nothing_cancels(view);
        plan.item_keys = plan.new_events.iter().filter_map(|e| e.item.clone()).collect();
        plan
    }

    /// Events already stored, or repeated within the batch, are left alone (the first copy wins).
    fn keep_events_not_yet_stored(&mut self, batch: &[Event], view: &MergeView) {
        let mut seen = BTreeSet::new();
        for event in batch {
            if view.stored.contains(&event.id) || !seen.insert(event.id.as_str()) {
                self.report.already += 1;
            } else {
                self.new_events.push(event.clone());
            }
        }
        self.report.added = self.new_events.len() as u64;
    }

    /// A stored event a new event cancels stops counting, unless something already cancelled it (once, even
    /// if several new events cancel it).
    fn uncount_stored_events_the_batch_cancels(&mut self, view: &MergeView) {
        let new_ids: BTreeSet<&str> = self.new_events.iter().map(|e| e.id.as_str()).collect();
        let mut uncounted = BTreeSet::new();
        for target in self.new_events.iter().filter_map(|e| e.cancels.as_deref()) {
            if new_ids.contains(target) || view.cancelled.contains(target) || !uncounted.insert(target) {
                continue;
            }
            if let Some(stored) = view.targets.get(target) {
                let totals = Totals::of(stored);
                if !totals.is_zero() {
                    self.deltas.push((Bucket::of(stored), totals, -1));
                }
            }
        }
    }

    /// A new event counts in its bucket unless a stored or a new event cancels it.
    fn count_new_events_nothing_cancels(&mut self, view: &MergeView) {
        let cancelled_by_new: BTreeSet<&str> = self.new_events.iter().filter_map(|e| e.cancels.as_deref()).collect();
        for event in &self.new_events {
            if view.cancelled.contains(&event.id) || cancelled_by_new.contains(event.id.as_str()) {
                continue;
            }
            let totals = Totals::of(event);
            if !totals.is_zero() {
                self.deltas.push((Bucket::of(event), totals, 1));
            }
        }
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
        // The new events grouped by item once (a batch of an import touches thousands of items).
        let mut new_on_item: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
        for event in &self.new_events {
            if let Some(key) = event.item.as_deref() {
                new_on_item.entry(key).or_default().push(event);
            }
        }
        let mut states = Vec::new();
        for key in &self.item_keys {
            let stored = view.item_events.get(key).map(Vec::as_slice).unwrap_or(&[]);
            let new = new_on_item.get(key.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let all: Vec<&Event> = stored.iter().chain(new.iter().copied()).collect();
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

