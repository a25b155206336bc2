//! The IndexedDB store (rexie) in a real browser, for storage upgrades and bulk work:
//! * a database written with the schema of version 1 (frozen below, as released) is opened by this build
//!   and keeps every record, gains the new indexes over the old records, and drops no store;
//! * merges, forgetting a site and retention give exactly what the in-memory reference store gives.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_storage`
#![cfg(target_arch = "wasm32")]

use digitus::backup::{self, Backup};
use digitus::ledger;
use digitus::model::{Effect, Event, Kind};
use digitus::store::{schema, MemoryStore, Store};
use digitus_web::idb::{IdbStore, DB_VERSION};
use digitus_web::to_js;
use rexie::{Index, ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::event;

wasm_bindgen_test_configure!(run_in_browser);

const T0: f64 = 1_795_995_000_000.0;

fn fresh_name(test: &str) -> String {
    format!("digitus-storage-{test}-{}", js_sys::Math::random().to_bits())
}

/// Version 1 of the schema exactly as released in 0.1.0 (`src/web/idb.rs` at the first commit). Never edit.
fn schema_v1(name: &str) -> rexie::RexieBuilder {
    Rexie::builder(name)
        .version(1)
        .add_object_store(ObjectStore::new("events").key_path("id").add_index(Index::new("time", "time")))
        .add_object_store(ObjectStore::new("rollups").key_path("key"))
        .add_object_store(ObjectStore::new("items"))
        .add_object_store(ObjectStore::new("settings"))
}

/// A deterministic history (likes, unlikes, ratings that replace each other, reports) on a reference store.
async fn history(store: &impl Store, prefix: &str, n: u64, seed: u64) {
    let mut x = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let sites = ["example.org", "youtube.com", "github.com"];
    let mut time = T0;
    for i in 0..n {
        time += [500.0, 3_000.0, 3_600_000.0, 40_000_000.0][(next() % 4) as usize];
        let site = sites[(next() % 3) as usize];
        let item = format!("{site}/item{}", next() % 10);
        let id = format!("{prefix}-{i}");
        match next() % 5 {
            0 | 1 => ledger::record_event(store, event(&id, Kind::Like, Effect::Add, site, time, &item), false).await,
            2 => ledger::record_event(store, event(&id, Kind::Like, Effect::Undo, site, time, &item), false).await,
            3 => {
                let mut e = event(&id, Kind::Rating, Effect::Add, site, time, &format!("{item}/stars"));
                e.value = Some((1 + next() % 5) as f32);
                ledger::record_event(store, e, true).await
            }
            _ => ledger::record_event(store, event(&id, Kind::Report, Effect::Add, site, time, &item), false).await,
        }
        .unwrap();
    }
}

async fn all_events(store: &impl Store) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    loop {
        let after = out.last().map(|e| e.id.clone());
        let page = store.events_after(after.as_deref(), 500).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

async fn assert_same(idb: &IdbStore, reference: &MemoryStore, what: &str) {
    let (events, rollups, items) = reference.snapshot();
    assert_eq!(all_events(idb).await, events, "{what}: events");
    let stored: std::collections::BTreeMap<_, _> =
        idb.rollups().await.unwrap().into_iter().map(|r| (r.bucket, r.totals)).collect();
    assert_eq!(stored, rollups, "{what}: rollups");
    assert_eq!(idb.all_items().await.unwrap(), items, "{what}: items");
    let totals: std::collections::BTreeMap<_, _> =
        idb.site_totals().await.unwrap().into_iter().map(|r| (r.site_kind, r.totals)).collect();
    assert_eq!(totals, reference.site_totals_snapshot(), "{what}: totals");
    assert_eq!(totals, digitus::store::site_totals_of(&rollups), "{what}: totals = rollups summed");
}

/// Schema `version` of `store::schema::HISTORY`, as that release created it.
fn schema_at(name: &str, version: u32) -> rexie::RexieBuilder {
    let (_, stores) = schema::HISTORY.iter().find(|(v, _)| *v == version).expect("a released version");
    let mut builder = Rexie::builder(name).version(version);
    for def in stores.iter() {
        let mut store = ObjectStore::new(def.name);
        if let Some(path) = def.key_path {
            store = store.key_path(path);
        }
        for (index, path) in def.indexes {
            store = store.add_index(Index::new(index, path).unique(false).multi_entry(false));
        }
        builder = builder.add_object_store(store);
    }
    builder
}

#[wasm_bindgen_test]
async fn a_version_1_database_opens_with_every_record_kept() {
    upgrade_keeps_every_record(schema_v1, "upgrade-v1").await;
}

/// Version 2 (no totals): this build sums its rollups into totals on the first open.
#[wasm_bindgen_test]
async fn a_version_2_database_opens_with_every_record_kept_and_totals_built() {
    upgrade_keeps_every_record(|name| schema_at(name, 2), "upgrade-v2").await;
}

async fn upgrade_keeps_every_record(old_schema: impl Fn(&str) -> rexie::RexieBuilder, test: &str) {
    let name = fresh_name(test);
    let reference = MemoryStore::new();
    history(&reference, "old", 400, 0x1234_5678).await;
    reference.put_setting("settings", r#"{"paused_sites":["bank.example"],"record_private":false,"local_rules":""}"#).await.unwrap();
    let (events, rollups, items) = reference.snapshot();

    // Write every record as release 1 stored it: events by id, rollups with their flat key, items under
    // their key, settings as JSON strings.
    let v1 = old_schema(&name).build().await.unwrap();
    let tx = v1.transaction(&["events", "rollups", "items", "settings"], TransactionMode::ReadWrite).unwrap();
    let (ev, ro, it, se) =
        (tx.store("events").unwrap(), tx.store("rollups").unwrap(), tx.store("items").unwrap(), tx.store("settings").unwrap());
    for e in &events {
        ev.add(&to_js(e).unwrap(), None).await.unwrap();
    }
    for (bucket, totals) in &rollups {
        let mut row = serde_json::to_value(digitus::store::Rollup { bucket: bucket.clone(), totals: totals.clone() }).unwrap();
        row["key"] = bucket.key().into();
        ro.put(&to_js(&row).unwrap(), None).await.unwrap();
    }
    for (key, state) in &items {
        it.put(&to_js(state).unwrap(), Some(&JsValue::from_str(key))).await.unwrap();
    }
    let settings = reference.setting("settings").await.unwrap().unwrap();
    se.put(&JsValue::from_str(&settings), Some(&JsValue::from_str("settings"))).await.unwrap();
    tx.done().await.unwrap();
    v1.close();

    // This build opens it: upgrade to the current version.
    let idb = IdbStore::open(&name).await.unwrap();
    assert_eq!(idb.version().unwrap(), DB_VERSION);
    let names = idb.store_names();
    for (version, stores) in schema::HISTORY {
        for def in stores.iter() {
            assert!(names.iter().any(|n| n == def.name), "store {} of version {version} kept: {names:?}", def.name);
        }
    }
    assert_eq!(idb.count_events().await.unwrap(), events.len() as u64);
    assert_same(&idb, &reference, "after the upgrade").await;
    assert_eq!(idb.setting("settings").await.unwrap().as_deref(), Some(settings.as_str()), "settings kept");

    // The new indexes cover the old records: forgetting a site (site index) and merging (cancels and item
    // indexes) give what the reference store gives.
    let n = idb.forget_site("youtube.com").await.unwrap();
    assert_eq!(n, reference.forget_site("youtube.com").await.unwrap());
    assert!(n > 0);
    assert_same(&idb, &reference, "after forgetting a site").await;
    let other = MemoryStore::new();
    history(&other, "new", 200, 0x9abc_def1).await;
    let text = backup::export(&other, T0, "other", backup::Scope::Full).await.unwrap();
    let parsed = Backup::parse(text).unwrap();
    backup::import(&idb, &parsed, 64, |_, _| {}).await.unwrap();
    backup::import(&reference, &parsed, 64, |_, _| {}).await.unwrap();
    assert_same(&idb, &reference, "after a merge into the upgraded database").await;
    idb.close();
    // And a second open (no version change) changes nothing.
    let again = IdbStore::open(&name).await.unwrap();
    assert_same(&again, &reference, "reopened").await;
    again.close();
    let _ = Rexie::delete(&name).await;
}

#[wasm_bindgen_test]
async fn merges_retention_and_delete_match_the_reference_store() {
    let name = fresh_name("merge");
    let idb = IdbStore::open(&name).await.unwrap();
    let reference = MemoryStore::new();
    // Both record the same history through the ledger, then merge a second browser's backup twice.
    history(&idb, "a", 300, 42).await;
    history(&reference, "a", 300, 42).await;
    assert_same(&idb, &reference, "recorded").await;
    let b = MemoryStore::new();
    let shared = backup::export(&reference, T0, "a", backup::Scope::Full).await.unwrap();
    backup::import(&b, &Backup::parse(shared).unwrap(), 1_000, |_, _| {}).await.unwrap();
    history(&b, "b", 300, 7).await;
    let parsed = Backup::parse(backup::export(&b, T0, "b", backup::Scope::Full).await.unwrap()).unwrap();
    for round in 0..2 {
        let mut last = (0, 0);
        let r1 = backup::import(&idb, &parsed, 100, |d, t| last = (d, t)).await.unwrap();
        let r2 = backup::import(&reference, &parsed, 100, |_, _| {}).await.unwrap();
        assert_eq!(r1, r2);
        assert_eq!(last, (parsed.len(), parsed.len()));
        if round == 1 {
            assert_eq!(r1.added, 0, "the second import adds nothing");
        }
        assert_same(&idb, &reference, &format!("merge round {round}")).await;
    }
    let (events, _, _) = reference.snapshot();
    let mut days: Vec<String> = events.iter().map(Event::day).collect();
    days.sort();
    let cut = days[days.len() / 2].clone();
    assert_eq!(idb.prune_before_day(&cut).await.unwrap(), reference.prune_before_day(&cut).await.unwrap());
    assert_same(&idb, &reference, "after retention").await;
    idb.put_meta("install_id", "\"x\"").await.unwrap();
    idb.delete_everything().await.unwrap();
    assert_eq!(idb.count_events().await.unwrap(), 0);
    assert!(idb.rollups().await.unwrap().is_empty());
    assert!(idb.site_totals().await.unwrap().is_empty());
    assert!(idb.all_items().await.unwrap().is_empty());
    assert_eq!(idb.meta("install_id").await.unwrap().as_deref(), Some("\"x\""));
    idb.close();
    let _ = Rexie::delete(&name).await;
}

#[wasm_bindgen_test]
async fn merges_see_stored_cancellations_however_many_the_cancels_index_holds() {
    // A merge asks the `cancels` index about the batch's ids once over their range, and reads it three
    // ways: nothing in range, a few rows read at once, or so many that it counts per id. Each way must
    // find the stored undos that cancel the batch's likes, as the reference store does.
    let name = fresh_name("cancels");
    let idb = IdbStore::open(&name).await.unwrap();
    let reference = MemoryStore::new();
    let like = |id: String, i: u64| event(&id, Kind::Like, Effect::Add, "example.org", T0 + i as f64 * 1_000.0, &format!("item-{id}"));
    let merge = |batch: Vec<Event>| {
        let (idb, reference) = (&idb, &reference);
        async move {
            assert_eq!(idb.merge_events(&batch).await.unwrap(), reference.merge_events(&batch).await.unwrap());
        }
    };
    // Nothing cancels yet: the index is empty over any range.
    merge((0..5).map(|i| like(format!("early-{i}"), i)).collect()).await;
    // 250 undos of likes not stored yet (another browser's unlikes arrived first).
    let undos: Vec<Event> = (0..250u64)
        .map(|i| {
            let mut e = event(&format!("undo-{i:03}"), Kind::Like, Effect::Undo, "example.org", T0 + 500_000.0 + i as f64, &format!("item-t-{i:03}"));
            e.cancels = Some(format!("t-{i:03}"));
            e
        })
        .collect();
    merge(undos).await;
    // Two ids spanning all 250 undos: more than the few read at once, so one count per id.
    merge(vec![like("t-000".into(), 1), like("t-249".into(), 2)]).await;
    // Thirty ids with thirty undos in their range: read in one request.
    merge((100..130u64).map(|i| like(format!("t-{i:03}"), i)).collect()).await;
    // Ids past every undo, and a like with nothing against it.
    merge(vec![like("u-1".into(), 3), like("t-500".into(), 4)]).await;
    assert_same(&idb, &reference, "after merges against stored undos").await;
    let counted: i64 = idb.site_totals().await.unwrap().iter().map(|t| t.totals.count).sum();
    assert_eq!(counted, 5 + 2, "the 32 likes stored undos cancel count nothing (undos count nothing themselves)");
    idb.close();
    let _ = Rexie::delete(&name).await;
}

#[wasm_bindgen_test]
async fn an_import_never_overwrites_a_stored_event() {
    // An imported event whose id is already stored (here with a forged site) is skipped, never written
    // over; the rest of its batch lands in the same transaction.
    let name = fresh_name("atomic");
    let idb = IdbStore::open(&name).await.unwrap();
    let first = event("same-id", Kind::Like, Effect::Add, "example.org", T0, "i1");
    idb.merge_events(std::slice::from_ref(&first)).await.unwrap();
    let mut changed = first.clone();
    changed.site = "evil.example".into();
    let other = event("other", Kind::Report, Effect::Add, "example.org", T0 + 5_000.0, "i2");
    let report = idb.merge_events(&[changed, other.clone()]).await.unwrap();
    assert_eq!((report.added, report.already), (1, 1));
    assert_eq!(all_events(&idb).await, vec![other, first], "stored events are never overwritten by an import");
    idb.close();
    let _ = Rexie::delete(&name).await;
}

#[wasm_bindgen_test]
async fn rollups_between_days_read_the_same_rows_as_the_reference_store() {
    let name = fresh_name("rollups-between");
    let idb = IdbStore::open(&name).await.unwrap();
    let reference = MemoryStore::default();
    history(&idb, "h", 120, 7).await;
    history(&reference, "h", 120, 7).await;
    let days: Vec<String> = reference.rollups().await.unwrap().into_iter().map(|r| r.bucket.day).collect();
    let (first, last) = (days.iter().min().unwrap().clone(), days.iter().max().unwrap().clone());
    let middle = days[days.len() / 2].clone();
    for (from, to) in [(None, None), (Some(first.as_str()), None), (None, Some(middle.as_str())), (Some(middle.as_str()), Some(middle.as_str())), (Some(middle.as_str()), Some(last.as_str()))] {
        let key = |rows: Vec<digitus::store::Rollup>| rows.into_iter().map(|r| (r.bucket, r.totals)).collect::<std::collections::BTreeMap<_, _>>();
        let read = key(idb.rollups_between(from, to).await.unwrap());
        assert_eq!(read, key(reference.rollups_between(from, to).await.unwrap()), "{from:?}..={to:?}");
        assert!(!read.is_empty(), "{from:?}..={to:?} holds rows");
    }
    idb.close();
}

/// The options page's streamed export (`BackupExport`: each page asked for while the one before is written)
/// gives the reference store's backup, event for event, however the pages fall: pages of 1, of 37 (the
/// last one short) and larger than the store; and events added between two steps, after the page being
/// read ahead, are in the file too.
#[wasm_bindgen_test]
async fn the_streamed_export_reads_ahead_and_loses_no_event() {
    use digitus_web::transfer::BackupExport;
    use wasm_bindgen_futures::JsFuture;
    let name = fresh_name("export");
    let idb = IdbStore::open(&name).await.unwrap();
    let reference = MemoryStore::new();
    history(&idb, "e", 150, 11).await;
    history(&reference, "e", 150, 11).await;
    let expected = Backup::parse(backup::export(&reference, T0, "", backup::Scope::Shareable).await.unwrap()).unwrap();
    let ids = |b: &Backup| b.events(0..b.len()).unwrap();
    // A step answers the page's UTF-8 bytes (parts of the file's Blob), then `undefined`.
    async fn next_part(exporter: &BackupExport, page: usize) -> Option<String> {
        let part = JsFuture::from(exporter.step(page)).await.unwrap();
        (!part.is_undefined()).then(|| String::from_utf8(js_sys::Uint8Array::new(&part).to_vec()).unwrap())
    }
    // The whole file (head, the parts, tail), parsed as an import would; the export is closed.
    async fn file_of(exporter: BackupExport, parts: Vec<String>) -> Backup {
        let head = JsFuture::from(exporter.head()).await.unwrap().as_string().unwrap();
        let text = format!("{head}{}{}", parts.concat(), exporter.tail());
        exporter.close();
        Backup::parse(text).unwrap()
    }
    for page in [1, 37, 10_000] {
        let exporter = BackupExport::open(Some(name.clone()), None).await.unwrap();
        assert_eq!(exporter.total() as usize, expected.len());
        let mut parts = Vec::new();
        while let Some(text) = next_part(&exporter, page).await {
            parts.push(text);
            assert_eq!(exporter.done() as usize, (parts.len() * page).min(expected.len()), "pages of {page}");
        }
        assert!(JsFuture::from(exporter.step(page)).await.unwrap().is_undefined(), "a finished export stays finished");
        assert_eq!(ids(&file_of(exporter, parts).await), ids(&expected), "pages of {page}");
    }
    // A step reads the next page ahead; events stored past it before the next step are still exported.
    let exporter = BackupExport::open(Some(name.clone()), None).await.unwrap();
    let mut parts = vec![next_part(&exporter, 40).await.unwrap()];
    let late = event("zzzz-added-mid-export", Kind::Like, Effect::Add, "late.example", T0, "late-item");
    idb.merge_events(&[late]).await.unwrap();
    while let Some(text) = next_part(&exporter, 40).await {
        parts.push(text);
    }
    let exported = ids(&file_of(exporter, parts).await);
    assert_eq!(exported.len(), expected.len() + 1);
    assert_eq!(exported.last().map(|e| e.id.as_str()), Some("zzzz-added-mid-export"));
    idb.close();
    let _ = Rexie::delete(&name).await;
}

/// A page that cannot be read (here a stored row that is not an event) fails its step, and so does every
/// step after it: the page read ahead is not written in its place, so no file is ever missing that page.
#[wasm_bindgen_test]
async fn a_failed_export_step_is_not_skipped_by_the_next() {
    use digitus_web::transfer::BackupExport;
    use wasm_bindgen_futures::JsFuture;
    let name = fresh_name("export-bad-row");
    let idb = IdbStore::open(&name).await.unwrap();
    history(&idb, "b", 40, 5).await;
    idb.close();
    let db = digitus_web::idb::schema(&name).build().await.unwrap();
    let tx = db.transaction(&["events"], TransactionMode::ReadWrite).unwrap();
    let bad = js_sys::JSON::parse(r#"{"id": "b-zz-unreadable", "kind": "no such kind"}"#).unwrap();
    tx.store("events").unwrap().put(&bad, None).await.unwrap();
    tx.done().await.unwrap();
    db.close();
    let exporter = BackupExport::open(Some(name.clone()), None).await.unwrap();
    let mut failures = 0;
    for _ in 0..(exporter.total() as usize + 5) {
        match JsFuture::from(exporter.step(1)).await {
            Ok(part) => assert!(!part.is_undefined(), "the export ended past a page it could not read"),
            Err(_) => failures += 1,
        }
    }
    assert_eq!(failures, 5 + exporter.total() as usize - exporter.done() as usize, "every step from the bad page on fails");
    assert!(exporter.done() < exporter.total(), "the unreadable row is not written");
    exporter.close();
    let _ = Rexie::delete(&name).await;
}
