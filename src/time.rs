//! Dates and times, in one place: events carry UTC milliseconds and the page's offset in minutes; rollups
//! and retention work in local calendar days written `YYYY-MM-DD` (which sort like the days they name).
//! Howard Hinnant's civil-from-days algorithms (proleptic Gregorian) avoid a date crate for three functions.

/// Milliseconds in a day.
pub const DAY_MS: f64 = 86_400_000.0;

/// Local calendar day for a UTC millisecond time and an offset in minutes.
pub fn day_of(time_ms: f64, tz_minutes: i32) -> String {
    let local_ms = time_ms + f64::from(tz_minutes) * 60_000.0;
    let days = (local_ms / DAY_MS).floor() as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Start of a calendar day (`YYYY-MM-DD`) at UTC, in ms since the epoch (the inverse of [`day_of`] at
/// offset 0); `None` if the text is not such a day.
pub fn day_start_ms(day: &str) -> Option<f64> {
    let mut parts = day.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d) as f64 * DAY_MS)
}

/// The first day a retention of `days` keeps, for a clock at `now_ms` (UTC day of `now`, minus `days`).
pub fn retention_cutoff_day(now_ms: f64, days: u32) -> String {
    day_of(now_ms - f64::from(days) * DAY_MS, 0)
}

/// An event's local day can begin this long after its UTC time (offsets go up to +18 h): a scan by UTC time
/// for days before `day` reads up to `day_start_ms(day) + LOCAL_DAY_SLACK_MS`, then filters by local day.
pub const LOCAL_DAY_SLACK_MS: f64 = 18.0 * 3_600_000.0;

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_local_calendar_days() {
        assert_eq!(day_of(0.0, 0), "1970-01-01");
        // 2026-11-29T23:30:00Z is already the 30th in Paris (+60 min) and still the 29th in New York.
        let t = 1_795_995_000_000.0;
        assert_eq!(day_of(t, 0), "2026-11-29");
        assert_eq!(day_of(t, 60), "2026-11-30");
        assert_eq!(day_of(t, -300), "2026-11-29");
        assert_eq!(day_of(951_782_400_000.0, 0), "2000-02-29");
    }

    #[test]
    fn day_start_inverts_day_of() {
        for day in ["1970-01-01", "2000-02-29", "2026-11-29", "2027-03-01"] {
            let t = day_start_ms(day).unwrap();
            assert_eq!(day_of(t, 0), day);
            assert!(day_of(t - 1.0, 0).as_str() < day);
        }
        assert_eq!(day_start_ms("2026-13-01"), None);
        assert_eq!(retention_cutoff_day(day_start_ms("2026-11-29").unwrap() + 5.0, 30), "2026-10-30");
    }
}
