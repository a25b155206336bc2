//! The books kept beside the events: rollups by local day × site × kind, and totals by site × kind (the
//! rollups summed over days). Both are sums of what each event contributes ([`Totals::of`]), so a signed
//! delta moves both, and a summary reads a few hundred totals rows instead of a row per day.
//!
//! Invariants (every write keeps them; native tests check them after random histories, merges, forgetting,
//! retention and deletion): rollups = [`rollups_of`] the stored events; totals = [`site_totals_of`] the
//! rollups.

use crate::model::{Event, Kind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
            add_to(&mut rollups, &Bucket::of(event), &totals, 1);
        }
    }
    rollups
}

/// One rollup row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    #[serde(flatten)]
    pub bucket: Bucket,
    #[serde(flatten)]
    pub totals: Totals,
}

/// The key of a totals row: one site, one kind, all days.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SiteKind {
    pub site: String,
    pub kind: Kind,
}

impl SiteKind {
    pub fn of(bucket: &Bucket) -> SiteKind {
        SiteKind { site: bucket.site.clone(), kind: bucket.kind }
    }

    /// A flat string key (for IndexedDB).
    pub fn key(&self) -> String {
        format!("{}|{}", self.site, self.kind.as_str())
    }
}

/// One totals row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteTotals {
    #[serde(flatten)]
    pub site_kind: SiteKind,
    #[serde(flatten)]
    pub totals: Totals,
}

/// A row of either book as stored (a rollup has a `day`, a totals row none), read at one level. `Rollup` and
/// `SiteTotals` nest two `flatten`s (three under the stored key), and serde buffers a flattened struct's
/// fields before reading them: in the browser that was most of reading a book. Unknown fields (the stored
/// `key`) are skipped; a test reads stored rows both ways.
#[derive(Debug, Deserialize)]
pub struct FlatBookRow {
    /// The key the row was stored under (a store deletes by it).
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    day: Option<String>,
    site: String,
    kind: Kind,
    count: i64,
    ms: i64,
    #[serde(default)]
    measured_ms: i64,
    words: i64,
    labels: i64,
    #[serde(default)]
    objects: BTreeMap<String, i64>,
}

impl FlatBookRow {
    fn parts(self) -> (Option<String>, SiteKind, Totals) {
        let FlatBookRow { key: _, day, site, kind, count, ms, measured_ms, words, labels, objects } = self;
        (day, SiteKind { site, kind }, Totals { count, ms, measured_ms, words, labels, objects })
    }
}

impl From<FlatBookRow> for SiteTotals {
    fn from(row: FlatBookRow) -> SiteTotals {
        let (_, site_kind, totals) = row.parts();
        SiteTotals { site_kind, totals }
    }
}

impl TryFrom<FlatBookRow> for Rollup {
    type Error = crate::error::Error;

    fn try_from(row: FlatBookRow) -> crate::error::Result<Rollup> {
        match row.parts() {
            (Some(day), SiteKind { site, kind }, totals) => Ok(Rollup { bucket: Bucket { day, site, kind }, totals }),
            (None, SiteKind { site, kind }, _) => Err(crate::error::Error::Storage(format!("a rollup row without its day ({site}, {})", kind.as_str()))),
        }
    }
}

/// The totals some rollups add up to (zero rows left out).
pub fn site_totals_of<'a>(rollups: impl IntoIterator<Item = (&'a Bucket, &'a Totals)>) -> BTreeMap<SiteKind, Totals> {
    let mut totals: BTreeMap<SiteKind, Totals> = BTreeMap::new();
    for (bucket, t) in rollups {
        totals.entry(SiteKind::of(bucket)).or_default().add(t, 1);
    }
    totals.retain(|_, t| !t.is_zero());
    totals
}

/// Signed deltas on rollup buckets, summed by bucket and by site × kind: what a write changes in both books.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BookDeltas {
    pub rollups: BTreeMap<Bucket, Totals>,
    pub totals: BTreeMap<SiteKind, Totals>,
}

impl BookDeltas {
    pub fn of(deltas: &[(Bucket, Totals, i64)]) -> BookDeltas {
        let mut sums = BookDeltas::default();
        for (bucket, totals, sign) in deltas {
            sums.rollups.entry(bucket.clone()).or_default().add(totals, *sign);
            sums.totals.entry(SiteKind::of(bucket)).or_default().add(totals, *sign);
        }
        sums.rollups.retain(|_, t| !t.is_zero());
        sums.totals.retain(|_, t| !t.is_zero());
        sums
    }
}

/// Adds `delta` to the row at `key` of a map, dropping the row when it returns to zero.
pub fn add_to<K: Ord + Clone>(rows: &mut BTreeMap<K, Totals>, key: &K, delta: &Totals, sign: i64) {
    let slot = rows.entry(key.clone()).or_default();
    slot.add(delta, sign);
    if slot.is_zero() {
        rows.remove(key);
    }
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

#[cfg(test)]
mod flat_row_tests {
    use super::*;

    fn stored(row: &impl Serialize, key: String) -> serde_json::Value {
        let mut stored = serde_json::to_value(row).unwrap();
        stored.as_object_mut().unwrap().insert("key".into(), serde_json::json!(key));
        stored
    }

    /// Stored rows of both books (their `key` beside the fields, as the browser store writes them) read the
    /// same through the flat struct as through `Rollup` and `SiteTotals`, with and without the fields that may
    /// be left out. `Totals` is written field by field (no `..Default::default()`), so a field added to it
    /// fails to compile here until it is given a value, and then fails the comparison until the flat struct
    /// reads it.
    #[test]
    fn stored_rows_read_the_same_flat() {
        let full = Totals { count: -3, ms: 12_345, measured_ms: 2_000, words: 17, labels: 4, objects: BTreeMap::from([("bus".to_string(), 3), ("car".to_string(), 1)]) };
        let bare = Totals { count: 1, ms: 900, measured_ms: 0, words: 0, labels: 0, objects: BTreeMap::new() };
        for (totals, kind) in [(full, Kind::Rating), (bare, Kind::Like)] {
            let row = SiteTotals { site_kind: SiteKind { site: "youtube.com".into(), kind }, totals: totals.clone() };
            let text = stored(&row, row.site_kind.key());
            let nested: SiteTotals = serde_json::from_value(text.clone()).unwrap();
            let flat: SiteTotals = serde_json::from_value::<FlatBookRow>(text).unwrap().into();
            assert_eq!((&flat, &nested), (&row, &row));

            let rollup = Rollup { bucket: Bucket { day: "2026-11-30".into(), site: "youtube.com".into(), kind }, totals };
            let text = stored(&rollup, rollup.bucket.key());
            let nested: Rollup = serde_json::from_value(text.clone()).unwrap();
            let flat_row = serde_json::from_value::<FlatBookRow>(text).unwrap();
            assert_eq!(flat_row.key.as_deref(), Some(rollup.bucket.key().as_str()), "the stored key is kept");
            let flat = Rollup::try_from(flat_row).unwrap();
            assert_eq!((&flat, &nested), (&rollup, &rollup));
        }
        // A totals row read as a rollup is refused by name, not given an empty day.
        let row = SiteTotals { site_kind: SiteKind { site: "a.org".into(), kind: Kind::Tag }, totals: Totals::default() };
        let err = Rollup::try_from(serde_json::from_value::<FlatBookRow>(stored(&row, row.site_kind.key())).unwrap()).unwrap_err();
        assert!(err.to_string().contains("without its day"), "{err}");
    }
}
