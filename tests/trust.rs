//! Trust, natively: each "cannot" of docs/threat-model.md that the pure core enforces, tried as an
//! attacker would through the message API (JSON requests, the browser's sender) on the in-memory store.
//! The browser tier of the same attacks is tests/e2e/adversarial.{chromium,firefox}.test.mjs.

use digitus::api::{content_script_answer, Core, Request, Sender, SenderFrame};
use digitus::backup::{self, Backup, Scope};
use digitus::captcha;
use digitus::fuzz::assert_importable;
use digitus::store::{MemoryStore, Store};
use futures::executor::block_on;
use serde_json::{json, Value};

const T0: f64 = 1_795_995_000_000.0;
const PAGE: &str = "https://shop.example.com/checkout?token=SECRET-QUERY&mail=alice@example.org#FRAGMENT";
const TURNSTILE: &str = "https://challenges.cloudflare.com/cdn-cgi/challenge-platform/turnstile/normal.html";
const ANCHOR: &str = "https://www.google.com/recaptcha/api2/anchor?ar=1&k=site-key&size=normal";

struct World {
    core: Core,
    store: MemoryStore,
    n: u32,
}

fn tab(url: &str) -> Sender {
    Sender { content_script: true, tab_url: Some(url.into()), incognito: false }
}

fn page() -> Sender {
    Sender { content_script: false, tab_url: None, incognito: false }
}

impl World {
    fn new() -> World {
        let store = MemoryStore::new();
        World { core: block_on(Core::load(&store)).unwrap(), store, n: 0 }
    }

    fn send(&mut self, sender: &Sender, frame_url: Option<&str>, message: Value) -> Result<Value, digitus::Error> {
        let request: Request = serde_json::from_value(message).map_err(|e| digitus::Error::BadInput(e.to_string()))?;
        let frame = SenderFrame { tab_id: Some(1), url: frame_url.map(String::from) };
        block_on(self.core.handle_from(&self.store, sender, &frame, request))
    }

    /// `send`, from tab `tab` (the per-tab rate limit counts each tab apart).
    fn send_from_tab(&mut self, sender: &Sender, tab: i64, message: Value) -> Result<Value, digitus::Error> {
        let request: Request = serde_json::from_value(message).map_err(|e| digitus::Error::BadInput(e.to_string()))?;
        let frame = SenderFrame { tab_id: Some(tab), url: None };
        block_on(self.core.handle_from(&self.store, sender, &frame, request))
    }

    fn see(&mut self, frame: &str, time: f64, seen: Value) -> Value {
        self.n += 1;
        let message = json!({ "type": "captcha", "observation": { "id": format!("s{}", self.n), "time": time, "tz": 60, "seen": seen } });
        self.send(&tab(PAGE), Some(frame), message).unwrap()
    }

    fn events(&self) -> usize {
        block_on(self.store.count_events()).unwrap() as usize
    }
}

/// Every request a content script might try, with valid arguments.
fn every_request() -> Vec<Value> {
    vec![
        json!({"type": "summary"}),
        json!({"type": "vocabulary"}),
        json!({"type": "events"}),
        json!({"type": "events", "after": null, "limit": 1000}),
        json!({"type": "recent", "limit": 50}),
        json!({"type": "settings"}),
        json!({"type": "set_settings", "settings": {"paused_sites": []}}),
        json!({"type": "status"}),
        json!({"type": "forget_site", "site": "example.org"}),
        json!({"type": "delete_everything", "confirm": "delete everything"}),
        json!({"type": "apply_retention", "now": T0}),
        json!({"type": "set_retention", "days": 7, "now": T0}),
    ]
}

#[test]
fn a_compromised_content_script_can_read_nothing_and_manage_nothing() {
    let mut w = World::new();
    let like = json!({"type": "sense", "observation": {
        "id": "l1", "action": "click", "time": T0, "url": "https://blog.example.org/p",
        "path": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "false"}}, {"tag": "body"}],
        "after": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "true"}}, {"tag": "body"}]}});
    w.send(&tab("https://blog.example.org/p"), None, like).unwrap();
    let before = w.store.snapshot();
    for message in every_request() {
        let err = w.send(&tab("https://evil.example/"), None, message.clone()).unwrap_err();
        assert_eq!(err.code(), "forbidden", "{message}: {err}");
    }
    assert_eq!(w.store.snapshot(), before, "refused requests change nothing");
    // The same requests from an extension page are answered.
    for message in every_request().into_iter().take(8) {
        w.send(&page(), None, message.clone()).unwrap_or_else(|e| panic!("{message}: {e}"));
    }
}

#[test]
fn a_content_script_hears_back_nothing_about_other_events() {
    let mut w = World::new();
    let press = |id: &str, from: bool| json!({"type": "sense", "observation": {
        "id": id, "action": "click", "time": T0, "url": "https://blog.example.org/p",
        "path": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": from.to_string()}}, {"tag": "body"}],
        "after": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": (!from).to_string()}}, {"tag": "body"}]}});
    w.send(&tab("https://blog.example.org/p"), None, press("l1", false)).unwrap();
    let full = w.send(&tab("https://blog.example.org/p"), None, press("u1", true)).unwrap();
    assert_eq!(full["outcomes"][0]["cancels"], "l1", "the core's own answer says what it cancelled");
    // What the browser glue hands back to the content script: its own id and the outcome, no more.
    let redacted = content_script_answer(full);
    assert_eq!(redacted, json!({"outcomes": [{"outcome": "recorded", "id": "u1"}]}));
    let solved = content_script_answer(json!({"captcha": "solved", "provider": "recaptcha", "outcome": {"outcome": "recorded", "id": "x", "cancels": "y"}}));
    assert_eq!(solved, json!({"captcha": "solved"}));
}

#[test]
fn item_keys_are_keyed_per_install_and_cannot_be_tested_against_guesses() {
    let like = json!({"type": "sense", "observation": {
        "id": "k1", "action": "click", "time": T0, "url": "https://news.ycombinator.com/item?id=41234567",
        "path": [{"tag": "a", "attrs": {"id": "up_41234567", "class": "clicky", "href": "vote?id=41234567&how=up"}, "nth": 0}, {"tag": "body"}]}});
    let key_in = |w: &mut World| {
        w.send(&tab("https://news.ycombinator.com/item?id=41234567"), None, like.clone()).unwrap();
        let (events, _, items) = w.store.snapshot();
        assert_eq!(events.len(), 1, "the upvote was recorded");
        let key = events[0].item.clone().unwrap();
        assert!(items.contains_key(&key));
        key
    };
    let (a, b) = (key_in(&mut World::new()), key_in(&mut World::new()));
    assert_ne!(a, b, "two installs key the same item differently");
    assert_eq!(a.len(), 32, "128 bits of HMAC-SHA-256, as hex");
    assert!(!a.contains("41234567"));
    // The install's secret is in meta, never in a backup (full or not) nor in any answer.
    let mut w = World::new();
    key_in(&mut w);
    let secret: String = serde_json::from_str(&block_on(w.store.meta(digitus::keys::SECRET_KEY)).unwrap().unwrap()).unwrap();
    let full = block_on(backup::export(&w.store, T0, "id", Scope::Full)).unwrap();
    assert!(!full.contains(&secret));
    for message in every_request().into_iter().take(8) {
        let answer = w.send(&page(), None, message).unwrap().to_string();
        assert!(!answer.contains(&secret), "{answer}");
    }
}

#[test]
fn no_address_is_kept_and_every_deletion_clears_captcha_sessions() {
    let mut w = World::new();
    w.see(ANCHOR, T0, json!({"what": "click", "part": "checkbox"}));
    w.see(TURNSTILE, T0, json!({"what": "click", "part": "other"}));
    let sessions = block_on(w.store.setting(captcha::SESSIONS_KEY)).unwrap().unwrap();
    for secret in ["SECRET-QUERY", "alice@", "FRAGMENT", "checkout", "site-key"] {
        assert!(!sessions.contains(secret), "{sessions}");
    }
    assert_eq!(block_on(captcha::load_sessions(&w.store)).unwrap().len(), 2);
    w.send(&page(), None, json!({"type": "forget_site", "site": "other.example"})).unwrap();
    assert_eq!(block_on(captcha::load_sessions(&w.store)).unwrap().len(), 2, "other sites' sessions stay");
    w.send(&page(), None, json!({"type": "forget_site", "site": "shop.example.com"})).unwrap();
    assert!(block_on(captcha::load_sessions(&w.store)).unwrap().is_empty(), "forget_site clears the site's sessions");
    w.see(ANCHOR, T0 + 1.0, json!({"what": "click", "part": "checkbox"}));
    w.send(&page(), None, json!({"type": "delete_everything", "confirm": "delete everything"})).unwrap();
    assert!(block_on(captcha::load_sessions(&w.store)).unwrap().is_empty(), "delete_everything clears every session");
    // …so a session opened before the deletion cannot complete after it.
    assert_eq!(w.see(ANCHOR, T0 + 900.0, json!({"what": "state", "checkbox": {"class": "recaptcha-checkbox-checked", "aria-checked": "true"}}))["captcha"], "ignored");
    assert_eq!(w.events(), 0);
}

#[test]
fn fake_captcha_solves_record_nothing() {
    let field = |shown: bool| json!({"what": "field", "name": "cf-turnstile-response", "filled": true, "shown": shown});
    // A page-written response field alone.
    let mut w = World::new();
    assert_eq!(w.see(PAGE, T0, field(true))["captcha"], "ignored");
    // An overlaid transparent widget: the user's click lands in the real provider frame, the page writes
    // the token; the field watcher sees the widget is not shown.
    w.see(TURNSTILE, T0 + 1_000.0, json!({"what": "click", "part": "other"}));
    assert_eq!(w.see(PAGE, T0 + 1_500.0, field(false))["captcha"], "ignored");
    // A field sighting from an ad frame of another site in the same tab.
    assert_eq!(w.see("https://ads.adnetwork.example/frame.html", T0 + 1_600.0, field(true))["captcha"], "ignored");
    // A sensor that does not say the widget was shown is not believed.
    assert_eq!(w.see(PAGE, T0 + 1_700.0, json!({"what": "field", "name": "cf-turnstile-response", "filled": true}))["captcha"], "ignored");
    // "Any click" counts only inside the provider's own frame: a click reported by the host page's frame
    // is not the widget's.
    let mut fresh = World::new();
    assert_eq!(fresh.see(PAGE, T0, json!({"what": "click", "part": "other"}))["captcha"], "ignored");
    assert_eq!(fresh.see(PAGE, T0 + 500.0, field(true))["captcha"], "ignored");
    assert_eq!(w.events() + fresh.events(), 0);
    // The genuine case still counts: an interaction in the frame, the field beside a shown widget.
    assert_eq!(w.see(PAGE, T0 + 2_000.0, field(true))["captcha"], "solved");
    assert_eq!(w.events(), 1);
}

#[test]
fn backups_drop_paused_sites_and_the_install_id_unless_full() {
    let mut w = World::new();
    w.send(&page(), None, json!({"type": "set_settings", "settings": {"paused_sites": ["secret-clinic.example"], "record_private": true}})).unwrap();
    let shareable = block_on(backup::export(&w.store, T0, "install-123", Scope::Shareable)).unwrap();
    assert!(!shareable.contains("secret-clinic") && !shareable.contains("install-123"), "{shareable}");
    assert!(shareable.contains("record_private"), "other settings stay");
    let parsed = Backup::parse(shareable).unwrap();
    assert_eq!(parsed.header.install_id, "");
    let full = block_on(backup::export(&w.store, T0, "install-123", Scope::Full)).unwrap();
    assert!(full.contains("secret-clinic") && full.contains("install-123"));
}

#[test]
fn imports_refuse_names_that_are_not_sites() {
    let good = backup::write(&[digitus::model::Event::new("e1", digitus::model::Kind::Like, "example.org", T0, "r@1")], T0, "", None).unwrap();
    assert!(Backup::parse(good.clone()).is_ok());
    for bad in ["__proto__", "constructor", "Example.ORG", "a b", "../../x", "", "_"] {
        let text = good.replace("\"site\":\"example.org\"", &format!("\"site\":{}", json!(bad)));
        let err = Backup::parse(text).unwrap_err();
        assert!(err.0.contains("events[0].site"), "{bad}: {err}");
    }
}

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize].clone()
    }
}

/// Every event the recorder can be made to write by a hostile page parses back through the importer:
/// random observations with hostile values (star labels "Rate 2000000", 4-billion-word posts, hashtags
/// past the cap, a composer open for weeks, `tz` at `i32::MIN`, times in the year 300000) and CAPTCHA
/// sessions with more objects than a backup holds, then a backup of the whole store is restored.
#[test]
fn every_event_the_recorder_can_produce_is_importable() {
    let mut rng = Rng(0xBAD_5EED);
    let mut w = World::new();
    let tzs = [0i64, 60, -300, 1080, -1080, 1081, i64::from(i32::MIN), i64::from(i32::MAX)];
    let times = [T0, 1.0, 0.5, 9.5e15, 95_617_584_000_000.0, 1e300, -1.0];
    let counts = [0u64, 1, 5, 100_000, 100_001, 10_000_000, 4_000_000_000];
    let labels = ["Rate 4 out of 5", "Rate 2000000", "Rate -99999999", "Rate 1e39", "Rate NaN", "9".repeat(60).leak()];
    let urls = ["https://www.imdb.com/title/tt1/", "https://mastodon.social/home", "https://blog.example.org/p", "https://www.youtube.com/watch?v=1"];
    for i in 0..600 {
        let url = rng.pick(&urls);
        let observation = match i % 3 {
            0 => json!({"id": format!("r{i}"), "action": "click", "time": rng.pick(&times), "tz": rng.pick(&tzs), "url": url,
                "path": [{"tag": "span", "attrs": {"role": "radio", "aria-label": rng.pick(&labels)}, "nth": 3}, {"tag": "div", "attrs": {"role": "radiogroup"}}, {"tag": "body"}],
                "after": [{"tag": "span", "attrs": {"role": "radio", "aria-label": rng.pick(&labels), "aria-checked": "true"}, "nth": 3}, {"tag": "div", "attrs": {"role": "radiogroup"}}, {"tag": "body"}]}),
            1 => json!({"id": format!("p{i}"), "action": "submit", "time": rng.pick(&times), "tz": rng.pick(&tzs), "url": url,
                "path": [{"tag": "form"}, {"tag": "body"}], "activation_ms": 0,
                "text": {"words": rng.pick(&counts), "chars": rng.pick(&counts), "hashtags": rng.pick(&counts)},
                "duration_ms": rng.pick(&counts)}),
            _ => json!({"id": format!("l{i}"), "action": "click", "time": rng.pick(&times), "tz": rng.pick(&tzs), "url": url, "duration_ms": rng.pick(&counts),
                "path": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "false"}}, {"tag": "body"}],
                "after": [{"tag": "button", "attrs": {"aria-label": "Like", "aria-pressed": "true"}}, {"tag": "body"}]}),
        };
        // Messages that do not even parse (a tz past i32) are refused before the recorder; the rest go on.
        // Each from a tab of its own, so the per-tab rate limit (a guard against machines) lets them through.
        let _ = w.send_from_tab(&tab(url), i64::from(i), json!({"type": "sense", "observation": observation}));
    }
    // A CAPTCHA session labelling more objects than a backup holds (64), each many times.
    w.see(ANCHOR, T0, json!({"what": "click", "part": "checkbox"}));
    for i in 0..80 {
        let object = format!("object {i} {}", "x".repeat(70));
        w.see("https://www.google.com/recaptcha/api2/bframe?k=x", T0 + f64::from(i) * 10.0 + 1.0, json!({"what": "click", "part": "tile", "object": object,
            "before": {"class": "rc-imageselect-tile"}, "after": {"class": "rc-imageselect-tile rc-imageselect-tileselected"}}));
    }
    w.see(ANCHOR, T0 + 5_000.0, json!({"what": "state", "checkbox": {"class": "recaptcha-checkbox-checked", "aria-checked": "true"}}));
    assert!(w.events() > 100, "the hostile values were recorded (clamped), not all refused: {}", w.events());
    assert_importable(&w.store);
    let text = block_on(backup::export(&w.store, T0, "x", Scope::Full)).unwrap();
    let restored = Backup::parse(text).expect("a backup of everything recorded restores");
    assert_eq!(restored.len(), w.events());
}
