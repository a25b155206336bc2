//! Tier 1: the message API and the ledger, natively, on the in-memory store: exactly-once recording,
//! undo, replacement, dedupe, privacy settings and refusal of malformed input.

use digitus::api::{Core, Request, Sender, Settings};
use digitus::model::{Action, Element, Observation, TextStats};
use digitus::store::{MemoryStore, Store};
use digitus::summary::Summary;
use futures::executor::block_on;

mod common;
use common::element;
use serde_json::{json, Value};

const T0: f64 = 1_795_995_000_000.0;

fn el(tag: &str, attrs: &[(&str, &str)], nth: u32) -> Element {
    element(tag, attrs, None, nth)
}

fn chain(control: Element) -> Vec<Element> {
    vec![control, el("div", &[("class", "actions")], 3), el("article", &[], 1), el("body", &[], 1)]
}

fn obs(id: &str, time: f64, path: Vec<Element>, after: Vec<Element>) -> Observation {
    Observation {
        id: id.into(),
        action: Action::Click,
        time,
        tz: 0,
        url: "https://www.example.org/post/7".into(),
        top_url: None,
        path,
        after: Some(after),
        text: None,
        duration_ms: None,
        has_value: false,
        after_pending: false,
        activation_ms: None,
    }
}

fn like(id: &str, time: f64, from: bool, to: bool) -> Observation {
    let b = |p: bool| chain(el("button", &[("aria-label", "Like"), ("aria-pressed", if p { "true" } else { "false" })], 0));
    obs(id, time, b(from), b(to))
}

fn star(id: &str, time: f64, n: u32) -> Observation {
    let label = format!("Rate {n} out of 5");
    let radio = el("span", &[("role", "radio"), ("aria-label", &label), ("aria-checked", "false")], n);
    let after = el("span", &[("role", "radio"), ("aria-label", &label), ("aria-checked", "true")], n);
    let group = |r: Element| vec![r, el("div", &[("role", "radiogroup"), ("aria-label", "Your rating")], 2), el("body", &[], 1)];
    obs(id, time, group(radio), group(after))
}

fn tab(url: &str) -> Sender {
    Sender { content_script: true, tab_url: Some(url.into()), incognito: false }
}

fn page() -> Sender {
    Sender { content_script: false, tab_url: None, incognito: false }
}

struct World {
    core: Core,
    store: MemoryStore,
}

impl World {
    fn new() -> World {
        let store = MemoryStore::new();
        let core = block_on(Core::load(&store)).unwrap();
        World { core, store }
    }

    fn sense_as(&mut self, sender: &Sender, o: Observation) -> Value {
        block_on(self.core.handle(&self.store, sender, Request::Sense { observation: o })).unwrap()
    }

    fn sense(&mut self, o: Observation) -> Value {
        let url = o.url.clone();
        self.sense_as(&tab(&url), o)
    }

    fn summary(&mut self) -> Summary {
        serde_json::from_value(block_on(self.core.handle(&self.store, &page(), Request::Summary)).unwrap()).unwrap()
    }

    fn request(&mut self, message: Value) -> digitus::Result<Value> {
        let request: Request = serde_json::from_value(message).map_err(|e| digitus::Error::BadInput(e.to_string()))?;
        block_on(self.core.handle(&self.store, &page(), request))
    }
}

fn outcome(v: &Value) -> &str {
    v["outcomes"][0]["outcome"].as_str().unwrap()
}

#[test]
fn a_like_then_an_unlike_leaves_nothing_counted_but_both_events_kept() {
    let mut w = World::new();
    assert_eq!(outcome(&w.sense(like("1", T0, false, true))), "recorded");
    assert_eq!(w.summary().kinds["like"], 1);
    let undo = w.sense(like("2", T0 + 5_000.0, true, false));
    assert_eq!(undo["outcomes"][0]["effect"], "undo");
    assert_eq!(undo["outcomes"][0]["cancels"], "1");
    let s = w.summary();
    assert_eq!((s.kinds["like"], s.events), (0, 0));
    assert!(s.sites.is_empty());
    assert_eq!(block_on(w.store.count_events()).unwrap(), 2);
    // Liking again counts again.
    w.sense(like("3", T0 + 10_000.0, false, true));
    assert_eq!(w.summary().kinds["like"], 1);
}

#[test]
fn an_unlike_of_a_like_made_before_install_is_not_recorded() {
    let mut w = World::new();
    assert_eq!(w.sense(like("1", T0, true, false))["outcomes"][0]["reason"], "nothing to undo");
    assert_eq!(block_on(w.store.count_events()).unwrap(), 0);
}

#[test]
fn a_retried_observation_is_recorded_once() {
    let mut w = World::new();
    w.sense(like("same", T0, false, true));
    assert_eq!(outcome(&w.sense(like("same", T0, false, true))), "already_recorded");
    assert_eq!(w.summary().events, 1);
}

#[test]
fn two_reports_of_one_press_count_once() {
    let mut w = World::new();
    w.sense(like("a", T0, false, true));
    let second = w.sense(like("b", T0 + 40.0, false, true));
    assert_eq!(second["outcomes"][0]["reason"], "already counted");
    assert_eq!(w.summary().kinds["like"], 1);
}

#[test]
fn a_changed_rating_replaces_the_first_one() {
    let mut w = World::new();
    w.sense(star("r1", T0, 3));
    let second = w.sense(star("r2", T0 + 8_000.0, 5));
    assert_eq!(second["outcomes"][0]["cancels"], "r1");
    let s = w.summary();
    assert_eq!(s.kinds["rating"], 1);
    let events = block_on(w.store.events_after(None, 10)).unwrap();
    assert_eq!(events.iter().find(|e| e.id == "r2").unwrap().value, Some(5.0));
}

#[test]
fn the_site_is_the_top_page_registrable_domain_given_by_the_browser() {
    let mut w = World::new();
    // The top page's URL comes from the browser, never from the message.
    let mut o = like("1", T0, false, true);
    o.url = "about:blank".into(); // a frame the page made itself belongs to the page
    o.top_url = Some("https://evil.example/".into()); // ignored: overwritten from the sender
    w.sense_as(&tab("https://m.youtube.com/watch?v=1"), o);
    assert_eq!(w.summary().sites.keys().collect::<Vec<_>>(), ["youtube.com"]);
}

#[test]
fn a_frame_of_another_site_is_judged_as_that_site_never_with_the_top_sites_rules() {
    let mut w = World::new();
    // An ad frame on YouTube whose button looks like YouTube's like button: YouTube's rules do not apply
    // to it, and whatever it is counts for the ad's own site, never for youtube.com.
    let mut o = like("ad1", T0, false, true);
    o.url = "https://ads.adnetwork.example/frame.html".into();
    w.sense_as(&tab("https://www.youtube.com/watch?v=1"), o);
    assert!(!w.summary().sites.contains_key("youtube.com"), "{:?}", w.summary().sites);
    // Paused on the top site: nothing from any frame in it.
    let settings = Settings { paused_sites: ["youtube.com".to_string()].into(), ..Settings::default() };
    block_on(w.core.handle(&w.store, &page(), Request::SetSettings { settings })).unwrap();
    let before = w.summary();
    let mut o = like("ad2", T0 + 10_000.0, false, true);
    o.url = "https://ads.adnetwork.example/frame.html".into();
    w.sense_as(&tab("https://www.youtube.com/watch?v=1"), o);
    assert_eq!(w.summary(), before);
}

#[test]
fn paused_sites_and_private_windows_record_nothing_until_allowed() {
    let mut w = World::new();
    let settings = Settings { paused_sites: ["example.org".to_string()].into(), ..Settings::default() };
    w.request(json!({"type": "set_settings", "settings": settings})).unwrap();
    assert_eq!(w.sense(like("1", T0, false, true))["outcomes"][0]["reason"], "paused on this site");

    let private = Sender { content_script: true, tab_url: Some("https://other.example.com/".into()), incognito: true };
    let mut o = like("2", T0, false, true);
    o.url = "https://other.example.com/".into();
    assert_eq!(w.sense_as(&private, o.clone())["outcomes"][0]["reason"], "private window");
    w.request(json!({"type": "set_settings", "settings": {"record_private": true}})).unwrap();
    assert_eq!(outcome(&w.sense_as(&private, o)), "recorded");
    assert_eq!(w.summary().events, 1);
}

#[test]
fn a_submitted_comment_counts_words_and_hashtags_but_keeps_no_text() {
    let mut w = World::new();
    let form = vec![el("form", &[("class", "comment-form")], 0), el("main", &[], 1), el("body", &[], 1)];
    let o = Observation {
        action: Action::Submit,
        text: Some(TextStats { words: 12, chars: 70, hashtags: 2 }),
        duration_ms: Some(41_000),
        after: None,
        activation_ms: Some(0), // the user clicked "Post": the submit follows in the same task
        ..obs("c1", T0, form, vec![])
    };
    let out = w.sense(o);
    assert_eq!(out["outcomes"].as_array().unwrap().len(), 2);
    let s = w.summary();
    assert_eq!((s.kinds["review"], s.kinds["tag"], s.words), (1, 2, 12));
    let events = block_on(w.store.events_after(None, 10)).unwrap();
    let review = events.iter().find(|e| e.kind == digitus::model::Kind::Review).unwrap();
    assert_eq!((review.duration_ms, review.duration_measured, review.chars), (41_000, true, Some(70)));
}

#[test]
fn malformed_requests_are_refused_with_a_reason_and_change_nothing() {
    let mut w = World::new();
    w.sense(like("1", T0, false, true));
    let before = w.summary();
    for (message, expected) in [
        (json!({"type": "nonsense"}), "unknown variant"),
        (json!({"type": "set_settings", "settings": {"local_rules": "{not json"}}), "local rules"),
    ] {
        let err = w.request(message).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
    }
    for (o, expected) in [
        (Observation { path: vec![], ..like("2", T0, false, true) }, "path"),
        (Observation { time: f64::NAN, ..like("3", T0, false, true) }, "time"),
        (Observation { id: String::new(), ..like("4", T0, false, true) }, "id"),
        (Observation { tz: 5000, ..like("5", T0, false, true) }, "tz"),
    ] {
        let err = block_on(w.core.handle(&w.store, &tab(&o.url.clone()), Request::Sense { observation: o })).unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    // Pages may not report actions, and content scripts may not change settings.
    let err = block_on(w.core.handle(&w.store, &page(), Request::Sense { observation: like("6", T0, false, true) })).unwrap_err();
    assert!(err.to_string().contains("only content scripts"));
    let err = block_on(w.core.handle(&w.store, &tab("https://a.com/"), Request::SetSettings { settings: Settings::default() })).unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    assert_eq!(w.summary(), before);
}

#[test]
fn the_summary_lists_every_kind_and_events_page_through() {
    let mut w = World::new();
    for i in 0..5 {
        let mut o = like(&format!("e{i}"), T0 + f64::from(i) * 10_000.0, false, true);
        o.url = format!("https://www.example.org/post/{i}");
        o.path[2].nth = i; // five different posts
        o.after.as_mut().unwrap()[2].nth = i;
        w.sense(o);
    }
    let s = w.summary();
    assert_eq!(s.kinds.len(), 7);
    assert_eq!(s.events, 5);
    let first = w.request(json!({"type": "events", "limit": 3})).unwrap();
    assert_eq!(first["events"].as_array().unwrap().len(), 3);
    let next = first["next"].as_str().unwrap().to_string();
    let second = w.request(json!({"type": "events", "after": next, "limit": 3})).unwrap();
    assert_eq!(second["events"].as_array().unwrap().len(), 2);
    assert!(second["next"].is_null());
    let recent = w.request(json!({"type": "recent", "limit": 2})).unwrap();
    assert_eq!(recent["events"][0]["id"], "e4");
    assert!(recent["events"][0]["rule"].as_str().unwrap().starts_with("generic.like@"));
}

#[test]
fn only_our_own_content_scripts_and_pages_are_heard_and_told_apart() {
    use digitus::api::BrowserSender;
    let ours = |url: &str, in_tab: bool| BrowserSender {
        id: Some("abc".into()),
        own_id: "abc".into(),
        url: Some(url.into()),
        tab_url: in_tab.then(|| url.to_string()),
        in_tab,
        tab_id: in_tab.then_some(7),
        ..BrowserSender::default()
    };
    let (content, frame) = ours("https://www.youtube.com/watch?v=1", true).authenticate().unwrap();
    assert!(content.content_script);
    assert_eq!(frame.tab_id, Some(7));
    let (popup, _) = ours("chrome-extension://abc/popup.html", false).authenticate().unwrap();
    assert!(!popup.content_script);
    // An extension page opened in a tab is still a page, in both browsers.
    for url in ["chrome-extension://abc/options.html", "moz-extension://6b1f/options.html"] {
        assert!(!ours(url, true).authenticate().unwrap().0.content_script);
    }
    for stranger in [
        BrowserSender { id: Some("other".into()), ..ours("https://a.com/", true) },
        BrowserSender { id: None, ..ours("https://a.com/", true) },
        BrowserSender { id: Some(String::new()), own_id: String::new(), ..ours("https://a.com/", true) },
    ] {
        let err = stranger.authenticate().unwrap_err().to_string();
        assert!(err.contains("another extension or a web page"), "{err}");
    }
}

#[test]
fn pages_learn_the_kinds_and_the_delete_phrase_from_the_core() {
    let mut w = World::new();
    let v = w.request(json!({"type": "vocabulary"})).unwrap();
    let kinds: Vec<&str> = v["kinds"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(kinds, digitus::model::Kind::ALL.map(digitus::model::Kind::as_str));
    let phrase = v["delete_confirmation"].as_str().unwrap();
    assert_eq!(w.request(json!({"type": "delete_everything", "confirm": phrase})).unwrap()["deleted"], true);
    assert_eq!(w.request(json!({"type": "delete_everything", "confirm": "yes"})).unwrap_err().code(), "bad_input");
}

#[test]
fn paused_sites_are_kept_as_registrable_domains_whatever_was_typed() {
    let mut w = World::new();
    let typed = ["https://www.YouTube.com/watch?v=1", " news.ycombinator.com ", "alice.github.io", ""];
    let saved = w.request(json!({"type": "set_settings", "settings": {"paused_sites": typed}})).unwrap();
    assert_eq!(saved["paused_sites"], json!(["alice.github.io", "ycombinator.com", "youtube.com"]));
}

#[test]
fn the_summary_ranks_sites_most_first_then_by_name() {
    let mut w = World::new();
    for (i, url) in ["https://b.example.org/1", "https://a.example.net/2", "https://b.example.org/3"].iter().enumerate() {
        let mut o = like(&format!("l{i}"), T0 + i as f64 * 1000.0, false, true);
        o.url = url.to_string();
        o.path[0].nth = i as u32; // three different buttons: three likes
        o.after.as_mut().unwrap()[0].nth = i as u32;
        w.sense(o);
    }
    let s = w.summary();
    let ranked: Vec<(&str, i64)> = s.top_sites.iter().map(|r| (r.name.as_str(), r.count)).collect();
    assert_eq!(ranked, [("example.org", 2), ("example.net", 1)]);
}

#[test]
fn refusals_carry_a_machine_readable_code() {
    let mut w = World::new();
    let set = Request::SetSettings { settings: Settings::default() };
    assert_eq!(block_on(w.core.handle(&w.store, &tab("https://evil.example/"), set)).unwrap_err().code(), "forbidden");
    assert_eq!(w.request(json!({"type": "forget_site", "site": ""})).unwrap_err().code(), "bad_input");
}

// ───────────── two reports per click: provisional acts, settled by the second report or a timeout ─────────────

/// The first report of a click: sent at once, `after` unknown.
fn first(o: &Observation) -> Observation {
    Observation { after: None, after_pending: true, ..o.clone() }
}

fn sense_in_tab(w: &mut World, tab: i64, o: Observation) -> Value {
    let sender = self::tab(&o.url.clone());
    let frame = digitus::api::SenderFrame { tab_id: Some(tab), url: Some(o.url.clone()) };
    block_on(w.core.handle_from(&w.store, &sender, &frame, Request::Sense { observation: o })).unwrap()
}

fn outcomes(v: &Value) -> Vec<&str> {
    v["outcomes"].as_array().unwrap().iter().map(|o| o["outcome"].as_str().unwrap()).collect()
}

#[test]
fn a_click_is_held_at_once_and_counted_once_when_its_second_report_comes() {
    let mut w = World::new();
    let o = like("a1", T0, false, true);
    let held = w.sense(first(&o));
    assert_eq!(outcomes(&held), ["provisional"]);
    assert_eq!(held["outcomes"][0]["kind"], "like");
    assert_eq!(held["settle_at"], T0 + digitus::ledger::SETTLE_AFTER_MS);
    assert_eq!(w.summary().kinds["like"], 0, "not counted while provisional");
    assert_eq!(outcomes(&w.sense(first(&o))), ["provisional"], "a retry of the first report changes nothing");
    assert_eq!(outcomes(&w.sense(o.clone())), ["recorded"]);
    assert_eq!(w.summary().kinds["like"], 1);
    // Retries of either report, after it was settled, add nothing.
    assert_eq!(outcomes(&w.sense(o.clone())), ["already_recorded"]);
    assert_eq!(outcomes(&w.sense(first(&o))), ["already_recorded"]);
    assert_eq!(block_on(w.core.settle_due(&w.store, T0 + 60_000.0)).unwrap(), vec![]);
    assert_eq!(w.summary().kinds["like"], 1);
    assert_eq!(block_on(w.store.count_events()).unwrap(), 1);
}

#[test]
fn a_second_report_showing_no_change_takes_the_provisional_act_back() {
    let mut w = World::new();
    let unchanged = like("n1", T0, false, false); // a like button that did not flip
    assert_eq!(outcomes(&w.sense(first(&unchanged))), ["provisional"], "judged with `after` unknown");
    assert_eq!(outcomes(&w.sense(unchanged.clone())), ["withdrawn"]);
    // Neither a late retry of the first report nor the timeout brings it back.
    assert_eq!(outcomes(&w.sense(first(&unchanged))), ["withdrawn"]);
    assert_eq!(outcomes(&w.sense(unchanged)), ["withdrawn"]);
    block_on(w.core.settle_due(&w.store, T0 + 60_000.0)).unwrap();
    assert_eq!(w.summary().kinds["like"], 0);
    assert_eq!(block_on(w.store.count_events()).unwrap(), 0);
    assert_eq!(block_on(digitus::ledger::provisional(&w.store)).unwrap(), vec![], "tombstone dropped when due");
}

#[test]
fn an_act_whose_second_report_never_comes_is_settled_after_the_timeout_once_even_across_worker_stops() {
    let mut w = World::new();
    let o = like("t1", T0, false, true);
    w.sense(first(&o));
    // The worker stops: a fresh core on the same store still knows the act is due.
    let mut woken = block_on(Core::load(&w.store)).unwrap();
    assert_eq!(woken.next_settle, Some(T0 + digitus::ledger::SETTLE_AFTER_MS));
    assert_eq!(block_on(woken.settle_due(&w.store, T0 + 1_000.0)).unwrap(), vec![], "not due yet");
    let settled = block_on(woken.settle_due(&w.store, T0 + digitus::ledger::SETTLE_AFTER_MS)).unwrap();
    assert!(matches!(&settled[..], [digitus::ledger::Outcome::Recorded { .. }]), "{settled:?}");
    assert_eq!(block_on(woken.settle_due(&w.store, T0 + 99_000.0)).unwrap(), vec![]);
    w.core = woken;
    assert_eq!(w.summary().kinds["like"], 1);
    // The second report arriving late (a page that was frozen) adds nothing.
    assert_eq!(outcomes(&w.sense(o)), ["already_recorded"]);
    assert_eq!(w.summary().kinds["like"], 1);
}

#[test]
fn a_closed_tab_settles_its_own_acts_at_once_and_leaves_other_tabs_waiting() {
    let mut w = World::new();
    let mine = like("c1", T0, false, true);
    let mut other = like("c2", T0, false, true);
    other.url = "https://www.example.org/post/8".into();
    sense_in_tab(&mut w, 7, first(&mine));
    sense_in_tab(&mut w, 8, first(&other));
    let closed = w.request(json!({"type": "tab_closed", "tab": 7})).unwrap();
    assert_eq!(closed["settled"][0]["outcome"], "recorded");
    assert_eq!(closed["settle_at"], T0 + digitus::ledger::SETTLE_AFTER_MS, "tab 8's act still held");
    assert_eq!(w.summary().kinds["like"], 1);
    let later = w.request(json!({"type": "settle", "now": T0 + 20_000.0})).unwrap();
    assert_eq!(later["settled"][0]["outcome"], "recorded");
    assert!(later["settle_at"].is_null());
    assert_eq!(w.summary().kinds["like"], 2);
    // Content scripts may not settle.
    let err = block_on(w.core.handle(&w.store, &tab("https://a.com/"), Request::TabClosed { tab: 8 })).unwrap_err();
    assert_eq!(err.code(), "forbidden");
}

#[test]
fn a_like_then_an_unlike_before_either_settled_count_nothing_in_order() {
    let mut w = World::new();
    let on = like("o1", T0, false, true);
    let off = like("o2", T0 + 400.0, true, false);
    w.sense(first(&on));
    w.sense(first(&off));
    // Neither second report comes (the tab was closed): settled oldest first, the unlike cancels the like.
    block_on(w.core.settle_due(&w.store, T0 + 60_000.0)).unwrap();
    let s = w.summary();
    assert_eq!(s.kinds["like"], 0);
    assert_eq!(block_on(w.store.count_events()).unwrap(), 2);
}

#[test]
fn a_complete_report_with_no_first_is_judged_and_recorded_as_before() {
    let mut w = World::new();
    assert_eq!(outcomes(&w.sense(like("x1", T0, false, true))), ["recorded"]);
    let not_labour = obs("x2", T0, chain(el("button", &[("aria-label", "Share")], 0)), chain(el("button", &[("aria-label", "Share")], 0)));
    assert_eq!(outcomes(&w.sense(first(&not_labour))), ["ignored"], "nothing held for what is not labour");
    assert_eq!(block_on(digitus::ledger::provisional(&w.store)).unwrap(), vec![]);
}

// ───────────── no count without a person ─────────────

fn comment_submit(id: &str, activation_ms: Option<u32>, words: u32, hashtags: u32) -> Observation {
    let form = vec![el("form", &[("class", "comment-form")], 0), el("main", &[], 1), el("body", &[], 1)];
    Observation {
        action: Action::Submit,
        text: Some(TextStats { words, chars: words * 6, hashtags }),
        after: None,
        activation_ms,
        ..obs(id, T0, form, vec![])
    }
}

#[test]
fn a_submit_counts_only_after_a_person_activated_the_form_a_moment_before() {
    let mut w = World::new();
    // requestSubmit() on a timer: trusted submit events, nobody there.
    assert_eq!(w.sense(comment_submit("s1", None, 10, 2))["outcomes"][0]["reason"], "submitted with nobody acting on the form");
    let late = digitus::limits::SUBMIT_ACTIVATION_MS + 1;
    assert_eq!(outcomes(&w.sense(comment_submit("s2", Some(late), 10, 2))), ["ignored"], "a click long before does not carry over");
    assert_eq!(w.summary().events, 0);
    // A click on "Post", then the page's own check and requestSubmit() 300 ms later: counted.
    assert_eq!(outcomes(&w.sense(comment_submit("s3", Some(300), 10, 2))), ["recorded", "recorded"]);
    let s = w.summary();
    assert_eq!((s.kinds["review"], s.kinds["tag"]), (1, 2));
}

#[test]
fn words_and_hashtags_are_capped_per_act() {
    let mut w = World::new();
    w.sense(comment_submit("w1", Some(0), 1_000_000, 5_000));
    let s = w.summary();
    assert_eq!(s.words, u64::from(digitus::limits::MAX_WORDS_PER_ACT) as i64);
    assert_eq!(s.kinds["tag"], i64::from(digitus::limits::MAX_HASHTAGS_PER_ACT));
}

#[test]
fn a_tab_acting_faster_than_a_person_counts_no_more_than_the_rate_limit() {
    let mut w = World::new();
    let mut counted = 0;
    for i in 0..200u32 {
        let mut o = like(&format!("r{i}"), T0 + f64::from(i) * 5.0, false, true); // 200 acts a second
        o.path[2].nth = i; // each on its own post
        o.after.as_mut().unwrap()[2].nth = i;
        let first_answer = sense_in_tab(&mut w, 3, first(&o));
        let second = sense_in_tab(&mut w, 3, o);
        assert_eq!(outcome(&first_answer) == "provisional", outcome(&second) == "recorded", "both reports agree");
        counted += usize::from(outcome(&second) == "recorded");
    }
    assert_eq!(counted, digitus::limits::RATE_SHORT_MAX);
    assert_eq!(w.summary().kinds["like"], digitus::limits::RATE_SHORT_MAX as i64);
    // Another tab is not held back by this one.
    let mut o = like("elsewhere", T0 + 500.0, false, true);
    o.path[2].nth = 999;
    o.after.as_mut().unwrap()[2].nth = 999;
    assert_eq!(outcome(&sense_in_tab(&mut w, 4, o)), "recorded");
}

#[test]
fn forgetting_a_site_or_everything_drops_its_held_acts_too() {
    let mut w = World::new();
    let mut other = like("b1", T0, false, true);
    other.url = "https://news.example.net/p".into();
    w.sense(first(&like("a1", T0, false, true)));
    w.sense(first(&other));
    assert_eq!(block_on(digitus::ledger::provisional(&w.store)).unwrap().len(), 2);
    w.request(json!({"type": "forget_site", "site": "www.example.org"})).unwrap();
    let held: Vec<String> = block_on(digitus::ledger::provisional(&w.store)).unwrap().into_iter().map(|p| p.site).collect();
    assert_eq!(held, ["example.net"], "the forgotten site's act is not recorded later");
    w.request(json!({"type": "delete_everything", "confirm": "delete everything"})).unwrap();
    assert!(block_on(digitus::ledger::provisional(&w.store)).unwrap().is_empty());
    block_on(w.core.settle_due(&w.store, T0 + 60_000.0)).unwrap();
    assert_eq!(block_on(w.store.count_events()).unwrap(), 0, "nothing held comes back after a deletion");
}

/// The recorder reads stored settings without the derive (`Settings::from_stored`): for every record the
/// options page writes now or wrote before (older records lack the valuation fields), and for damaged ones,
/// it must answer as the derive does.
#[test]
fn stored_settings_read_field_by_field_as_the_derive_reads_them() {
    let mut full = Settings::default();
    full.paused_sites = ["example.com".to_string(), "news.ycombinator.com".to_string()].into();
    full.record_private = true;
    full.local_rules = r#"{"format": 1, "sites": ["a.com"], "rules": []}"#.into();
    full.country = Some("DE".into());
    full.currency = Some("USD".into());
    full.wage = digitus::valuation::WageChoice::Own { amount: 14.5, currency: "EUR".into() };
    full.preferred_method = digitus::valuation::Method::Revenue;
    full.labour_share = Some(0.25);
    full.hide_badge = true;
    let mut records = vec![serde_json::to_string(&Settings::default()).unwrap(), serde_json::to_string(&full).unwrap()];
    for wage in [json!({"basis": "minimum"}), json!({"basis": "microwork"}), json!({"basis": "own", "amount": 12, "currency": "GBP"})] {
        records.push(json!({"wage": wage}).to_string());
    }
    records.extend(
        [
            "{}",
            r#"{"paused_sites": ["a.com"], "record_private": false, "local_rules": ""}"#,
            r#"{"paused_sites": [], "hide_badge": true, "later_field": {"x": 1}}"#,
            r#"{"country": null, "currency": null, "labour_share": null, "preferred_method": "market"}"#,
            r#"{"labour_share": 1}"#,
            // Damaged records: both refuse them.
            r#"{"record_private": null}"#,
            r#"{"paused_sites": "a.com"}"#,
            r#"{"paused_sites": [1]}"#,
            r#"{"wage": {"basis": "hourly"}}"#,
            r#"{"wage": {"basis": "own", "amount": 12}}"#,
            r#"{"wage": "minimum"}"#,
            r#"{"preferred_method": "best"}"#,
            r#"{"labour_share": "half"}"#,
            r#"{"country": 33}"#,
            "{",
        ]
        .map(str::to_string),
    );
    for record in &records {
        let derived = serde_json::from_str::<Settings>(record);
        let read = Settings::from_stored(record);
        match (derived, read) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{record}"),
            (Err(_), Err(e)) => assert_eq!(e.code(), "storage", "{record}"),
            (a, b) => panic!("{record}: derive {a:?}, field by field {b:?}"),
        }
    }
    assert_eq!(Settings::from_stored(&records[1]).unwrap(), full);
    // The one difference: the derive also reads a struct from a JSON list by position; no version of
    // Digitus ever stored one, and the field-by-field reader refuses it.
    assert_eq!(Settings::from_stored("[]").unwrap_err().code(), "storage");
}
