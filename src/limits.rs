//! The limits of a stored event, defined once: the recorder clamps to them ([`clamp_event`]) and the
//! importer (`backup`) refuses what passes them, so every event the recorder writes can be restored
//! from a backup, and a hostile page cannot make a value that breaks later backups.
//!
//! ```text
//!  sensor / CAPTCHA sighting ──▶ api::validate (tz, time) ──▶ ledger ──clamp_event──▶ store ──▶ backup
//!  backup file ──▶ backup::event_from_value (refuses past these limits) ──▶ store
//! ```

use crate::model::Event;

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
}
