//! Storage, natively on the in-memory reference store: the schema never drops a store, rollups always equal
//! what the events say, backups round-trip, merges are idempotent, hostile files are refused by name and
//! change nothing, forgetting and retention keep the books straight, and the parser survives a bounded
//! fuzz run.

use digitus::backup::{self, Backup, BackupError};
use digitus::ledger::{self, Outcome};
use digitus::model::{CaptchaDetail, Effect, Event, Kind};
use digitus::store::{install_id, rollups_of, schema, site_totals_of, MemoryStore, Store};
use digitus::summary::Summary;
use futures::executor::block_on;

mod common;
use common::event;

const T0: f64 = 1_795_995_000_000.0;

/// Deterministic PRNG (SplitMix64): reproducible histories and fuzz runs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// Records a random history through the ledger (likes, unlikes, ratings that replace each other, reports,
/// CAPTCHA solves), as the extension would, on `sites`. Ids carry `prefix` so two browsers differ.
fn history(store: &MemoryStore, rng: &mut Rng, prefix: &str, n: usize, sites: &[&str]) {
    let mut time = T0;
    for i in 0..n {
        time += [500.0, 3_000.0, 3_600_000.0, 40_000_000.0][rng.below(4) as usize];
        let site = *rng.pick(sites);
        let item = format!("{site}/item{}", rng.below(12));
        let id = format!("{prefix}-{i}");
        let outcome = match rng.below(6) {
            0 | 1 => block_on(ledger::record_event(store, event(&id, Kind::Like, Effect::Add, site, time, &item), false)),
            2 => block_on(ledger::record_event(store, event(&id, Kind::Like, Effect::Undo, site, time, &item), false)),
            3 => {
                let mut e = event(&id, Kind::Rating, Effect::Add, site, time, &format!("{item}/stars"));
                e.value = Some(1.0 + rng.below(5) as f32);
                e.duration_ms = 4_000;
                block_on(ledger::record_event(store, e, true))
            }
            4 => block_on(ledger::record_event(store, event(&id, Kind::Report, Effect::Add, site, time, &item), false)),
            _ => {
                let mut e = event(&id, Kind::Captcha, Effect::Add, site, time, "");
                let detail = CaptchaDetail {
                    provider: "recaptcha".into(),
                    rounds: 2,
                    failed_rounds: 1,
                    audio: false,
                    labels: [("traffic lights".to_string(), 4), ("buses".to_string(), 3)].into(),
                };
                e.item = None;
                block_on(ledger::record_captcha(store, e, detail))
            }
        };
        assert!(outcome.is_ok(), "{outcome:?}");
    }
}

/// The books' invariants: rollups = what the events say; totals = the rollups summed over days; and the
/// summary the API answers with (from totals) = the summary of the rollups.
fn assert_consistent(store: &MemoryStore, what: &str) {
    let (events, rollups, _) = store.snapshot();
    assert_eq!(rollups, rollups_of(&events), "{what}: rollups must equal what the events say");
    assert_eq!(store.site_totals_snapshot(), site_totals_of(&rollups), "{what}: totals must equal the rollups summed");
    let from_totals = Summary::from_site_totals(&block_on(store.site_totals()).unwrap());
    assert_eq!(from_totals, Summary::from_rollups(&block_on(store.rollups()).unwrap()), "{what}: summary");
}

fn import_text(store: &MemoryStore, text: &str, batch: usize) -> Result<digitus::store::MergeReport, String> {
    let backup = Backup::parse(text.to_string()).map_err(|e| e.to_string())?;
    block_on(backup::import(store, &backup, batch, |_, _| {})).map_err(|e| e.to_string())
}

fn export(store: &MemoryStore) -> String {
    block_on(backup::export(store, T0 + 1e9, "install-a", backup::Scope::Full)).unwrap()
}

#[test]
fn no_schema_version_drops_a_store_or_an_index() {
    assert_eq!(schema::dropped(), Vec::<String>::new(), "rexie deletes what the current schema omits");
    let versions: Vec<u32> = schema::HISTORY.iter().map(|(v, _)| *v).collect();
    assert!(versions.windows(2).all(|w| w[1] == w[0] + 1), "versions go up by one: {versions:?}");
    assert_eq!(schema::current().0, 3);
    // Version 2 as released, frozen likewise; version 3 adds the totals store.
    let v2: Vec<&str> = schema::HISTORY[1].1.iter().map(|s| s.name).collect();
    assert_eq!(v2, ["events", "rollups", "items", "settings", "meta"]);
    assert!(schema::current().1.iter().any(|s| s.name == "totals" && s.key_path == Some("key")));
    // Version 1 as released (frozen here: editing HISTORY[0] must fail this test).
    let v1: Vec<&str> = schema::HISTORY[0].1.iter().map(|s| s.name).collect();
    assert_eq!(v1, ["events", "rollups", "items", "settings"]);
    assert_eq!(schema::HISTORY[0].1[0].indexes, &[("time", "time")]);
}

#[test]
fn rollups_stay_in_step_with_events_through_random_histories() {
    for seed in 0..20 {
        let store = MemoryStore::new();
        history(&store, &mut Rng(seed), "a", 300, &["example.org", "youtube.com", "github.com"]);
        assert_consistent(&store, &format!("seed {seed}"));
    }
}

#[test]
fn a_backup_round_trips_into_a_fresh_profile_and_reimporting_changes_nothing() {
    let a = MemoryStore::new();
    history(&a, &mut Rng(7), "a", 600, &["example.org", "youtube.com", "github.com"]);
    block_on(a.put_setting("settings", r#"{"paused_sites":["bank.example"],"record_private":false,"local_rules":""}"#)).unwrap();
    let text = export(&a);
    let parsed = Backup::parse(text.clone()).unwrap();
    assert_eq!(parsed.header.format, "digitus-backup");
    assert_eq!(parsed.header.version, 1);
    assert_eq!(parsed.header.install_id, "install-a");
    assert_eq!(parsed.header.counts.events, block_on(a.count_events()).unwrap());
    assert_eq!(parsed.settings.as_ref().unwrap()["paused_sites"][0], "bank.example");

    for batch in [1, 7, 2_000] {
        let b = MemoryStore::new();
        let mut seen = Vec::new();
        let parsed = Backup::parse(text.clone()).unwrap();
        let report = block_on(backup::import(&b, &parsed, batch, |done, total| seen.push((done, total)))).unwrap();
        assert_eq!(report.added, parsed.len() as u64);
        assert_eq!(seen.last(), Some(&(parsed.len(), parsed.len())), "progress reaches 100%");
        let (ea, ra, ia) = a.snapshot();
        let (eb, rb, ib) = b.snapshot();
        assert_eq!(eb, ea, "batch {batch}: every event, field for field");
        assert_eq!(rb, ra, "batch {batch}: same rollups as where they were recorded");
        for k in ia.keys().chain(ib.keys()) {
            if ia.get(k) != ib.get(k) {
                let evs: Vec<_> = ea.iter().filter(|e| e.item.as_deref() == Some(k.as_str())).map(|e| (e.id.clone(), e.time, e.effect, e.cancels.clone())).collect();
                panic!("batch {batch}: item {k}: recorded {:?} imported {:?}; events {:?}", ia.get(k).map(|s| &s.event_id), ib.get(k).map(|s| &s.event_id), evs);
            }
        }

        assert_consistent(&b, &format!("batch {batch}: imported"));
        assert_eq!(b.site_totals_snapshot(), a.site_totals_snapshot(), "batch {batch}: same totals");
        let again = import_text(&b, &text, batch).unwrap();
        assert_eq!((again.added, again.already), (0, parsed.len() as u64));
        assert_eq!(b.snapshot(), (ea, ra, ia), "importing the same file twice changes nothing");
    }
}

#[test]
fn merging_two_browsers_keeps_every_event_once_and_rollups_consistent() {
    // Both browsers start from a shared backup, then each records its own clicks, some undoing shared ones.
    let origin = MemoryStore::new();
    history(&origin, &mut Rng(1), "shared", 200, &["example.org", "youtube.com"]);
    let shared = export(&origin);
    let a = MemoryStore::new();
    let b = MemoryStore::new();
    import_text(&a, &shared, 50).unwrap();
    import_text(&b, &shared, 50).unwrap();
    history(&a, &mut Rng(2), "a", 300, &["example.org", "youtube.com"]);
    history(&b, &mut Rng(3), "b", 300, &["example.org", "github.com"]);
    let (ea, _, _) = a.snapshot();
    let (eb, _, _) = b.snapshot();
    import_text(&a, &export(&b), 64).unwrap();
    assert_consistent(&a, "a after merging b");
    let (merged, _, _) = a.snapshot();
    let mut ids: Vec<&str> = ea.iter().chain(eb.iter()).map(|e| e.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(merged.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ids, "union of both, each once");
    // And the other way round gives the same books.
    import_text(&b, &export(&a), 1_000).unwrap();
    assert_consistent(&b, "b after merging a");
    assert_eq!(a.site_totals_snapshot(), b.site_totals_snapshot());
    assert_eq!(a.snapshot().0, b.snapshot().0);
    assert_eq!(a.snapshot().1, b.snapshot().1);
    // An event undone in both browsers (a double cancel) is removed once, never twice.
    assert!(a.snapshot().1.values().all(|t| t.count >= 0), "no bucket goes negative");
}

#[test]
fn install_id_is_created_once() {
    let store = MemoryStore::new();
    let first = block_on(install_id(&store, || "id-1".into())).unwrap();
    let second = block_on(install_id(&store, || "id-2".into())).unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("id-1", "id-1"));
}

#[test]
fn forgetting_a_site_removes_its_events_rollups_and_items_only() {
    let store = MemoryStore::new();
    history(&store, &mut Rng(11), "a", 400, &["example.org", "youtube.com", "github.com"]);
    let (before, _, _) = store.snapshot();
    let n_youtube = before.iter().filter(|e| e.site == "youtube.com").count() as u64;
    assert!(n_youtube > 0);
    assert_eq!(block_on(store.forget_site("youtube.com")).unwrap(), n_youtube);
    let (events, rollups, items) = store.snapshot();
    assert!(events.iter().all(|e| e.site != "youtube.com"));
    assert!(rollups.keys().all(|b| b.site != "youtube.com"));
    assert!(items.values().all(|s| s.bucket.site != "youtube.com"));
    assert_eq!(events.len() as u64, before.len() as u64 - n_youtube);
    assert_consistent(&store, "after forgetting youtube.com");
}

#[test]
fn retention_prunes_whole_days_and_delete_everything_empties_the_books() {
    let store = MemoryStore::new();
    history(&store, &mut Rng(5), "a", 400, &["example.org", "youtube.com"]);
    let (events, _, _) = store.snapshot();
    let mut days: Vec<String> = events.iter().map(Event::day).collect();
    days.sort();
    days.dedup();
    let cut = &days[days.len() / 2];
    let old = events.iter().filter(|e| e.day() < *cut).count() as u64;
    assert_eq!(block_on(store.prune_before_day(cut)).unwrap(), old);
    let (kept, rollups, _) = store.snapshot();
    assert!(kept.iter().all(|e| e.day() >= *cut));
    assert!(rollups.keys().all(|b| b.day >= *cut));
    assert_consistent(&store, "after pruning");
    block_on(store.put_meta("install_id", "\"keep-me\"")).unwrap();
    block_on(store.delete_everything()).unwrap();
    assert_eq!(store.snapshot().0.len() + store.snapshot().1.len() + store.snapshot().2.len(), 0);
    assert!(store.site_totals_snapshot().is_empty(), "no totals left");
    assert_eq!(block_on(store.meta("install_id")).unwrap().as_deref(), Some("\"keep-me\""), "the install id stays");
}

#[test]
fn exactly_once_under_retry_storms() {
    // The sensor retries an observation with the same id until acknowledged: every retry is a no-op.
    let store = MemoryStore::new();
    let mut rng = Rng(99);
    let mut recorded = 0;
    for i in 0..2_000 {
        let id = format!("burst-{}", i % 500); // each id sent four times, interleaved
        let e = event(&id, Kind::Report, Effect::Add, "example.org", T0 + (i % 500) as f64 * 10_000.0, &format!("i{}", i % 500));
        let _ = rng.next();
        if let Outcome::Recorded { .. } = block_on(ledger::record(&store, "example.org", &obs_for(&e), vec![labour_for(&e)])).unwrap()[0] {
            recorded += 1;
        }
    }
    assert_eq!(recorded, 500);
    assert_eq!(block_on(store.count_events()).unwrap(), 500);
    assert_consistent(&store, "after the storm");
}

fn obs_for(e: &Event) -> digitus::model::Observation {
    digitus::model::Observation {
        id: e.id.clone(),
        action: digitus::model::Action::Click,
        time: e.time,
        tz: 0,
        url: "https://example.org/".into(),
        top_url: None,
        path: vec![],
        after: None,
        text: None,
        duration_ms: None,
        has_value: false,
        after_pending: false,
        activation_ms: None,
    }
}

fn labour_for(e: &Event) -> digitus::model::Labour {
    digitus::model::Labour {
        kind: e.kind,
        effect: e.effect,
        rule: e.rule.clone(),
        item: e.item.clone().unwrap(),
        amount: 1,
        value: None,
        words: None,
        chars: None,
        replaceable: false,
    }
}

/// A small valid backup to break in every way.
fn sample() -> String {
    let store = MemoryStore::new();
    history(&store, &mut Rng(3), "s", 40, &["example.org", "youtube.com"]);
    export(&store)
}

fn refused(text: &str) -> String {
    let store = MemoryStore::new();
    history(&store, &mut Rng(4), "mine", 50, &["example.org"]);
    let before = store.snapshot();
    let err = import_text(&store, text, 10).expect_err("must be refused");
    assert_eq!(store.snapshot(), before, "a refused file leaves the data untouched");
    err
}

#[test]
fn hostile_and_broken_files_are_refused_by_name_and_change_nothing() {
    let good = sample();
    let v: serde_json::Value = serde_json::from_str(&good).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut x = v.clone();
        f(&mut x);
        serde_json::to_string(&x).unwrap()
    };
    let cases: Vec<(String, &str)> = vec![
        (good[..good.len() / 2].to_string(), "truncated"),
        ("".into(), "truncated"),
        ("[1,2,3]".into(), "not a JSON object"),
        ("{\"hello\": 1".into(), "not valid JSON"),
        (with(&|x| x["format"] = "lightbeam".into()), "not a Digitus backup"),
        (with(&|x| x["version"] = 2.into()), "unsupported backup version 2"),
        (with(&|x| x["version"] = "1".into()), "unsupported backup version"),
        (with(&|x| x["events"][3]["time"] = "NaN".into()), "events[3].time: must be a number"),
        (good.replacen("\"time\":", "\"time\":NaN,\"x\":", 1), "not valid JSON"),
        (with(&|x| x["events"][2]["time"] = (-5).into()), "events[2].time: must be a finite number"),
        (with(&|x| x["events"][2]["time"] = 1e300.into()), "events[2].time"),
        (with(&|x| x["events"][1]["amount"] = (-3).into()), "events[1].amount: must not be negative"),
        (with(&|x| x["events"][1]["duration_ms"] = 2.5.into()), "events[1].duration_ms: must be a whole number"),
        (with(&|x| x["events"][0]["kind"] = "bribe".into()), "events[0].kind: unknown kind"),
        (with(&|x| x["events"][0]["site"] = "x".repeat(1_000_000).into()), "events[0].site: longer than 253"),
        (with(&|x| x["events"][0]["id"] = "".into()), "events[0].id: must not be empty"),
        (with(&|x| x["events"][0]["id"] = serde_json::json!({"a": 1})), "events[0].id: must be a string, not an object"),
        (with(&|x| x["events"][0]["site"] = "a|b".into()), "events[0].site"),
        (with(&|x| x["events"][4]["__proto__"] = serde_json::json!({"polluted": true})), "events[4]: forbidden key \"__proto__\""),
        (with(&|x| x["events"][4]["extra"] = 1.into()), "events[4]: unknown field \"extra\""),
        (with(&|x| x["settings"]["a"] = serde_json::json!({"constructor": {"prototype": 1}})), "forbidden key \"constructor\""),
        (with(&|x| x["counts"]["events"] = (-1).into()), "counts.events: must not be negative"),
        (with(&|x| x["counts"]["events"] = 41.into()), "truncated or edited"),
        (with(&|x| x["counts"]["events"] = 6_000_000.into()), "counts.events: larger than"),
        (with(&|x| x["counts"]["kinds"]["like"] = 999.into()), "counts by kind do not match"),
        (with(&|x| { let e = x["events"][0].clone(); x["events"][5] = e; }), "duplicate id"),
        (with(&|x| x["events"][6]["effect"] = "undo".into()), "events[6]"),
        (with(&|x| { x["events"][7].as_object_mut().unwrap().remove("rule"); }), "events[7]: missing field \"rule\""),
        (with(&|x| x["events"][8] = serde_json::Value::Null), "events[8]: must be an object, not null"),
        (with(&|x| x["events"] = "lots".into()), "events: invalid type"),
        (with(&|x| x["evil"] = 1.into()), "header: unknown field \"evil\""),
        (format!("{}{}{}", "{\"format\":".to_string() + &"[".repeat(100_000), "1", "]".repeat(100_000) + "}"), "nested too deeply"),
        (good.replacen("\"item\":", &format!("\"item\":{},\"zz\":", "[".repeat(5000) + &"]".repeat(5000)), 1), "nested too deeply"),
    ];
    for (text, expected) in cases {
        let err = refused(&text);
        assert!(err.contains(expected), "expected an error naming {expected:?}, got {err:?}");
    }
}

#[test]
fn millions_of_fake_ids_are_refused_beyond_the_limit() {
    // MAX_EVENTS + 1 tiny entries: refused while scanning, before any event is even parsed.
    let mut text = String::from(r#"{"format":"digitus-backup","version":1,"exported_at":1,"install_id":"x","counts":{"events":1},"events":["#);
    text.push_str(&"0,".repeat(backup::MAX_EVENTS));
    text.push_str("0]}");
    let err = refused(&text);
    assert!(err.contains(&format!("more than {} events", backup::MAX_EVENTS)), "{err}");
}

/// The import parser never panics: a bounded, deterministic fuzz run over mutations of valid backups.
///
/// Why hand-written: `cargo fuzz` (fuzz/fuzz_targets/import.rs, for those with a nightly toolchain) needs
/// nightly; `arbitrary`-driven property crates generate structured values, whereas what breaks parsers is
/// byte-level damage to *valid* files (bit flips, truncations, splices, swapped types, duplicated
/// fragments). A 40-line mutator with a fixed seed does exactly that on stable Rust, in CI, in seconds,
/// with no new dependency.
#[test]
fn fuzz_the_import_parser_without_panics() {
    let iterations: usize = std::env::var("DIGITUS_FUZZ_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let seeds = [sample(), {
        let s = MemoryStore::new();
        history(&s, &mut Rng(8), "t", 5, &["a.com"]);
        export(&s)
    }];
    let tokens: [&[u8]; 14] = [
        b"null", b"-1", b"1e999", b"\"__proto__\"", b"{}", b"[]", b"\"\"", b"true", b"\"NaN\"", b"18446744073709551616",
        b"\"captcha\"", b"\"undo\"", b"[[[[[[[[", b"\"\\u0000\"",
    ];
    let mut rng = Rng(0x00D1_617A);
    let (mut accepted, mut refused) = (0, 0);
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        let seed = rng.pick(&seeds).as_bytes();
        let mut bytes = seed.to_vec();
        for _ in 0..1 + rng.below(4) {
            let len = bytes.len().max(1) as u64;
            let at = rng.below(len) as usize;
            match rng.below(7) {
                0 => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b ^= 1 << rng.below(8);
                    }
                }
                1 => bytes.truncate(at),
                2 => {
                    let other = rng.pick(&seeds).as_bytes();
                    let from = rng.below(other.len() as u64) as usize;
                    let to = (from + rng.below(200) as usize).min(other.len());
                    bytes.splice(at..at, other[from..to].iter().copied());
                }
                3 => {
                    let end = (at + 1 + rng.below(40) as usize).min(bytes.len());
                    bytes.splice(at..end, rng.pick(&tokens).iter().copied());
                }
                4 => {
                    let end = (at + rng.below(300) as usize).min(bytes.len());
                    bytes.drain(at..end);
                }
                5 => {
                    let end = (at + rng.below(120) as usize).min(bytes.len());
                    let dup = bytes[at..end].to_vec();
                    bytes.splice(at..at, dup);
                }
                _ => {
                    // Swap the value types of a field: numbers become strings and back.
                    if let Some(b) = bytes.get_mut(at) {
                        *b = *rng.pick(b"\"0{},:-.e");
                    }
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match Backup::parse(text) {
            Ok(b) => {
                // Whatever is accepted can be read back in full and merged.
                let events = b.events(0..b.len()).expect("accepted files read back");
                let store = MemoryStore::new();
                block_on(store.merge_events(&events)).unwrap();
                accepted += 1;
            }
            Err(BackupError(why)) => {
                assert!(!why.is_empty());
                refused += 1;
            }
        }
    }
    assert_eq!(accepted + refused, iterations);
    assert!(refused > 0 && accepted > 0, "the mutator both breaks and keeps files ({accepted} accepted, {refused} refused)");
    eprintln!("fuzz: {iterations} inputs in {:?}: {accepted} accepted, {refused} refused", start.elapsed());
}

mod api {
    use super::*;
    use digitus::api::{Core, Request, Sender, Settings, DELETE_CONFIRMATION};
    use serde_json::json;

    fn page() -> Sender {
        Sender { content_script: false, tab_url: None, incognito: false }
    }

    fn ask(core: &mut Core, store: &MemoryStore, sender: &Sender, request: serde_json::Value) -> Result<serde_json::Value, String> {
        let request: Request = serde_json::from_value(request).map_err(|e| e.to_string())?;
        block_on(core.handle(store, sender, request)).map_err(|e| e.to_string())
    }

    fn world() -> (Core, MemoryStore) {
        let store = MemoryStore::new();
        history(&store, &mut Rng(21), "a", 300, &["example.org", "youtube.com"]);
        (block_on(Core::load(&store)).unwrap(), store)
    }

    #[test]
    fn delete_everything_requires_the_confirmation_phrase_and_pages_only() {
        let (mut core, store) = world();
        let before = store.snapshot();
        for bad in [json!({"type": "delete_everything"}), json!({"type": "delete_everything", "confirm": "yes"})] {
            let err = ask(&mut core, &store, &page(), bad).unwrap_err();
            assert!(err.contains("confirm"), "{err}");
        }
        let tab = Sender { content_script: true, tab_url: Some("https://evil.example/".into()), incognito: false };
        let err = ask(&mut core, &store, &tab, json!({"type": "delete_everything", "confirm": DELETE_CONFIRMATION})).unwrap_err();
        assert!(err.contains("web pages cannot"), "{err}");
        let err = ask(&mut core, &store, &tab, json!({"type": "forget_site", "site": "example.org"})).unwrap_err();
        assert!(err.contains("web pages cannot"), "{err}");
        assert_eq!(store.snapshot(), before, "refused requests change nothing");
        ask(&mut core, &store, &page(), json!({"type": "delete_everything", "confirm": DELETE_CONFIRMATION})).unwrap();
        assert_eq!(block_on(store.count_events()).unwrap(), 0);
        let summary = ask(&mut core, &store, &page(), json!({"type": "summary"})).unwrap();
        assert_eq!(summary["events"], 0);
    }

    #[test]
    fn forget_site_through_the_api_and_status_reports_counts() {
        let (mut core, store) = world();
        block_on(store.put_meta("install_id", "\"abc\"")).unwrap();
        let total = block_on(store.count_events()).unwrap();
        let status = ask(&mut core, &store, &page(), json!({"type": "status"})).unwrap();
        assert_eq!(status["install_id"], "abc");
        assert_eq!(status["events"], total);
        assert_eq!(status["storage_error"], serde_json::Value::Null);
        let answer = ask(&mut core, &store, &page(), json!({"type": "forget_site", "site": " M.YouTube.com "})).unwrap();
        assert_eq!(answer["site"], "youtube.com", "a subdomain as typed forgets its registrable domain");
        assert!(answer["forgotten"].as_u64().unwrap() > 0);
        let summary = ask(&mut core, &store, &page(), json!({"type": "summary"})).unwrap();
        assert!(summary["sites"].get("youtube.com").is_none());
        assert!(summary["sites"].get("example.org").is_some());
        assert_consistent(&store, "after forget_site");
    }

    #[test]
    fn retention_keeps_everything_by_default_and_prunes_when_set() {
        let (mut core, store) = world();
        let total = block_on(store.count_events()).unwrap();
        let now = store.snapshot().0.iter().map(|e| e.time).fold(0.0, f64::max);
        let kept = ask(&mut core, &store, &page(), json!({"type": "apply_retention", "now": now})).unwrap();
        assert_eq!(kept["pruned"], 0, "no retention set: keep everything");
        let status = ask(&mut core, &store, &page(), json!({"type": "status"})).unwrap();
        assert_eq!(status["retention_days"], serde_json::Value::Null);
        let err = ask(&mut core, &store, &page(), json!({"type": "set_retention", "days": 2, "now": now})).unwrap_err();
        assert!(err.contains("days must be 7"), "{err}");
        let answer = ask(&mut core, &store, &page(), json!({"type": "set_retention", "days": 30, "now": now})).unwrap();
        let pruned = answer["pruned"].as_u64().unwrap();
        // Saving other settings from a stale copy (as the options page does) keeps the retention.
        ask(&mut core, &store, &page(), json!({"type": "set_settings", "settings": Settings::default()})).unwrap();
        assert_eq!(ask(&mut core, &store, &page(), json!({"type": "status"})).unwrap()["retention_days"], 30);
        assert!(pruned > 0 && pruned < total, "pruned {pruned} of {total}");
        let cutoff = digitus::store::retention_cutoff_day(now, 30);
        assert!(store.snapshot().0.iter().all(|e| e.day() >= cutoff));
        assert_consistent(&store, "after retention");
        // Reloading (a service-worker wake) keeps the setting.
        assert_eq!(block_on(digitus::api::retention_days(&store)).unwrap(), Some(30));
        let mut fresh = block_on(Core::load(&store)).unwrap();
        let again = ask(&mut fresh, &store, &page(), json!({"type": "apply_retention", "now": now})).unwrap();
        assert_eq!(again["pruned"], 0, "nothing older left");
    }

    #[test]
    fn private_windows_are_not_recorded_unless_the_user_asks() {
        let store = MemoryStore::new();
        let mut core = block_on(Core::load(&store)).unwrap();
        assert!(!core.settings.record_private, "off by default");
        let private = Sender { content_script: true, tab_url: Some("https://blog.example.org/p".into()), incognito: true };
        let like = |id: &str| {
            json!({"type": "sense", "observation": {
                "id": id, "action": "click", "time": T0, "url": "https://blog.example.org/p",
                "path": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "false"}}, {"tag": "body"}],
                "after": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "true"}}, {"tag": "body"}]
            }})
        };
        let answer = ask(&mut core, &store, &private, like("p1")).unwrap();
        assert_eq!(answer["outcomes"][0]["reason"], "private window");
        assert_eq!(block_on(store.count_events()).unwrap(), 0);
        let settings = Settings { record_private: true, ..core.settings.clone() };
        ask(&mut core, &store, &page(), json!({"type": "set_settings", "settings": settings})).unwrap();
        let answer = ask(&mut core, &store, &private, like("p2")).unwrap();
        assert_eq!(answer["outcomes"][0]["outcome"], "recorded", "{answer}");
        assert_eq!(block_on(store.count_events()).unwrap(), 1);
    }
}

/// A store whose disk is full: every write fails with `QuotaExceeded` while `full` is set.
struct FullDisk {
    inner: MemoryStore,
    full: std::cell::Cell<bool>,
}

impl FullDisk {
    fn check(&self) -> digitus::Result<()> {
        if self.full.get() { Err(digitus::Error::QuotaExceeded) } else { Ok(()) }
    }
}

impl Store for FullDisk {
    async fn contains_event(&self, id: &str) -> digitus::Result<bool> { self.inner.contains_event(id).await }
    async fn item(&self, key: &str) -> digitus::Result<Option<digitus::store::ItemState>> { self.inner.item(key).await }
    async fn commit(&self, commit: digitus::store::Commit) -> digitus::Result<()> { self.check()?; self.inner.commit(commit).await }
    async fn rollups(&self) -> digitus::Result<Vec<digitus::store::Rollup>> { self.inner.rollups().await }
    async fn site_totals(&self) -> digitus::Result<Vec<digitus::store::SiteTotals>> { self.inner.site_totals().await }
    async fn events_after(&self, after: Option<&str>, limit: usize) -> digitus::Result<Vec<Event>> { self.inner.events_after(after, limit).await }
    async fn count_events(&self) -> digitus::Result<u64> { self.inner.count_events().await }
    async fn recent_events(&self, limit: usize) -> digitus::Result<Vec<Event>> { self.inner.recent_events(limit).await }
    async fn setting(&self, key: &str) -> digitus::Result<Option<String>> { self.inner.setting(key).await }
    async fn put_setting(&self, key: &str, json: &str) -> digitus::Result<()> { self.check()?; self.inner.put_setting(key, json).await }
    async fn merge_events(&self, events: &[Event]) -> digitus::Result<digitus::store::MergeReport> { self.check()?; self.inner.merge_events(events).await }
    async fn forget_site(&self, site: &str) -> digitus::Result<u64> { self.inner.forget_site(site).await }
    async fn delete_everything(&self) -> digitus::Result<()> { self.inner.delete_everything().await }
    async fn prune_before_day(&self, day: &str) -> digitus::Result<u64> { self.inner.prune_before_day(day).await }
    async fn meta(&self, key: &str) -> digitus::Result<Option<String>> { self.inner.meta(key).await }
    async fn put_meta(&self, key: &str, json: &str) -> digitus::Result<()> { self.check()?; self.inner.put_meta(key, json).await }
}

#[test]
fn a_full_disk_is_reported_to_the_sensor_and_the_pages_and_the_retry_lands_once() {
    use digitus::api::{Core, Request, Sender};
    let store = FullDisk { inner: MemoryStore::new(), full: std::cell::Cell::new(true) };
    let mut core = block_on(Core::load(&store)).unwrap();
    let tab = Sender { content_script: true, tab_url: Some("https://blog.example.org/p".into()), incognito: false };
    let page = Sender { content_script: false, tab_url: None, incognito: false };
    let like: Request = serde_json::from_value(serde_json::json!({"type": "sense", "observation": {
        "id": "q1", "action": "click", "time": T0, "url": "https://blog.example.org/p",
        "path": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "false"}}, {"tag": "body"}],
        "after": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "true"}}, {"tag": "body"}]
    }}))
    .unwrap();
    let err = block_on(core.handle(&store, &tab, like.clone())).unwrap_err();
    // The sensor retries on answers that mention storage (extension/content/sensor.js).
    assert!(err.to_string().contains("storage is full"), "{err}");
    let status = block_on(core.handle(&store, &page, Request::Status)).unwrap();
    assert!(status["storage_error"].as_str().unwrap().contains("storage is full"), "the pages show it: {status}");
    store.full.set(false);
    let ok = block_on(core.handle(&store, &tab, like.clone())).unwrap();
    assert_eq!(ok["outcomes"][0]["outcome"], "recorded");
    let again = block_on(core.handle(&store, &tab, like)).unwrap();
    assert_eq!(again["outcomes"][0]["outcome"], "already_recorded");
    assert_eq!(block_on(store.count_events()).unwrap(), 1);
    let status = block_on(core.handle(&store, &page, Request::Status)).unwrap();
    assert_eq!(status["storage_error"], serde_json::Value::Null, "cleared once writes succeed");
}

#[test]
fn the_documented_sample_and_the_fuzz_seed_are_valid_backups() {
    for file in ["fuzz/corpus/import/sample.json", "docs/backup-sample.json"] {
        let text = std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let b = Backup::parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(b.len(), 5, "{file}");
        let store = MemoryStore::new();
        block_on(backup::import(&store, &b, 2, |_, _| {})).unwrap();
        let summary = digitus::summary::Summary::from_rollups(&block_on(store.rollups()).unwrap());
        // The like was taken back; the rating, the CAPTCHA solve and the review count.
        assert_eq!((summary.kinds["like"], summary.kinds["rating"], summary.kinds["captcha"], summary.kinds["review"]), (0, 1, 1, 1));
        assert_eq!(summary.captcha.labels, 7);
    }
}
