//! Recording: turns labour into stored events, exactly once, keeping rollups and item states in step.
//!
//! * An observation id already stored is acknowledged again without writing (sensor retries).
//! * An undo cancels the labour standing on its item; an undo with nothing to cancel (a like made before
//!   Digitus was installed) is not recorded.
//! * A rating on an item that already has one replaces it (the new event cancels the old one).
//! * A second "add" on an item whose labour is still standing is the same press seen twice (or a like that
//!   is already there) and is dropped, except for one-shot kinds after the dedupe window.

use crate::error::Result;
use crate::model::{CaptchaDetail, Effect, Event, Kind, Labour, Observation};
use crate::store::{Bucket, Commit, ItemState, Store, Totals};
use serde::Serialize;

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
}

/// Estimated duration when none was measured.
pub fn estimated_ms(labour: &Labour) -> u32 {
    match labour.kind {
        Kind::Rating => KLM_RATING_MS,
        Kind::Review => (f64::from(labour.words.unwrap_or(0)) * MS_PER_WORD).round() as u32,
        _ => KLM_PRESS_MS,
    }
}

/// Event id for the n-th labour found in one observation (a post can be a review and carry hashtags).
fn event_id(obs: &Observation, n: usize) -> String {
    if n == 0 { obs.id.clone() } else { format!("{}#{n}", obs.id) }
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
    let mut outcomes = Vec::with_capacity(labours.len());
    for (n, labour) in labours.into_iter().enumerate() {
        let id = event_id(obs, n);
        if store.contains_event(&id).await? {
            outcomes.push(Outcome::AlreadyRecorded { id });
            continue;
        }
        let (duration_ms, measured) = match obs.duration_ms {
            Some(ms) => (ms, true),
            None => (estimated_ms(&labour), false),
        };
        let event = Event {
            tz: obs.tz,
            duration_ms,
            duration_measured: measured,
            effect: labour.effect,
            amount: labour.amount,
            item: Some(labour.item.clone()),
            value: labour.value,
            words: labour.words,
            chars: labour.chars,
            ..Event::new(id, labour.kind, site, obs.time, labour.rule.clone())
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
