//! Every limit on what the core accepts, defined once.
//!
//! *Stored events:* the recorder clamps to these ([`clamp_event`]) and the importer (`backup`) refuses what
//! passes them, so every event the recorder writes can be restored from a backup, and a hostile page cannot
//! make a value that breaks later backups.
//!
//! *Acts:* nothing a page reports can make one act count more than a person could have done, and nothing
//! counts without a person.
//!
//! ```text
//!  sense report ─▶ api::validate (tz, time) ─▶ submit activated by a person? (SUBMIT_ACTIVATION_MS)
//!               ─▶ words, characters, hashtags capped per act (MAX_*_PER_ACT)
//!               ─▶ judged labour ─▶ per-tab rate (RateLimit: RATE_*) ─▶ ledger ──clamp_event──▶ store
//!  backup file ──▶ backup::event_from_value (refuses past the stored-event limits) ──▶ store
//! ```
//!
//! The rate limit is kept in memory (a worker stop resets it): it is a guard against machines clicking,
//! far above what a person does, never a quota people can reach.

use crate::model::Event;
use std::collections::VecDeque;

// ---- stored events ----

pub const MAX_ID: usize = 120;
pub const MAX_SITE: usize = 253;
pub const MAX_RULE: usize = 120;
pub const MAX_ITEM: usize = 200;
pub const MAX_LABEL: usize = 80;
pub const MAX_LABELS: usize = 64;
pub const MAX_LABEL_COUNT: u32 = 10_000;
pub const MAX_ROUNDS: u32 = 1_000;
pub const MAX_PROVIDER: usize = 40;
pub const MAX_AMOUNT: u32 = 100_000;
/// A day: labour measured longer than this is a composer left open, not work.
pub const MAX_DURATION_MS: u32 = 86_400_000;
pub const MAX_WORDS: u32 = 10_000_000;
pub const MAX_CHARS: u32 = 200_000_000;
/// Star values, scores: a label such as "Rate 2000000" is clamped to this.
pub const MAX_VALUE: f32 = 1e6;
/// Earliest accepted time, ms (1970).
pub const MIN_TIME: f64 = 1.0;
/// Latest accepted time, ms: the year 5000 (later is a corrupted or hostile value).
pub const MAX_TIME: f64 = 95_617_584_000_000.0;
/// Time-zone offsets, minutes: ±18 hours, as ECMAScript allows.
pub const MAX_TZ_MINUTES: i64 = 18 * 60;
/// Keys that would reach `Object.prototype` if a JavaScript page copied the object.
pub const FORBIDDEN_KEYS: [&str; 3] = ["__proto__", "constructor", "prototype"];

/// Whether a time-zone offset (minutes) is acceptable; widened first, so `i32::MIN` cannot overflow.
pub fn tz_ok(tz: i64) -> bool {
    (-MAX_TZ_MINUTES..=MAX_TZ_MINUTES).contains(&tz)
}

/// Whether a time (ms since the epoch) is acceptable.
pub fn time_ok(time: f64) -> bool {
    time.is_finite() && (MIN_TIME..=MAX_TIME).contains(&time)
}

/// Whether `site` can be a site name as `site::site_of` makes them: a lower-case host name, an IP
/// address, or a scheme ("file"); never a key that pollutes JavaScript objects, a space or a "|".
pub fn site_ok(site: &str) -> bool {
    !site.is_empty()
        && site.len() <= MAX_SITE
        && !FORBIDDEN_KEYS.contains(&site)
        && site.bytes().any(|b| b.is_ascii_alphanumeric())
        && site.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b':' | b'_'))
        && !site.starts_with('_')
}

fn clip(s: &mut String, max: usize) {
    if s.chars().count() > max {
        *s = s.chars().take(max).collect();
    }
    s.retain(|c| !c.is_control());
}

/// Brings a recorded event within the limits: numbers clamped, texts cut. The site and time are not
/// clamped (an event on another site or another day would be a lie): callers refuse those with
/// [`site_ok`] and [`time_ok`].
pub fn clamp_event(e: &mut Event) {
    clip(&mut e.id, MAX_ID);
    clip(&mut e.rule, MAX_RULE);
    e.tz = e.tz.clamp(-(MAX_TZ_MINUTES as i32), MAX_TZ_MINUTES as i32);
    e.duration_ms = e.duration_ms.min(MAX_DURATION_MS);
    e.amount = e.amount.min(MAX_AMOUNT);
    e.value = e.value.filter(|v| v.is_finite()).map(|v| v.clamp(-MAX_VALUE, MAX_VALUE));
    e.words = e.words.map(|w| w.min(MAX_WORDS));
    e.chars = e.chars.map(|c| c.min(MAX_CHARS));
    if let Some(item) = &mut e.item {
        clip(item, MAX_ITEM);
    }
    if let Some(c) = &mut e.captcha {
        clip(&mut c.provider, MAX_PROVIDER);
        c.rounds = c.rounds.min(MAX_ROUNDS);
        c.failed_rounds = c.failed_rounds.min(MAX_ROUNDS);
        let labels = std::mem::take(&mut c.labels);
        for (mut name, n) in labels.into_iter().filter(|(name, n)| *n > 0 && !name.trim().is_empty()) {
            if c.labels.len() == MAX_LABELS {
                break;
            }
            clip(&mut name, MAX_LABEL);
            *c.labels.entry(name).or_default() = n.min(MAX_LABEL_COUNT);
        }
    }
}

// ---- acts ----

/// Longest a review or comment can count, in words: the longest bodies the big sites accept (Stack Overflow's
/// 30,000 characters, Amazon's review box) hold about 5,000 words. A longer text was pasted, not written.
pub const MAX_WORDS_PER_ACT: u32 = 5_000;
/// Characters counted per act, in step with the word cap (about six characters a word with its space).
pub const MAX_CHARS_PER_ACT: u32 = 30_000;
/// Hashtags counted per post: Instagram refuses posts with more than 30.
pub const MAX_HASHTAGS_PER_ACT: u32 = 30;

/// A `submit` counts only if a person activated that form (clicked its submit control, pressed Enter in
/// it) at most this long before. Native submission follows in the same task (0 ms); pages that check the
/// form first and then call `requestSubmit()` take a few hundred ms.
pub const SUBMIT_ACTIVATION_MS: u32 = 1_500;

/// Acts counted per tab in any [`RATE_SHORT_WINDOW_MS`]: a person double-clicks, nobody labours at 25 acts a second.
pub const RATE_SHORT_MAX: usize = 25;
pub const RATE_SHORT_WINDOW_MS: f64 = 1_000.0;
/// Acts counted per tab in any [`RATE_LONG_WINDOW_MS`]: 2 a second for a whole minute, against the few a
/// minute of even a busy moderator.
pub const RATE_LONG_MAX: usize = 120;
pub const RATE_LONG_WINDOW_MS: f64 = 60_000.0;

/// Sliding-window rate limit per tab. Idempotent per act id: a sensor's retry, or the second report of an
/// act, gets the verdict its first report got and uses no more of the allowance.
#[derive(Debug, Default)]
pub struct RateLimit {
    /// Each tab that acted in the last long window, with its recent acts. A handful of tabs at most: a list
    /// found through, not one more `BTreeMap` type in the recording module.
    tabs: Vec<(Option<i64>, VecDeque<Seen>)>,
}

#[derive(Debug)]
struct Seen {
    id: String,
    time: f64,
    admitted: bool,
}

impl RateLimit {
    /// Whether act `id` at `time` (ms, the page's clock) in `tab` may count.
    pub fn admit(&mut self, tab: Option<i64>, id: &str, time: f64) -> bool {
        let at = match self.tabs.iter().position(|(t, _)| *t == tab) {
            Some(at) => at,
            None => {
                self.tabs.push((tab, VecDeque::new()));
                self.tabs.len() - 1
            }
        };
        let seen = &mut self.tabs[at].1;
        if let Some(s) = seen.iter().find(|s| s.id == id) {
            return s.admitted;
        }
        // Forget what left the long window (relative to the newest act: page clocks only move forward here).
        let newest = seen.iter().map(|s| s.time).fold(time, f64::max);
        while seen.front().is_some_and(|s| newest - s.time > RATE_LONG_WINDOW_MS) {
            seen.pop_front();
        }
        let within = |window: f64| seen.iter().filter(|s| s.admitted && (time - s.time).abs() < window).count();
        let admitted = within(RATE_SHORT_WINDOW_MS) < RATE_SHORT_MAX && within(RATE_LONG_WINDOW_MS) < RATE_LONG_MAX;
        seen.push_back(Seen { id: id.to_owned(), time, admitted });
        // Closed tabs' queues are dropped once idle for a long window (bounded memory on a long session).
        self.tabs.retain(|(_, q)| q.back().is_some_and(|s| newest - s.time <= RATE_LONG_WINDOW_MS));
        admitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_at_the_edges_of_i32_does_not_overflow() {
        assert!(!tz_ok(i64::from(i32::MIN)));
        assert!(!tz_ok(i64::from(i32::MAX)));
        assert!(tz_ok(-1080) && tz_ok(1080) && !tz_ok(1081));
    }

    #[test]
    fn sites_are_host_names_not_object_keys() {
        for good in ["youtube.com", "127.0.0.1", "::1", "localhost", "file", "xn--bcher-kva.example"] {
            assert!(site_ok(good), "{good}");
        }
        for bad in ["__proto__", "constructor", "prototype", "", "a b", "a|b", "Example.com", "...", "_x", "a/b"] {
            assert!(!site_ok(bad), "{bad}");
        }
    }

    #[test]
    fn a_person_is_never_limited_a_machine_is() {
        let mut rate = RateLimit::default();
        // An act every 0.7 s for two minutes, with bursts of 10 double-clicks: a fast person, all counted.
        let mut times: Vec<f64> = (0..170).map(|i| f64::from(i) * 700.0).collect();
        times.extend((0..20).map(|i| 200_000.0 + f64::from(i) * 90.0));
        let person = times.iter().enumerate().filter(|(i, t)| rate.admit(Some(1), &format!("p{i}"), **t)).count();
        assert_eq!(person, times.len());
        // The same id again (a retry) keeps its verdict and uses nothing.
        assert!(rate.admit(Some(1), "p189", 201_710.0));
        // Another tab, 100 acts in one second: 25 counted.
        let machine = (0..100).filter(|i| rate.admit(Some(2), &format!("m{i}"), 1e6 + f64::from(*i) * 10.0)).count();
        assert_eq!(machine, RATE_SHORT_MAX);
        assert!(!rate.admit(Some(2), "m99", 0.0), "a refused act stays refused");
        // Three acts a second for a minute, evenly: the long window stops it at its maximum.
        let steady = (0..180).filter(|i| rate.admit(Some(3), &format!("s{i}"), 2e6 + f64::from(*i) * 333.0)).count();
        assert_eq!(steady, RATE_LONG_MAX);
    }
}
