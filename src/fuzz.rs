//! Fuzz harnesses for every parser that takes outside input, shared by the cargo-fuzz targets (`fuzz/`,
//! nightly) and the bounded deterministic runs of the native test suite (`tests/fuzz.rs`, stable), so
//! both check the same properties:
//!
//! | harness | input | property |
//! |---|---|---|
//! | [`backup_file`] | a backup file | refused with a named reason, or every event reads back and merges |
//! | [`rule_file`] | a site rule file (local rules) | refused, or its rules judge observations without panicking |
//! | [`observation`] | a `sense` message from a content script | refused, or every recorded event passes the importer |
//! | [`sightings`] | CAPTCHA sightings from any frame | same, and no session keeps an address or a query |
//! | [`study_file`] | a researcher's study file | refused with a named reason, or it parses back the same |
//!
//! Each panics when its property fails, which is what both runners look for.

use crate::api::{Core, Request, Sender, SenderFrame};
use crate::store::{MemoryStore, Store};

/// Runs a future of the in-memory store to completion (it never waits on anything).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// A backup file.
pub fn backup_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    match crate::backup::Backup::parse(text) {
        Ok(backup) => {
            let events = backup.events(0..backup.len()).expect("an accepted file reads back");
            let store = MemoryStore::new();
            let report = block_on(store.merge_events(&events)).expect("accepted events merge");
            assert_eq!(report.added as usize, backup.len(), "ids in an accepted file are unique");
        }
        Err(e) => assert!(!e.0.is_empty(), "errors name the problem"),
    }
}

/// A rule file, as a user pastes local rules: loaded, then asked to judge a few ordinary observations.
pub fn rule_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(rules) = crate::rules::load_file("fuzz", &text, false) else { return };
    let classifier = crate::classify::Classifier::default().with_local_rules(rules);
    for json in SAMPLE_OBSERVATIONS {
        let obs: crate::model::Observation = serde_json::from_str(json).expect("samples parse");
        let _ = classifier.classify(&obs);
    }
}

/// Ordinary observations the rule harness judges (and seeds for the observation harness).
pub const SAMPLE_OBSERVATIONS: [&str; 3] = [
    r#"{"id":"o1","action":"click","time":1795995000000,"tz":60,"url":"https://www.youtube.com/watch?v=1","path":[{"tag":"button","attrs":{"aria-label":"Like","aria-pressed":"false"}},{"tag":"body"}],"after":[{"tag":"button","attrs":{"aria-label":"Like","aria-pressed":"true"}},{"tag":"body"}]}"#,
    r#"{"id":"o2","action":"click","time":1795995000000,"tz":-300,"url":"https://www.imdb.com/title/tt1/","path":[{"tag":"span","attrs":{"role":"radio","aria-label":"Rate 2000000"},"nth":3},{"tag":"div","attrs":{"role":"radiogroup"}},{"tag":"body"}],"after":[{"tag":"span","attrs":{"role":"radio","aria-label":"Rate 2000000","aria-checked":"true"},"nth":3},{"tag":"div","attrs":{"role":"radiogroup"}},{"tag":"body"}]}"#,
    r#"{"id":"o3","action":"submit","time":1795995000000,"url":"https://mastodon.social/home","path":[{"tag":"form"},{"tag":"body"}],"text":{"words":4000000000,"chars":4000000000,"hashtags":4000000000},"duration_ms":4000000000}"#,
];

/// Every event in the store passes the importer's checks (`backup::event_from_value`).
pub fn assert_importable(store: &MemoryStore) {
    let (events, _, _) = store.snapshot();
    for e in events {
        let value = serde_json::to_value(&e).expect("events serialise");
        if let Err(why) = crate::backup::event_from_value("recorded", &value) {
            panic!("the recorder stored what the importer refuses: {why}\n{value}");
        }
    }
}

/// Seeds for [`sightings`]: a Turnstile solve (click in its frame, then the field), a reCAPTCHA round,
/// and a forged field from an ad frame.
pub const SAMPLE_SIGHTINGS: [&str; 3] = [
    r#"[["https://challenges.cloudflare.com/cdn-cgi/challenge-platform/turnstile/normal.html",{"id":"a","time":1795995000000,"tz":60,"seen":{"what":"click","part":"other"}}],["https://shop.example.com/checkout",{"id":"b","time":1795995001000,"tz":60,"seen":{"what":"field","name":"cf-turnstile-response","filled":true,"shown":true}}]]"#,
    r#"[["https://www.google.com/recaptcha/api2/anchor?k=x",{"id":"c","time":1795995000000,"seen":{"what":"click","part":"checkbox","before":{"class":"recaptcha-checkbox"}}}],["https://www.google.com/recaptcha/api2/bframe?k=x",{"id":"d","time":1795995000500,"seen":{"what":"click","part":"tile","object":"traffic lights","before":{"class":"rc-imageselect-tile"},"after":{"class":"rc-imageselect-tile rc-imageselect-tileselected"}}}],["https://www.google.com/recaptcha/api2/bframe?k=x",{"id":"e","time":1795995000900,"seen":{"what":"click","part":"verify"}}],["https://www.google.com/recaptcha/api2/anchor?k=x",{"id":"f","time":1795995001500,"seen":{"what":"state","checkbox":{"class":"recaptcha-checkbox recaptcha-checkbox-checked","aria-checked":"true"}}}]]"#,
    r#"[["https://challenges.cloudflare.com/cdn-cgi/challenge-platform/turnstile/normal.html",{"id":"g","time":1795995000000,"seen":{"what":"click","part":"other"}}],["https://ads.adnetwork.example/frame.html",{"id":"h","time":1795995000100,"seen":{"what":"field","name":"cf-turnstile-response","filled":true,"shown":true}}]]"#,
];

fn tab(url: &str) -> Sender {
    Sender { content_script: true, tab_url: Some(url.into()), incognito: false }
}

/// A `sense` message from a (maybe compromised) content script.
pub fn observation(data: &[u8]) {
    let Ok(request) = serde_json::from_slice::<Request>(data) else { return };
    let store = MemoryStore::new();
    let Ok(mut core) = block_on(Core::load_with_entropy(&store, || [3; 32])) else { return };
    let frame = SenderFrame { tab_id: Some(1), url: None };
    let _ = block_on(core.handle_from(&store, &tab("https://www.youtube.com/watch?v=1"), &frame, request));
    assert_importable(&store);
}

/// CAPTCHA sightings: a JSON array of `[frame_url, observation]` pairs sent in order from one tab whose
/// page address carries a query and a fragment that must never be stored.
pub fn sightings(data: &[u8]) {
    const PAGE: &str = "https://shop.example.com/checkout?token=SECRET-QUERY&mail=alice@example.org#FRAGMENT";
    let Ok(list) = serde_json::from_slice::<Vec<(String, serde_json::Value)>>(data) else { return };
    let store = MemoryStore::new();
    let Ok(mut core) = block_on(Core::load_with_entropy(&store, || [4; 32])) else { return };
    for (frame_url, observation) in list.into_iter().take(64) {
        let Ok(request) = serde_json::from_value::<Request>(serde_json::json!({ "type": "captcha", "observation": observation })) else { continue };
        let frame = SenderFrame { tab_id: Some(7), url: Some(frame_url) };
        let _ = block_on(core.handle_from(&store, &tab(PAGE), &frame, request));
    }
    assert_importable(&store);
    let sessions = block_on(store.setting(crate::captcha::SESSIONS_KEY)).ok().flatten().unwrap_or_default();
    for secret in ["SECRET-QUERY", "alice@", "FRAGMENT", "checkout"] {
        assert!(!sessions.contains(secret), "a CAPTCHA session kept the page's address: {sessions}");
    }
}

/// A study file, as a participant imports it: refused with a named reason, or parsed into a study whose
/// consent texts and identity survive a second parse of the same text.
pub fn study_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match crate::research::study::Study::parse(&text) {
        Ok(study) => {
            let again = crate::research::study::Study::parse(&text).expect("an accepted study parses again");
            assert_eq!(format!("{study:?}"), format!("{again:?}"), "parsing is deterministic");
        }
        Err(e) => assert!(!e.to_string().is_empty(), "errors name the problem"),
    }
}
