//! Tier 2: the IndexedDB store (rexie) in a real browser, checked against the in-memory reference store.
//! Each test opens a database of its own, so tests never see each other's data.
#![cfg(target_arch = "wasm32")]

use digitus::api::{Core, Request, Sender};
use digitus::model::{Action, Attrs, Element, Observation};
use digitus::store::{MemoryStore, Store};
use digitus::summary::Summary;
use digitus_web::idb::IdbStore;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name(test: &str) -> String {
    format!("digitus-test-{test}-{}", js_sys::Math::random().to_bits())
}

fn like_button(pressed: bool) -> Element {
    let mut attrs = Attrs::default();
    attrs.insert("aria-label".to_string(), "Like".to_string());
    attrs.insert("aria-pressed".to_string(), pressed.to_string());
    Element { tag: "button".into(), attrs, text: Some("Like".into()), nth: 2 }
}

fn click(id: &str, time: f64, before: bool, after: bool, url: &str) -> Observation {
    let body = Element { tag: "body".into(), ..Element::default() };
    Observation {
        id: id.into(),
        action: Action::Click,
        time,
        tz: 60,
        url: url.into(),
        top_url: None,
        path: vec![like_button(before), body.clone()],
        after: Some(vec![like_button(after), body]),
        text: None,
        duration_ms: None,
        has_value: false,
        after_pending: false,
        activation_ms: None,
    }
}

fn content_script(url: &str) -> Sender {
    Sender { content_script: true, tab_url: Some(url.into()), incognito: false }
}

async fn sense<S: Store>(core: &mut Core, store: &S, obs: Observation) -> serde_json::Value {
    let sender = content_script(&obs.url.clone());
    core.handle(store, &sender, Request::Sense { observation: obs }).await.expect("sense")
}

/// The same sequence of actions, replayed on both stores, must leave the same summary and events.
#[wasm_bindgen_test]
async fn indexeddb_store_agrees_with_the_memory_store() {
    let idb = IdbStore::open(&fresh_name("agree")).await.expect("open");
    let mem = MemoryStore::new();
    // One item secret for both, so that their item keys can be compared.
    let mut core_idb = Core::load_with_entropy(&idb, || [5; 32]).await.unwrap();
    let mut core_mem = Core::load_with_entropy(&mem, || [5; 32]).await.unwrap();
    let t0 = 1_795_995_000_000.0;
    let actions = vec![
        click("a", t0, false, true, "https://www.example.org/post/1"),
        click("a", t0, false, true, "https://www.example.org/post/1"), // retry of the same id
        click("b", t0 + 60_000.0, true, false, "https://www.example.org/post/1"), // unlike
        click("c", t0 + 120_000.0, false, true, "https://m.example.org/post/2"),
        click("d", t0 + 86_400_000.0, false, true, "https://news.example.com/item"),
    ];
    for obs in actions {
        let a = sense(&mut core_idb, &idb, obs.clone()).await;
        let b = sense(&mut core_mem, &mem, obs).await;
        assert_eq!(a, b);
    }
    let summary_idb = Summary::from_rollups(&idb.rollups().await.unwrap());
    let summary_mem = Summary::from_rollups(&mem.rollups().await.unwrap());
    assert_eq!(summary_idb, summary_mem);
    assert_eq!(summary_idb.kinds["like"], 2);
    assert_eq!(summary_idb.sites["example.org"]["like"], 1);
    assert_eq!(summary_idb.sites["example.com"]["like"], 1);
    assert_eq!(idb.count_events().await.unwrap(), 4);
    assert_eq!(idb.events_after(None, 100).await.unwrap(), mem.events_after(None, 100).await.unwrap());
    let recent = idb.recent_events(2).await.unwrap();
    assert_eq!(recent.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["d", "c"]);
    idb.close();
}

/// Settings survive closing and reopening the database (a service worker's restart).
#[wasm_bindgen_test]
async fn settings_and_counts_survive_a_reopen() {
    let name = fresh_name("reopen");
    {
        let idb = IdbStore::open(&name).await.unwrap();
        let mut core = Core::load(&idb).await.unwrap();
        let mut settings = core.settings.clone();
        settings.paused_sites.insert("paused.example".into());
        let page = Sender { content_script: false, tab_url: None, incognito: false };
        core.handle(&idb, &page, Request::SetSettings { settings }).await.unwrap();
        sense(&mut core, &idb, click("x", 1_795_995_000_000.0, false, true, "https://www.example.org/")).await;
        idb.close();
    }
    let idb = IdbStore::open(&name).await.unwrap();
    let mut core = Core::load(&idb).await.unwrap();
    assert!(core.settings.paused_sites.contains("paused.example"));
    let paused = sense(&mut core, &idb, click("y", 1_795_995_100_000.0, false, true, "https://paused.example/")).await;
    assert_eq!(paused["outcomes"][0]["reason"], "paused on this site");
    // The stored event id is still known after reopening: a late retry is not counted twice.
    let retry = sense(&mut core, &idb, click("x", 1_795_995_000_000.0, false, true, "https://www.example.org/")).await;
    assert_eq!(retry["outcomes"][0]["outcome"], "already_recorded");
    assert_eq!(Summary::from_rollups(&idb.rollups().await.unwrap()).events, 1);
    idb.close();
}
