//! Research studies: the study file parser, joining and leaving through the message API, and the
//! export's anonymity properties (no URL, no unlisted domain, no item key, no time finer than the study's
//! granularity, participant ids that differ across studies), noise, and the hour/day paths agreeing.

mod common;

use common::event;
use digitus::api::{Core, Request, Sender};
use digitus::model::{CaptchaDetail, Effect, Event, Kind};
use digitus::research::package::{self, Table};
use digitus::research::{self, Study};
use digitus::store::{MemoryStore, Store};
use futures::executor::block_on;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn sample_study() -> String {
    let doc = include_str!("../docs/study-format.md");
    let start = doc.find("```json\n").expect("the doc has a json sample") + 8;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

fn study_with(changes: Value) -> Value {
    let mut study: Value = serde_json::from_str(&sample_study()).unwrap();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            study.as_object_mut().unwrap().remove(k);
        } else {
            study[k] = v.clone();
        }
    }
    study
}

fn page() -> Sender {
    Sender { content_script: false, tab_url: None, incognito: false }
}

fn content_script() -> Sender {
    Sender { content_script: true, tab_url: Some("https://www.youtube.com/watch?v=x".into()), incognito: false }
}

struct World {
    core: Core,
    store: MemoryStore,
}

impl World {
    fn new() -> World {
        let store = MemoryStore::new();
        World { core: block_on(Core::load(&store)).unwrap(), store }
    }

    fn ask(&mut self, message: Value) -> digitus::Result<Value> {
        self.ask_as(&page(), message)
    }

    fn ask_as(&mut self, sender: &Sender, message: Value) -> digitus::Result<Value> {
        let request: Request = serde_json::from_value(message).map_err(digitus::Error::from)?;
        block_on(self.core.handle(&self.store, sender, request))
    }

    /// A history across sites, kinds, hours and an undone like.
    fn fill(&mut self) {
        let t0 = 1_795_996_800_000.0; // 2026-11-30T00:00:00Z; events carry tz +60 (Paris)
        let hour = 3_600_000.0;
        let mut events = vec![
            event("e1", Kind::Like, Effect::Add, "youtube.com", t0 + 9.0 * hour, "item-secret-1"),
            event("e2", Kind::Like, Effect::Add, "youtube.com", t0 + 9.5 * hour, "item-secret-2"),
            event("e3", Kind::Like, Effect::Add, "youtube.com", t0 + 14.0 * hour, "item-secret-3"),
            event("e4", Kind::Rating, Effect::Add, "smallblog-unlisted.example", t0 + 10.0 * hour, "item-secret-4"),
            event("e5", Kind::Like, Effect::Add, "fosstodon.org", t0 + 26.0 * hour, "item-secret-5"),
            event("e6", Kind::Like, Effect::Add, "reddit.com", t0 + 27.0 * hour, "item-secret-6"),
        ];
        // An unlike takes e6 back: it must count nowhere.
        events.push(Event { cancels: Some("e6".into()), ..event("e7", Kind::Like, Effect::Undo, "reddit.com", t0 + 27.2 * hour, "item-secret-6") });
        let mut solve = event("e8", Kind::Captcha, Effect::Add, "shop-unlisted.example", t0 + 11.0 * hour, "captcha-item");
        solve.duration_ms = 41_000;
        solve.captcha = Some(CaptchaDetail {
            provider: "recaptcha".into(),
            rounds: 2,
            labels: BTreeMap::from([("traffic lights".into(), 4), ("bus, \"//x\"".into(), 3)]),
            ..CaptchaDetail::default()
        });
        events.push(solve);
        block_on(self.store.merge_events(&events)).unwrap();
    }
}

fn export_files(world: &mut World) -> BTreeMap<String, String> {
    let answer = world.ask(json!({"type": "research_export"})).unwrap();
    serde_json::from_value(answer["files"].clone()).unwrap()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines().skip(1).map(|l| l.split(',').map(String::from).collect()).collect()
}

#[test]
fn the_documented_sample_parses_and_every_problem_is_named() {
    let study = Study::parse(&sample_study()).unwrap();
    assert_eq!(study.id, "casilli-micro-labour-2027");
    assert_eq!(study.epsilon(), Some(1.0));
    let why = |changes: Value| Study::from_value(&study_with(changes)).unwrap_err().to_string();
    assert!(why(json!({"version": 2})).contains("version 2 is not supported"));
    assert!(why(json!({"format": "digitus-backup"})).contains("format is \"digitus-backup\""));
    assert!(why(json!({"contact": null})).contains("no \"contact\" field"));
    assert!(why(json!({"title": "  "})).contains("title is empty"));
    assert!(why(json!({"url": "https://x"})).contains("unknown field \"url\""));
    assert!(why(json!({"granularity": "minute"})).contains("granularity \"minute\""));
    assert!(why(json!({"noise": {"epsilon": 0}})).contains("noise.epsilon 0 is outside"));
    assert!(why(json!({"noise": {"epsilon": 1, "delta": 0.1}})).contains("noise: unknown field \"delta\""));
    assert!(why(json!({"kinds": ["like", "like"]})).contains("listed twice"));
    assert!(why(json!({"kinds": ["watching"]})).contains("\"watching\" is not one of"));
    assert!(why(json!({"kinds": []})).contains("kinds is empty"));
    assert!(why(json!({"consent": {"en": "yes"}})).contains("consent.no \"fr\" field") || why(json!({"consent": {"en": "yes"}})).contains("fr"));
    assert!(why(json!({"consent": {"en": "a", "fr": "b", "de": "c"}})).contains("unknown language \"de\""));
    assert!(why(json!({"id": "../../etc"})).contains("id must be"));
    assert!(why(json!({"id": 7})).contains("id must be text"));
    assert!(Study::parse("{").unwrap_err().to_string().contains("not JSON"));
    assert!(Study::parse("[]").unwrap_err().to_string().contains("one JSON object"));
    assert_eq!(Study::parse("[]").unwrap_err().code(), "bad_input");
}

#[test]
fn joining_needs_consent_and_content_scripts_are_refused() {
    let mut world = World::new();
    let study = study_with(json!({}));
    let e = world.ask(json!({"type": "join_study", "study": study})).unwrap_err();
    assert!(e.to_string().contains("consent: true"), "{e}");
    for message in [
        json!({"type": "join_study", "study": study, "consent": true}),
        json!({"type": "leave_study"}),
        json!({"type": "research_preview"}),
        json!({"type": "research_export"}),
        json!({"type": "study"}),
        json!({"type": "check_study", "study": study}),
    ] {
        assert_eq!(world.ask_as(&content_script(), message).unwrap_err().code(), "forbidden");
    }
    assert_eq!(world.ask(json!({"type": "study"})).unwrap()["study"], Value::Null);
    assert_eq!(world.ask(json!({"type": "check_study", "study": study})).unwrap()["study"]["id"], "casilli-micro-labour-2027");
    assert!(world.ask(json!({"type": "check_study", "study": "{\"format\": 1}"})).unwrap_err().to_string().contains("format is 1"));
    assert_eq!(world.ask(json!({"type": "study"})).unwrap()["study"], Value::Null, "checking joins nothing");
    assert!(world.ask(json!({"type": "research_preview"})).unwrap_err().to_string().contains("not in a study"));
    // The file as text works as well as the object.
    let joined = world.ask(json!({"type": "join_study", "study": sample_study(), "consent": true})).unwrap();
    let participant = joined["participant"].as_str().unwrap().to_string();
    assert_eq!(participant.len(), 32);
    assert!(participant.bytes().all(|b| b.is_ascii_hexdigit()));
    // Joining the same study again changes nothing; another one asks to leave first.
    assert_eq!(world.ask(json!({"type": "join_study", "study": study, "consent": true})).unwrap()["participant"], participant.as_str());
    let other = study_with(json!({"id": "another-study"}));
    assert!(world.ask(json!({"type": "join_study", "study": other, "consent": true})).unwrap_err().to_string().contains("leave it first"));
}

#[test]
fn the_enrolment_survives_a_worker_restart_and_leaving_forgets_the_participant() {
    let mut world = World::new();
    let first = world.ask(json!({"type": "join_study", "study": study_with(json!({})), "consent": true})).unwrap()["participant"].clone();
    // A service-worker stop: a new Core over the same store.
    world.core = block_on(Core::load(&world.store)).unwrap();
    assert_eq!(world.ask(json!({"type": "study"})).unwrap()["participant"], first);
    assert_eq!(world.ask(json!({"type": "leave_study"})).unwrap()["left"], "casilli-micro-labour-2027");
    assert!(!block_on(world.store.meta(research::META_KEY)).unwrap().unwrap().contains(first.as_str().unwrap()));
    assert!(world.ask(json!({"type": "research_export"})).unwrap_err().to_string().contains("not in a study"));
    let again = world.ask(json!({"type": "join_study", "study": study_with(json!({})), "consent": true})).unwrap()["participant"].clone();
    assert_ne!(first, again, "a new enrolment gets a new participant id");
    world.ask(json!({"type": "delete_everything", "confirm": "delete everything"})).unwrap();
    assert_eq!(world.ask(json!({"type": "study"})).unwrap()["study"], Value::Null, "delete_everything forgets the study");
}

#[test]
fn a_day_export_is_anonymous_by_construction() {
    let mut world = World::new();
    world.fill();
    world.ask(json!({"type": "join_study", "study": study_with(json!({"noise": null})), "consent": true})).unwrap();
    let files = export_files(&mut world);
    assert_eq!(files.keys().collect::<Vec<_>>(), ["captcha_labels.csv", "datapackage.json", "labour.csv", "participant.csv"]);
    let everything = files.values().cloned().collect::<Vec<_>>().join("\n");
    for secret in ["http", "://", "item-secret", "captcha-item", "smallblog", "shop-unlisted", "fosstodon", "test.like@1", "T09", ":00"] {
        assert!(!everything.contains(secret), "the export holds {secret:?}");
    }
    // Event ids ("e1") as whole words: the random hex participant id may hold the letters "e1".
    assert!(!everything.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| word == "e1"), "the export holds an event id");
    let labour = csv_rows(&files["labour.csv"]);
    let participant = &labour[0][1];
    let find = |day: &str, platform: &str, category: &str, kind: &str| {
        labour.iter().find(|r| r[2] == day && r[3] == platform && r[4] == category && r[5] == kind).map(|r| (r[6].clone(), r[7].clone()))
    };
    // Local days in Paris (+60 min): 2026-11-30 09:00Z is the 30th, 2026-12-01 02:00Z is the 1st.
    assert_eq!(find("2026-11-30", "youtube.com", "video", "like"), Some(("3".into(), "8".into())), "{labour:?}");
    assert_eq!(find("2026-11-30", "other", "other", "rating"), Some(("1".into(), "3".into())));
    assert_eq!(find("2026-12-01", "other", "social", "like"), Some(("1".into(), "3".into())), "a listed, unnamed site keeps only its category");
    assert_eq!(find("2026-11-30", "other", "other", "captcha"), Some(("1".into(), "41".into())));
    assert_eq!(find("2026-12-01", "reddit.com", "forum", "like"), None, "an undone like counts nowhere");
    assert!(labour.iter().all(|r| r.len() == 8 && &r[1] == participant && r[0] == "casilli-micro-labour-2027"));
    let labels = csv_rows(&files["captcha_labels.csv"]);
    assert!(labels.contains(&vec!["casilli-micro-labour-2027".into(), participant.clone(), "2026-11-30".into(), "traffic lights".into(), "4".into()]));
    assert!(labels.iter().any(|r| r[3] == "bus x"), "objects keep letters only: {labels:?}");
    let descriptor: Value = serde_json::from_str(&files["datapackage.json"]).unwrap();
    assert_eq!(descriptor["digitus"]["study"], "casilli-micro-labour-2027");
    assert_eq!(descriptor["digitus"]["granularity"], "day");
    assert!(descriptor["digitus"].get("epsilon").is_none());
    assert_eq!(descriptor["resources"].as_array().unwrap().len(), 3);
    // The preview shows exactly the rows the files hold.
    let preview = world.ask(json!({"type": "research_preview"})).unwrap();
    for table in preview["tables"].as_array().unwrap() {
        let rows: Vec<Vec<String>> = serde_json::from_value(table["rows"].clone()).unwrap();
        let fields: Vec<String> = serde_json::from_value(table["fields"].clone()).unwrap();
        let csv = files[table["path"].as_str().unwrap()].clone();
        assert_eq!(csv.lines().next().unwrap(), fields.join(","));
        let from_csv: Vec<Vec<String>> =
            csv.lines().skip(1).map(|l| l.split(',').map(String::from).collect()).collect();
        assert_eq!(rows, from_csv, "table {}", table["name"]);
    }
}

#[test]
fn an_hour_export_sums_to_the_day_export_and_has_no_finer_time() {
    let mut by_granularity = Vec::new();
    for granularity in ["hour", "day"] {
        let mut world = World::new();
        world.fill();
        world.ask(json!({"type": "join_study", "study": study_with(json!({"granularity": granularity, "noise": null})), "consent": true})).unwrap();
        by_granularity.push(export_files(&mut world));
    }
    let hours = csv_rows(&by_granularity[0]["labour.csv"]);
    assert!(by_granularity[0]["labour.csv"].starts_with("study,participant,day,hour,platform,category,kind,count,seconds\n"));
    assert!(hours.iter().all(|r| r[3].parse::<u8>().unwrap() < 24));
    // YouTube likes at 10:00 and 10:30 Paris time share hour 10; the one at 15:00 is apart.
    assert!(hours.iter().any(|r| r[2] == "2026-11-30" && r[3] == "10" && r[4] == "youtube.com" && r[7] == "2"), "{hours:?}");
    assert!(hours.iter().any(|r| r[2] == "2026-11-30" && r[3] == "15" && r[4] == "youtube.com" && r[7] == "1"));
    let mut summed: BTreeMap<(String, String, String, String), i64> = BTreeMap::new();
    for r in &hours {
        *summed.entry((r[2].clone(), r[4].clone(), r[5].clone(), r[6].clone())).or_default() += r[7].parse::<i64>().unwrap();
    }
    let days: BTreeMap<(String, String, String, String), i64> = csv_rows(&by_granularity[1]["labour.csv"])
        .into_iter()
        .map(|r| ((r[2].clone(), r[3].clone(), r[4].clone(), r[5].clone()), r[6].parse().unwrap()))
        .collect();
    assert_eq!(summed, days);
}

#[test]
fn participant_ids_differ_across_studies_and_noise_is_stable_per_participant() {
    let mut ids = Vec::new();
    let mut world = World::new();
    world.fill();
    for id in ["study-one", "study-two"] {
        world.ask(json!({"type": "join_study", "study": study_with(json!({"id": id, "noise": {"epsilon": 0.5}})), "consent": true})).unwrap();
        let first = export_files(&mut world);
        assert_eq!(first, export_files(&mut world), "exporting twice gives the same noisy rows");
        let descriptor: Value = serde_json::from_str(&first["datapackage.json"]).unwrap();
        assert_eq!(descriptor["digitus"]["epsilon"], 0.5);
        ids.push(descriptor["digitus"]["participant"].as_str().unwrap().to_string());
        world.ask(json!({"type": "leave_study"})).unwrap();
    }
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn noise_changes_counts_by_about_one_over_epsilon() {
    // Many participants with one like each: the noisy counts average to the true one.
    let mut total = 0i64;
    let mut changed = 0;
    let n = 300;
    for i in 0..n {
        let store = MemoryStore::new();
        block_on(store.merge_events(&[event("e", Kind::Like, Effect::Add, "youtube.com", 1_795_996_800_000.0, "i")])).unwrap();
        let enrolment = research::Enrolment {
            study: Study::from_value(&study_with(json!({"noise": {"epsilon": 1.0}}))).unwrap(),
            participant: format!("{i:032x}"),
            secret: format!("{:016x}", i * 7919 + 1),
        };
        let rows = block_on(research::rows(&store, &enrolment)).unwrap();
        let count: i64 = rows.tables[0].1[0][6].parse().unwrap();
        total += count;
        changed += usize::from(count != 1);
    }
    let mean = total as f64 / n as f64;
    assert!((mean - 1.0).abs() < 0.25, "mean of noisy counts {mean}");
    assert!(changed > n / 4, "noise of scale 1 changes most counts ({changed} of {n})");
}

#[test]
fn the_descriptor_declares_every_column_the_csv_holds() {
    let study = Study::from_value(&study_with(json!({"granularity": "hour", "kinds": ["like", "captcha"]}))).unwrap();
    let d = package::descriptor(&study, Some("0123456789abcdef0123456789abcdef"));
    for (resource, table) in d["resources"].as_array().unwrap().iter().zip(Table::ALL) {
        let names: Vec<&str> = resource["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(names, table.fields(&study).iter().map(|f| f.name).collect::<Vec<_>>());
        assert_eq!(resource["path"], table.path());
    }
    let labour = &d["resources"][0]["schema"]["fields"];
    let kind = labour.as_array().unwrap().iter().find(|f| f["name"] == "kind").unwrap();
    assert_eq!(kind["constraints"]["enum"], json!(["like", "captcha"]));
    assert!(labour.as_array().unwrap().iter().any(|f| f["name"] == "hour"));
}
