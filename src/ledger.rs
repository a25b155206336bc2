//! Recording: turns labour into stored events, exactly once, keeping rollups and item states in step.
//!
//! * An observation id already stored is acknowledged again without writing (sensor retries).
//! * An undo cancels the labour standing on its item; an undo with nothing to cancel (a like made before
//!   Digitus was installed) is not recorded.
//! * A rating on an item that already has one replaces it (the new event cancels the old one).
//! * A second "add" on an item whose labour is still standing is the same press seen twice (or a like that
//!   is already there) and is dropped, except for one-shot kinds after the dedupe window.
//!
//! Provisional acts (nothing lost on leaving): a click is reported twice, at once with `after` unknown and
//! again once the control settled. The first report's judgement is held in the store ([`PROVISIONAL_KEY`]);
//!
//! ```text
//!  first report ──judge(after unknown)──▶ hold(Provisional) ─┬─ second report ──judge(after)──▶ labour: record
//!                                                            │                               └─ nothing: take back
//!                                                            └─ tab closed / SETTLE_AFTER_MS passed ──▶ record
//!                                                               (on the next message, wake or alarm)
//! ```
//!
//! Held in the store, not in memory, so a service worker stopped between the two reports loses nothing;
//! event ids are the act's id as before, so a settle repeated after a crash records nothing twice.

use crate::error::Result;
use crate::error::Error;
use crate::model::{CaptchaDetail, Effect, Event, Kind, Labour, Observation};
use crate::store::{Bucket, Commit, ItemState, Store, Totals};
use serde::{Deserialize, Serialize};

/// Two reports of the same labour closer than this are one press.
pub const DEDUPE_WINDOW_MS: f64 = 2_000.0;

/// Keystroke-Level Model estimate (Card, Moran & Newell 1980) of a single press when the page gave no
/// measure: mental preparation 1.35 s + point 1.1 s + button press 0.2 s.
pub const KLM_PRESS_MS: u32 = 2_650;
/// A rating: choose (M 1.35 s) + point (1.1 s) + press (0.2 s), plus a second mental act to judge (1.35 s).
pub const KLM_RATING_MS: u32 = 4_000;
/// Typing speed for unmeasured reviews: 36.2 words per minute (Palin et al., MobileHCI 2019) ≈ 1.66 s a word.
pub const MS_PER_WORD: f64 = 60_000.0 / 36.2;

/// What happened to one piece of labour.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Recorded { id: String, kind: Kind, rule: String, effect: Effect, cancels: Option<String> },
    /// The same observation id was stored before.
    AlreadyRecorded { id: String },
    /// The same labour seen twice, or an undo with nothing to undo.
    Ignored { reason: &'static str },
    /// Held until the act's second report (or a timeout) settles it; counted then, not yet.
    Provisional { id: String, kind: Kind, effect: Effect },
    /// The second report showed no change (a toggle that did not flip): the provisional act is dropped.
    Withdrawn { id: String },
}

/// What the ledger keeps of the act itself beside its judgement: no address, no markup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Act {
    pub id: String,
    /// ms since the Unix epoch, the page's clock.
    pub time: f64,
    pub tz: i32,
    pub duration_ms: Option<u32>,
}

impl Act {
    pub fn of(obs: &Observation) -> Act {
        Act { id: obs.id.clone(), time: obs.time, tz: obs.tz, duration_ms: obs.duration_ms }
    }
}

/// Estimated duration when none was measured.
pub fn estimated_ms(labour: &Labour) -> u32 {
    match labour.kind {
        Kind::Rating => KLM_RATING_MS,
        Kind::Review => (f64::from(labour.words.unwrap_or(0)) * MS_PER_WORD).round() as u32,
        _ => KLM_PRESS_MS,
    }
}

/// Event id for the n-th labour found in one act (a post can be a review and carry hashtags).
fn event_id(act: &Act, n: usize) -> String {
    if n == 0 { act.id.clone() } else { format!("{}#{n}", act.id) }
}

/// Replaces each labour's item material (from the classifier) by its keyed hash, so no stored key can be
/// tested against guessed URLs or item ids (see `keys`).
pub fn key_items(keys: &crate::keys::ItemKeys, labours: &mut [Labour]) {
    for labour in labours {
        labour.item = keys.key(&labour.item);
    }
}

/// Records every labour found in an observation.
pub async fn record<S: Store>(store: &S, site: &str, obs: &Observation, labours: Vec<Labour>) -> Result<Vec<Outcome>> {
    record_act(store, site, &Act::of(obs), labours).await
}

/// Records every labour judged of one act.
pub async fn record_act<S: Store>(store: &S, site: &str, act: &Act, labours: Vec<Labour>) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::with_capacity(labours.len());
    for (n, labour) in labours.into_iter().enumerate() {
        let id = event_id(act, n);
        if store.contains_event(&id).await? {
            outcomes.push(Outcome::AlreadyRecorded { id });
            continue;
        }
        let (duration_ms, measured) = match act.duration_ms {
            Some(ms) => (ms, true),
            None => (estimated_ms(&labour), false),
        };
        let event = Event {
            tz: act.tz,
            duration_ms,
            duration_measured: measured,
            effect: labour.effect,
            amount: labour.amount,
            item: Some(labour.item.clone()),
            value: labour.value,
            words: labour.words,
            chars: labour.chars,
            ..Event::new(id, labour.kind, site, act.time, labour.rule.clone())
        };
        outcomes.push(record_event(store, event, labour.replaceable).await?);
    }
    Ok(outcomes)
}

/// Records a CAPTCHA solve (judged by the captcha module) as an event of kind `captcha`.
pub async fn record_captcha<S: Store>(store: &S, event: Event, detail: CaptchaDetail) -> Result<Outcome> {
    if store.contains_event(&event.id).await? {
        return Ok(Outcome::AlreadyRecorded { id: event.id });
    }
    let event = Event { captcha: Some(detail), item: None, ..event };
    record_event(store, event, false).await
}

/// Applies one event against the item it touches and commits it.
pub async fn record_event<S: Store>(store: &S, mut event: Event, replaceable: bool) -> Result<Outcome> {
    // Within the limits the importer enforces, so that every recorded event can be restored from a backup.
    if !crate::limits::site_ok(&event.site) {
        return Ok(Outcome::Ignored { reason: "not a site" });
    }
    if !crate::limits::time_ok(event.time) {
        return Ok(Outcome::Ignored { reason: "time out of range" });
    }
    crate::limits::clamp_event(&mut event);
    let standing = match &event.item {
        Some(key) => store.item(key).await?,
        None => None,
    };
    let mut deltas = Vec::new();
    match (event.effect, &standing) {
        (Effect::Undo, None) => return Ok(Outcome::Ignored { reason: "nothing to undo" }),
        (Effect::Undo, Some(s)) => {
            event.cancels = Some(s.event_id.clone());
            deltas.push((s.bucket.clone(), s.totals.clone(), -1));
        }
        (Effect::Add, Some(s)) => {
            let close = (event.time - s.time).abs() < DEDUPE_WINDOW_MS;
            let same_value = s.value == event.value;
            if replaceable && !(close && same_value) {
                event.cancels = Some(s.event_id.clone());
                deltas.push((s.bucket.clone(), s.totals.clone(), -1));
            } else if replaceable || close || matches!(event.kind, Kind::Like) {
                return Ok(Outcome::Ignored { reason: "already counted" });
            }
        }
        (Effect::Add, None) => {}
    }
    let totals = Totals::of(&event);
    let bucket = Bucket::of(&event);
    if !totals.is_zero() {
        deltas.push((bucket.clone(), totals.clone(), 1));
    }
    let item = event.item.clone().map(|key| {
        let state = (event.effect == Effect::Add).then(|| ItemState {
            event_id: event.id.clone(),
            kind: event.kind,
            time: event.time,
            value: event.value,
            bucket,
            totals,
        });
        (key, state)
    });
    let outcome = Outcome::Recorded {
        id: event.id.clone(),
        kind: event.kind,
        rule: event.rule.clone(),
        effect: event.effect,
        cancels: event.cancels.clone(),
    };
    store.commit(Commit { event, deltas, item }).await?;
    Ok(outcome)
}

// ───────────────────────────── provisional acts ─────────────────────────────

/// Setting that holds every provisional act: one key (a handful of acts at a time), written when an act is
/// held and when it is settled.
pub const PROVISIONAL_KEY: &str = "provisional-acts";
/// A provisional act whose second report has not come this long after the act is settled on its first
/// judgement. The sensor sends the second report within about 1.3 s (its settle wait), or at once when the
/// page is hidden; this is the backstop for a report that never comes.
pub const SETTLE_AFTER_MS: f64 = 10_000.0;
/// More held at once than anyone acts in [`SETTLE_AFTER_MS`] means something is wrong: the oldest are settled.
pub const MAX_PROVISIONAL: usize = 200;

/// An act judged on its first report, waiting for its second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provisional {
    pub act: Act,
    /// Registrable domain of the top-level page.
    pub site: String,
    /// The sender's tab, to settle at once when the tab is closed.
    pub tab: Option<i64>,
    /// The judgement with `after` unknown, recorded if nothing better comes. Empty once taken back: kept
    /// until `settle_at` so that a late retry of the first report does not hold the act again.
    pub labours: Vec<Labour>,
    /// When it is settled on `labours` without its second report (ms, the act's clock + [`SETTLE_AFTER_MS`]).
    pub settle_at: f64,
}

impl Provisional {
    pub fn outcomes(&self) -> Vec<Outcome> {
        self.labours
            .iter()
            .enumerate()
            .map(|(n, l)| Outcome::Provisional { id: event_id(&self.act, n), kind: l.kind, effect: l.effect })
            .collect()
    }
}

/// Every provisional act, oldest first.
pub async fn provisional<S: Store>(store: &S) -> Result<Vec<Provisional>> {
    match store.setting(PROVISIONAL_KEY).await? {
        Some(json) => serde_json::from_str(&json).map_err(|e| Error::Storage(format!("{PROVISIONAL_KEY}: {e}"))),
        None => Ok(Vec::new()),
    }
}

async fn save_provisional<S: Store>(store: &S, acts: &[Provisional]) -> Result<()> {
    store.put_setting(PROVISIONAL_KEY, &serde_json::to_string(acts)?).await
}

/// Forgets the provisional acts on `site` (or every one): forgetting a site or deleting everything leaves
/// nothing held that would be recorded later.
pub async fn forget_provisional<S: Store>(store: &S, site: Option<&str>) -> Result<usize> {
    let mut acts = provisional(store).await?;
    let before = acts.len();
    acts.retain(|p| site.is_some_and(|s| p.site != s));
    if acts.len() != before {
        save_provisional(store, &acts).await?;
    }
    Ok(before - acts.len())
}

/// Earliest time one of `acts` is due, if any.
pub fn next_settle(acts: &[Provisional]) -> Option<f64> {
    acts.iter().map(|p| p.settle_at).reduce(f64::min)
}

/// Holds an act on its first judgement (a retry of the same report changes nothing). Answers the
/// provisional outcomes and the earliest time any held act is due.
pub async fn hold<S: Store>(store: &S, held: Provisional) -> Result<(Vec<Outcome>, Option<f64>)> {
    let mut acts = provisional(store).await?;
    if let Some(p) = acts.iter().find(|p| p.act.id == held.act.id) {
        let outcomes = if p.labours.is_empty() { vec![Outcome::Withdrawn { id: p.act.id.clone() }] } else { p.outcomes() };
        return Ok((outcomes, next_settle(&acts)));
    }
    let outcomes = held.outcomes();
    let at = acts.partition_point(|p| p.act.time <= held.act.time);
    acts.insert(at, held);
    // Never grow without bound: settle the oldest on their first judgement.
    while acts.len() > MAX_PROVISIONAL {
        let oldest = acts.remove(0);
        record_act(store, &oldest.site, &oldest.act, oldest.labours).await?;
    }
    save_provisional(store, &acts).await?;
    Ok((outcomes, next_settle(&acts)))
}

/// Settles act `id` on its second report's judgement (`labours`): recorded, or taken back when the second
/// judgement finds nothing. `None` when no act with that id is held (never held, or settled already).
/// Also answers when the next held act is due.
pub async fn settle_with<S: Store>(store: &S, id: &str, labours: Vec<Labour>) -> Result<(Option<Vec<Outcome>>, Option<f64>)> {
    let mut acts = provisional(store).await?;
    let Some(k) = acts.iter().position(|p| p.act.id == id) else { return Ok((None, next_settle(&acts))) };
    if acts[k].labours.is_empty() {
        return Ok((Some(vec![Outcome::Withdrawn { id: id.to_owned() }]), next_settle(&acts))); // a retry
    }
    let held = acts[k].clone();
    let outcomes = if labours.is_empty() {
        acts[k].labours.clear(); // a tombstone until settle_at
        vec![Outcome::Withdrawn { id: id.to_owned() }]
    } else {
        let outcomes = record_act(store, &held.site, &held.act, labours).await?;
        // Removed after recording: a crash in between settles it again, and the event ids make that a no-op.
        acts.remove(k);
        outcomes
    };
    save_provisional(store, &acts).await?;
    Ok((Some(outcomes), next_settle(&acts)))
}

/// Settles, oldest first and on their first judgement, every held act that is due at `now` or belongs to
/// a closed tab (`closed_tab`). Answers what was recorded and when the next one is due.
pub async fn settle_due<S: Store>(store: &S, now: f64, closed_tab: Option<i64>) -> Result<(Vec<Outcome>, Option<f64>)> {
    let acts = provisional(store).await?;
    let due = |p: &Provisional| p.settle_at <= now || (closed_tab.is_some() && p.tab == closed_tab);
    if !acts.iter().any(due) {
        return Ok((Vec::new(), next_settle(&acts)));
    }
    let (settle, keep): (Vec<Provisional>, Vec<Provisional>) = acts.into_iter().partition(due);
    let mut outcomes = Vec::new();
    for p in settle {
        outcomes.extend(record_act(store, &p.site, &p.act, p.labours).await?);
    }
    save_provisional(store, &keep).await?;
    Ok((outcomes, next_settle(&keep)))
}
