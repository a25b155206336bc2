//! CAPTCHA labour, natively: the per-tab session state machine driven through the message API exactly as
//! the background drives it (JSON requests, the browser's sender), on the in-memory store. Covers
//! checkbox-only solves, static / dynamic / 4×4 rounds, deselection, failed rounds, audio, hCaptcha,
//! Turnstile, Arkose, invisible badges that count nothing, retries, idle sessions, privacy settings,
//! and a session that survives a service-worker restart (a new `Core` on the same store).

use digitus::api::{Core, Request, Sender, SenderFrame};
use digitus::captcha::{self, Rules};
use digitus::store::{MemoryStore, Store};
use digitus::summary::Summary;
use futures::executor::block_on;
use serde_json::{json, Value};

const T0: f64 = 1_795_995_000_000.0;
const SHOP: &str = "https://shop.example.com/checkout.html";
const ANCHOR: &str = "https://www.google.com/recaptcha/api2/anchor?ar=1&k=site-key&size=normal";
const BFRAME: &str = "https://www.google.com/recaptcha/api2/bframe?hl=en&k=site-key";
const HCAPTCHA: &str = "https://newassets.hcaptcha.com/captcha/v1/abc/static/hcaptcha.html";
const TURNSTILE: &str = "https://challenges.cloudflare.com/cdn-cgi/challenge-platform/h/b/turnstile/if/ov2/av0/0/x/light/normal";

struct World {
    core: Core,
    store: MemoryStore,
    n: u32,
}

impl World {
    fn new() -> World {
        let store = MemoryStore::new();
        let core = block_on(Core::load(&store)).unwrap();
        World { core, store, n: 0 }
    }

    /// The service worker was stopped: everything in memory is gone, the store remains.
    fn restart(&mut self) {
        self.core = block_on(Core::load(&self.store)).unwrap();
    }

    fn raw(&mut self, content_script: bool, tab: Option<i64>, frame: &str, page: &str, message: Value) -> Value {
        let sender = Sender { content_script, tab_url: Some(page.into()), incognito: false };
        let frame = SenderFrame { tab_id: tab, url: Some(frame.into()) };
        let request: Request = serde_json::from_value(message).expect("request parses");
        match block_on(self.core.handle_from(&self.store, &sender, &frame, request)) {
            Ok(v) => v,
            Err(e) => json!({ "error": e.to_string() }),
        }
    }

    /// A sighting from `frame` in tab `tab` whose top-level page is `page`, at `time`.
    fn see_in(&mut self, tab: i64, frame: &str, page: &str, time: f64, seen: Value) -> Value {
        self.n += 1;
        let id = format!("s{}", self.n);
        self.see_id(tab, frame, page, &id, time, seen)
    }

    fn see_id(&mut self, tab: i64, frame: &str, page: &str, id: &str, time: f64, seen: Value) -> Value {
        let message = json!({ "type": "captcha", "observation": { "id": id, "time": time, "tz": 60, "seen": seen } });
        self.raw(true, Some(tab), frame, page, message)
    }

    fn see(&mut self, frame: &str, time: f64, seen: Value) -> Value {
        self.see_in(1, frame, SHOP, time, seen)
    }

    fn summary(&self) -> Summary {
        block_on(async { Summary::from_rollups(&self.store.rollups().await.unwrap()) })
    }

    fn events(&self) -> Vec<digitus::model::Event> {
        block_on(self.store.recent_events(100)).unwrap()
    }
}

fn anchor_state(checked: bool) -> Value {
    let class = if checked { "recaptcha-checkbox recaptcha-checkbox-checked" } else { "recaptcha-checkbox" };
    json!({ "what": "state", "checkbox": { "class": class, "aria-checked": checked.to_string() } })
}

fn click(part: &str) -> Value {
    json!({ "what": "click", "part": part })
}

fn tile(on_before: bool, on_after: bool, object: &str) -> Value {
    let c = |on: bool| if on { "rc-imageselect-tile rc-imageselect-tileselected" } else { "rc-imageselect-tile" };
    json!({ "what": "click", "part": "tile", "before": { "class": c(on_before) }, "after": { "class": c(on_after) }, "object": object })
}

fn dynamic_tile(object: &str) -> Value {
    json!({ "what": "click", "part": "tile", "before": { "class": "rc-imageselect-tile" },
            "after": { "class": "rc-imageselect-tile rc-imageselect-dynamic-selected" }, "object": object })
}

fn challenge(object: &str, grid: &str, errors: &[&str]) -> Value {
    json!({ "what": "state", "challenge": true, "object": object, "grid": grid,
            "prompt": format!("Select all images with {object}"), "errors": errors })
}

fn field(name: &str) -> Value {
    json!({ "what": "field", "name": name, "filled": true, "shown": true })
}

fn only_detail(w: &World) -> (digitus::model::Event, digitus::model::CaptchaDetail) {
    let events = w.events();
    assert_eq!(events.len(), 1, "exactly one solve recorded: {events:?}");
    let e = events[0].clone();
    let d = e.captcha.clone().expect("a captcha event carries its detail");
    (e, d)
}

#[test]
fn checkbox_only_solve_counts_one_solve_no_labels_and_the_measured_time() {
    let mut w = World::new();
    // The widget loads: nothing to keep yet.
    assert_eq!(w.see(ANCHOR, T0 - 5_000.0, anchor_state(false))["reason"], "no challenge, no interaction");
    assert_eq!(w.see(ANCHOR, T0, click("checkbox"))["captcha"], "open");
    let solved = w.see(ANCHOR, T0 + 1_850.0, anchor_state(true));
    assert_eq!(solved["captcha"], "solved", "{solved}");
    assert_eq!(solved["outcome"]["outcome"], "recorded");

    let s = w.summary();
    assert_eq!(s.kinds["captcha"], 1);
    assert_eq!(s.captcha.solves, 1);
    assert_eq!(s.captcha.labels, 0);
    assert!((s.captcha.seconds - 1.85).abs() < 1e-9);
    assert!(s.captcha.by_object.is_empty());
    // The host page's site, not google.com.
    assert_eq!(s.sites.keys().collect::<Vec<_>>(), ["example.com"]);

    let (e, d) = only_detail(&w);
    assert_eq!(e.site, "example.com");
    assert_eq!(e.duration_ms, 1_850);
    assert!(e.duration_measured);
    assert_eq!(e.tz, 60);
    assert_eq!(e.rule, format!("captcha.recaptcha@{}", Rules::bundled().version));
    assert_eq!((d.provider.as_str(), d.rounds, d.failed_rounds, d.audio), ("recaptcha", 0, 0, false));

    // The host page's token field filling afterwards is the same solve, not a second one.
    assert_eq!(w.see(SHOP, T0 + 1_900.0, field("g-recaptcha-response"))["captcha"], "ignored");
    assert_eq!(w.summary().captcha.solves, 1);
}

#[test]
fn a_static_3x3_round_counts_selected_tiles_and_deselection_takes_a_label_back() {
    let mut w = World::new();
    w.see(ANCHOR, T0, click("checkbox"));
    w.see(BFRAME, T0 + 900.0, challenge("traffic lights", "rc-imageselect-table-33", &[]));
    for (i, t) in [1_000.0, 1_500.0, 2_000.0, 2_500.0].into_iter().enumerate() {
        let r = w.see(BFRAME, T0 + t, tile(false, true, " Traffic  Lights "));
        assert_eq!(r["labels"], i + 1);
    }
    assert_eq!(w.see(BFRAME, T0 + 3_000.0, tile(true, false, "traffic lights"))["labels"], 3);
    // A click that changed nothing (the page ignored it) is no label.
    assert_eq!(w.see(BFRAME, T0 + 3_200.0, tile(false, false, "traffic lights"))["labels"], 3);
    w.see(BFRAME, T0 + 3_500.0, tile(false, true, "traffic lights"));
    assert_eq!(w.see(BFRAME, T0 + 4_000.0, click("verify"))["rounds"], 1);
    assert_eq!(w.see(ANCHOR, T0 + 4_600.0, anchor_state(true))["captcha"], "solved");

    let (e, d) = only_detail(&w);
    assert_eq!(e.duration_ms, 4_600);
    assert_eq!((d.rounds, d.failed_rounds), (1, 0));
    assert_eq!(d.labels, [("traffic lights".to_string(), 4)].into());
    let s = w.summary();
    assert_eq!((s.captcha.solves, s.captcha.labels), (1, 4));
    assert_eq!(s.captcha.by_object, [("traffic lights".to_string(), 4)].into());
}

#[test]
fn a_failed_round_then_success_counts_both_rounds_and_every_label() {
    let mut w = World::new();
    w.see(ANCHOR, T0, click("checkbox"));
    w.see(BFRAME, T0 + 800.0, challenge("crosswalks", "rc-imageselect-table-33", &[]));
    for k in 0..3 {
        w.see(BFRAME, T0 + 1_000.0 + f64::from(k) * 400.0, tile(false, true, "crosswalks"));
    }
    w.see(BFRAME, T0 + 3_000.0, click("verify"));
    // The verdict: "Please try again." becomes visible with a new grid.
    let r = w.see(BFRAME, T0 + 3_400.0, challenge("bicycles", "rc-imageselect-table-33", &["incorrect"]));
    assert_eq!(r["captcha"], "open");
    // Unrelated re-renders with the message still shown are not new failures.
    w.see(BFRAME, T0 + 3_500.0, challenge("bicycles", "rc-imageselect-table-33", &["incorrect"]));
    w.see(BFRAME, T0 + 4_000.0, tile(false, true, "bicycles"));
    w.see(BFRAME, T0 + 4_100.0, challenge("bicycles", "rc-imageselect-table-33", &[]));
    w.see(BFRAME, T0 + 4_500.0, tile(false, true, "bicycles"));
    w.see(BFRAME, T0 + 5_000.0, click("verify"));
    w.see(ANCHOR, T0 + 5_500.0, anchor_state(true));

    let (_, d) = only_detail(&w);
    assert_eq!((d.rounds, d.failed_rounds), (2, 1));
    assert_eq!(d.labels, [("bicycles".to_string(), 2), ("crosswalks".to_string(), 3)].into());
    assert_eq!(w.summary().captcha.labels, 5);
}

#[test]
fn an_error_without_a_submitted_round_is_not_a_failed_round() {
    let mut w = World::new();
    w.see(ANCHOR, T0, click("checkbox"));
    w.see(BFRAME, T0 + 500.0, challenge("buses", "rc-imageselect-table-33", &["select_more"]));
    w.see(BFRAME, T0 + 900.0, tile(false, true, "buses"));
    w.see(BFRAME, T0 + 1_000.0, click("verify"));
    w.see(ANCHOR, T0 + 1_500.0, anchor_state(true));
    let (_, d) = only_detail(&w);
    assert_eq!((d.rounds, d.failed_rounds), (1, 0));
}

#[test]
fn dynamic_tiles_count_each_reloaded_image_and_4x4_grids_count_squares() {
    let mut w = World::new();
    w.see(ANCHOR, T0, click("checkbox"));
    w.see(BFRAME, T0 + 500.0, challenge("fire hydrants", "rc-imageselect-table-33", &[]));
    // The same tile reloads twice with new images: three labels.
    for k in 0..3 {
        w.see(BFRAME, T0 + 1_000.0 + f64::from(k) * 1_500.0, dynamic_tile("fire hydrants"));
    }
    w.see(BFRAME, T0 + 6_000.0, dynamic_tile("fire hydrants"));
    w.see(BFRAME, T0 + 7_000.0, click("verify"));
    // A second round, 4×4, object named only by the state sighting.
    w.see(BFRAME, T0 + 7_500.0, challenge("motorcycles", "rc-imageselect-table-44", &[]));
    for k in 0..5 {
        let mut t = tile(false, true, "motorcycles");
        t.as_object_mut().unwrap().remove("object");
        w.see(BFRAME, T0 + 8_000.0 + f64::from(k) * 300.0, t);
    }
    w.see(BFRAME, T0 + 10_000.0, click("verify"));
    w.see(ANCHOR, T0 + 10_400.0, anchor_state(true));
    let (e, d) = only_detail(&w);
    assert_eq!(d.rounds, 2);
    assert_eq!(d.labels, [("fire hydrants".to_string(), 4), ("motorcycles".to_string(), 5)].into());
    assert_eq!(e.duration_ms, 10_400);
}

#[test]
fn audio_challenges_are_marked() {
    let mut w = World::new();
    w.see(ANCHOR, T0, click("checkbox"));
    w.see(BFRAME, T0 + 500.0, challenge("stairs", "rc-imageselect-table-33", &[]));
    w.see(BFRAME, T0 + 1_000.0, click("audio_button"));
    w.see(BFRAME, T0 + 1_200.0, json!({ "what": "state", "challenge": true, "audio": true, "errors": [] }));
    w.see(BFRAME, T0 + 9_000.0, click("verify"));
    w.see(ANCHOR, T0 + 9_600.0, anchor_state(true));
    let (_, d) = only_detail(&w);
    assert!(d.audio);
    assert_eq!((d.rounds, d.label_count()), (1, 0));
}

#[test]
fn a_session_survives_a_service_worker_restart() {
    let mut w = World::new();
    w.see(ANCHOR, T0, click("checkbox"));
    w.see(BFRAME, T0 + 700.0, challenge("chimneys", "rc-imageselect-table-33", &[]));
    w.see(BFRAME, T0 + 1_000.0, tile(false, true, "chimneys"));
    w.see(BFRAME, T0 + 1_400.0, tile(false, true, "chimneys"));
    w.restart(); // 30 s idle: the worker is stopped, its globals are gone
    w.see(BFRAME, T0 + 31_000.0, tile(false, true, "chimneys"));
    w.restart();
    w.see(BFRAME, T0 + 31_500.0, click("verify"));
    w.restart();
    assert_eq!(w.see(ANCHOR, T0 + 32_000.0, anchor_state(true))["captcha"], "solved");
    let (e, d) = only_detail(&w);
    assert_eq!(d.labels, [("chimneys".to_string(), 3)].into());
    assert_eq!(d.rounds, 1);
    assert_eq!(e.duration_ms, 32_000);
    // The session is closed: the setting holds no open session any more.
    assert!(block_on(captcha::load_sessions(&w.store)).unwrap().is_empty());
}

#[test]
fn retried_sightings_are_applied_once() {
    let mut w = World::new();
    w.see_id(1, ANCHOR, SHOP, "a", T0, click("checkbox"));
    for _ in 0..3 {
        w.see_id(1, BFRAME, SHOP, "t1", T0 + 1_000.0, tile(false, true, "boats"));
    }
    w.see_id(1, BFRAME, SHOP, "v", T0 + 2_000.0, click("verify"));
    w.see_id(1, BFRAME, SHOP, "v", T0 + 2_000.0, click("verify"));
    w.see_id(1, ANCHOR, SHOP, "ok", T0 + 2_500.0, anchor_state(true));
    let again = w.see_id(1, ANCHOR, SHOP, "ok", T0 + 2_500.0, anchor_state(true));
    assert_eq!(again["captcha"], "ignored");
    let (_, d) = only_detail(&w);
    assert_eq!((d.rounds, d.label_count()), (1, 1));
}

#[test]
fn tabs_and_providers_have_their_own_sessions() {
    let mut w = World::new();
    let other = "https://forum.example.org/register";
    w.see_in(1, ANCHOR, SHOP, T0, click("checkbox"));
    w.see_in(2, ANCHOR, other, T0 + 10.0, click("checkbox"));
    w.see_in(2, BFRAME, other, T0 + 500.0, challenge("bridges", "rc-imageselect-table-33", &[]));
    w.see_in(2, BFRAME, other, T0 + 600.0, tile(false, true, "bridges"));
    // Tab 1 is solved without a challenge; tab 2's labels are not its labels.
    w.see_in(1, ANCHOR, SHOP, T0 + 2_000.0, anchor_state(true));
    let (e, d) = only_detail(&w);
    assert_eq!((e.site.as_str(), d.label_count()), ("example.com", 0));
    w.see_in(2, BFRAME, other, T0 + 3_000.0, click("verify"));
    w.see_in(2, ANCHOR, other, T0 + 3_500.0, anchor_state(true));
    let s = w.summary();
    assert_eq!(s.captcha.solves, 2);
    assert_eq!(s.sites["example.org"]["captcha"], 1);
    assert_eq!(s.captcha.by_object, [("bridges".to_string(), 1)].into());
}

#[test]
fn hcaptcha_reads_the_object_from_the_prompt_and_counts_each_page() {
    let mut w = World::new();
    let checkbox = format!("{HCAPTCHA}#frame=checkbox&id=0x1");
    let challenge_frame = format!("{HCAPTCHA}#frame=challenge&id=0x1");
    w.see(&checkbox, T0, json!({ "what": "state", "checkbox": { "aria-checked": "false" } }));
    w.see(&checkbox, T0 + 100.0, click("checkbox"));
    let prompt = "Please click each image containing a bicycle";
    w.see(&challenge_frame, T0 + 900.0, json!({ "what": "state", "challenge": true, "prompt": prompt, "errors": [] }));
    let pressed = |b: bool, a: bool| {
        json!({ "what": "click", "part": "tile", "prompt": prompt,
                "before": { "class": "task-image", "aria-pressed": b.to_string() },
                "after": { "class": "task-image", "aria-pressed": a.to_string() } })
    };
    for t in [1_000.0, 1_300.0, 1_600.0] {
        w.see(&challenge_frame, T0 + t, pressed(false, true));
    }
    w.see(&challenge_frame, T0 + 1_800.0, pressed(true, false));
    w.see(&challenge_frame, T0 + 2_000.0, click("verify")); // "Next"
    w.see(&challenge_frame, T0 + 2_500.0, pressed(false, true));
    w.see(&challenge_frame, T0 + 3_000.0, click("verify"));
    w.see(&checkbox, T0 + 3_600.0, json!({ "what": "state", "checkbox": { "aria-checked": "true" } }));
    assert_eq!(w.see(SHOP, T0 + 3_700.0, field("h-captcha-response"))["captcha"], "ignored");
    let (e, d) = only_detail(&w);
    assert_eq!(d.provider, "hcaptcha");
    assert_eq!(d.rounds, 2);
    assert_eq!(d.labels, [("bicycle".to_string(), 3)].into());
    assert_eq!((e.site.as_str(), e.duration_ms), ("example.com", 3_500));
}

#[test]
fn turnstile_and_arkose_count_a_click_then_the_host_page_token() {
    let mut w = World::new();
    w.see(TURNSTILE, T0, json!({ "what": "click", "part": "other" }));
    assert_eq!(w.see(SHOP, T0 + 1_200.0, field("cf-turnstile-response"))["captcha"], "solved");
    let arkose = "https://client-api.arkoselabs.com/fc/assets/ec-game-core/game-core/1.0/standard/index.html";
    w.see_in(3, arkose, "https://login.example.net/", T0, json!({ "what": "click", "part": "other" }));
    w.see_in(3, arkose, "https://login.example.net/", T0 + 5_000.0, json!({ "what": "click", "part": "other" }));
    assert_eq!(w.see_in(3, "https://login.example.net/", "https://login.example.net/", T0 + 8_000.0, field("fc-token"))["captcha"], "solved");
    let s = w.summary();
    assert_eq!(s.captcha.solves, 2);
    assert_eq!(s.captcha.labels, 0);
    assert!((s.captcha.seconds - 9.2).abs() < 1e-9);
    let providers: Vec<String> = w.events().iter().map(|e| e.captcha.clone().unwrap().provider).collect();
    assert!(providers.contains(&"turnstile".into()) && providers.contains(&"arkose".into()));
}

#[test]
fn tokens_that_asked_nothing_of_the_user_count_nothing() {
    let mut w = World::new();
    // Invisible reCAPTCHA v3 (a badge): the page gets a token, the user did nothing.
    let badge = "https://www.google.com/recaptcha/api2/anchor?ar=1&k=key&size=invisible";
    w.see(badge, T0, json!({ "what": "state" }));
    w.see(badge, T0 + 10.0, json!({ "what": "click", "part": "other" })); // the badge's privacy link
    assert_eq!(w.see(SHOP, T0 + 2_000.0, field("g-recaptcha-response"))["captcha"], "ignored");
    // Non-interactive Turnstile.
    assert_eq!(w.see(SHOP, T0 + 2_100.0, field("cf-turnstile-response"))["captcha"], "ignored");
    // A checked checkbox with no click seen (already solved when the page loaded).
    assert_eq!(w.see(ANCHOR, T0 + 2_200.0, anchor_state(true))["captcha"], "ignored");
    // An empty field, an unknown field.
    assert_eq!(w.see(SHOP, T0 + 2_300.0, json!({ "what": "field", "name": "g-recaptcha-response", "filled": false }))["captcha"], "ignored");
    assert_eq!(w.see(SHOP, T0 + 2_400.0, field("password"))["captcha"], "ignored");
    assert_eq!(w.summary().captcha.solves, 0);
    assert_eq!(w.summary().events, 0);
    assert!(block_on(captcha::load_sessions(&w.store)).unwrap().is_empty(), "nothing left open");
}

#[test]
fn an_invisible_recaptcha_that_escalates_to_a_challenge_counts_when_the_token_arrives() {
    let mut w = World::new();
    w.see(BFRAME, T0, challenge("palm trees", "rc-imageselect-table-33", &[]));
    w.see(BFRAME, T0 + 2_000.0, tile(false, true, "palm trees"));
    w.see(BFRAME, T0 + 2_500.0, tile(false, true, "palm trees"));
    w.see(BFRAME, T0 + 3_000.0, click("verify"));
    assert_eq!(w.see(SHOP, T0 + 3_500.0, field("g-recaptcha-response"))["captcha"], "solved");
    let (e, d) = only_detail(&w);
    assert_eq!(e.duration_ms, 1_500, "from the first interaction, not from when the challenge appeared");
    assert_eq!((d.rounds, d.label_count()), (1, 2));
}

#[test]
fn an_abandoned_session_expires() {
    let mut w = World::new();
    w.see(ANCHOR, T0, click("checkbox"));
    w.see(BFRAME, T0 + 500.0, tile(false, true, "taxis"));
    let late = T0 + captcha::SESSION_IDLE_MS + 60_000.0;
    assert_eq!(w.see(ANCHOR, late, anchor_state(true))["captcha"], "ignored");
    assert_eq!(w.summary().captcha.solves, 0);
    // Another tab's sighting prunes what was left.
    w.see_in(9, ANCHOR, SHOP, late + 1.0, click("checkbox"));
    let open = block_on(captcha::load_sessions(&w.store)).unwrap();
    assert_eq!(open.keys().collect::<Vec<_>>(), ["9:recaptcha"]);
}

#[test]
fn another_page_in_the_same_tab_starts_afresh() {
    let mut w = World::new();
    // Abandoned half-way on one page…
    w.see_in(1, ANCHOR, "https://shop.example.com/checkout.html?step=1", T0, click("checkbox"));
    w.see_in(1, BFRAME, "https://shop.example.com/checkout.html?step=1", T0 + 500.0, tile(false, true, "buses"));
    // …the next page's CAPTCHA, in the same tab, is its own: its time and labels only.
    let next = "https://shop.example.com/checkout.html?step=2#pay";
    w.see_in(1, ANCHOR, next, T0 + 20_000.0, click("checkbox"));
    w.see_in(1, ANCHOR, next, T0 + 21_000.0, anchor_state(true));
    let (e, d) = only_detail(&w);
    assert_eq!((e.duration_ms, d.label_count()), (1_000, 0));
    // A fragment change is the same page.
    w.see_in(1, ANCHOR, "https://shop.example.com/checkout.html?step=3", T0 + 30_000.0, click("checkbox"));
    w.see_in(1, ANCHOR, "https://shop.example.com/checkout.html?step=3#x", T0 + 31_000.0, anchor_state(true));
    assert_eq!(w.summary().captcha.solves, 2);
}

#[test]
fn privacy_settings_apply_to_captchas() {
    let mut w = World::new();
    let settings = json!({ "type": "set_settings", "settings": { "paused_sites": ["www.example.com"] } });
    assert!(w.raw(false, None, "chrome-extension://x/options.html", "chrome-extension://x/options.html", settings).get("error").is_none());
    assert_eq!(w.see(ANCHOR, T0, click("checkbox"))["reason"], "paused on this site");
    assert_eq!(w.see(ANCHOR, T0 + 1_000.0, anchor_state(true))["reason"], "paused on this site");
    assert_eq!(w.summary().captcha.solves, 0);

    let sender = Sender { content_script: true, tab_url: Some("https://a.example.net/".into()), incognito: true };
    let frame = SenderFrame { tab_id: Some(4), url: Some(ANCHOR.into()) };
    let request: Request = serde_json::from_value(json!({ "type": "captcha", "observation": { "id": "p", "time": T0, "seen": click("checkbox") } })).unwrap();
    let r = block_on(w.core.handle_from(&w.store, &sender, &frame, request)).unwrap();
    assert_eq!(r["reason"], "private window");
}

#[test]
fn refusals() {
    let mut w = World::new();
    let m = |seen: Value| json!({ "type": "captcha", "observation": { "id": "x", "time": T0, "seen": seen } });
    // Extension pages may not report sightings; a sighting without a tab is refused.
    let r = w.raw(false, Some(1), ANCHOR, SHOP, m(click("checkbox")));
    assert!(r["error"].as_str().unwrap().contains("only content scripts"), "{r}");
    let r = w.raw(true, None, ANCHOR, SHOP, m(click("checkbox")));
    assert!(r["error"].as_str().unwrap().contains("tab"), "{r}");
    // Malformed sightings.
    let bad = json!({ "type": "captcha", "observation": { "id": "", "time": T0, "seen": click("checkbox") } });
    assert!(w.raw(true, Some(1), ANCHOR, SHOP, bad).get("error").is_some());
    let bad = json!({ "type": "captcha", "observation": { "id": "y", "time": -1.0, "seen": click("checkbox") } });
    assert!(w.raw(true, Some(1), ANCHOR, SHOP, bad).get("error").is_some());
    let long = "x".repeat(1_000);
    assert!(w.raw(true, Some(1), ANCHOR, SHOP, m(json!({ "what": "click", "part": "tile", "object": long }))).get("error").is_some());
    assert!(serde_json::from_value::<Request>(m(json!({ "what": "click", "part": "teleport" }))).is_err());
    assert!(serde_json::from_value::<Request>(m(json!({ "what": "field", "name": "x", "filled": true, "value": "token" }))).is_err(), "a token is never accepted");
    // Sightings from frames that are not a provider's change nothing.
    let r = w.raw(true, Some(1), "https://evil.example/recaptcha/api2/anchor", SHOP, m(click("checkbox")));
    assert_eq!(r["reason"], "not a CAPTCHA frame or field");
    assert_eq!(w.summary().events, 0);
    assert!(block_on(captcha::load_sessions(&w.store)).unwrap().is_empty());
}

#[test]
fn content_scripts_learn_what_to_watch_from_the_rules() {
    let mut w = World::new();
    let a = w.raw(true, Some(1), ANCHOR, SHOP, json!({ "type": "captcha_watch" }));
    assert_eq!(a["provider"], "recaptcha");
    assert_eq!(a["watch"]["tile"], "td.rc-imageselect-tile");
    assert_eq!(a["watch"]["errors"]["incorrect"], ".rc-imageselect-incorrect-response");
    let t = w.raw(true, Some(1), TURNSTILE, SHOP, json!({ "type": "captcha_watch" }));
    assert_eq!((t["provider"].as_str(), t["any_click"].as_bool()), (Some("turnstile"), Some(true)));
    let h = w.raw(true, Some(1), SHOP, SHOP, json!({ "type": "captcha_watch" }));
    assert!(h["provider"].is_null());
    let fields: Vec<&str> = h["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    for f in ["g-recaptcha-response", "h-captcha-response", "cf-turnstile-response"] {
        assert!(fields.contains(&f), "{f} watched on host pages");
    }
    let r = w.raw(false, None, SHOP, SHOP, json!({ "type": "captcha_watch" }));
    assert!(r.get("error").is_some());
}
