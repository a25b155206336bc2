//! Limits on what the recorder accepts from a page, in one place: nothing a page reports can make one act
//! count more than a person could have done, and nothing counts without a person.
//!
//! ```text
//!  sense report ─▶ submit activated by a person?  (SUBMIT_ACTIVATION_MS)   no ─▶ ignored
//!               ─▶ words, characters, hashtags capped per act (MAX_*_PER_ACT)
//!               ─▶ judged labour ─▶ per-tab rate (RateLimit: RATE_*)      over ─▶ ignored
//!               ─▶ ledger
//! ```
//!
//! The rate limit is kept in memory (a worker stop resets it): it is a guard against machines clicking,
//! far above what a person does, never a quota people can reach.

use std::collections::{BTreeMap, VecDeque};

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
    tabs: BTreeMap<Option<i64>, VecDeque<Seen>>,
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
        let seen = self.tabs.entry(tab).or_default();
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
        self.tabs.retain(|_, q| q.back().is_some_and(|s| newest - s.time <= RATE_LONG_WINDOW_MS));
        admitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
