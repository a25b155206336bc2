//! CAPTCHA labour: solves, image labels by object, and the time they took.
//!
//! ```text
//!  provider frames (anchor, bframe, hCaptcha, Turnstile, Arkose)      host page (any site)
//!  ┌───────────────────────────────────────────┐                     ┌──────────────────────┐
//!  │ content/captcha.js: asks `captcha_watch`  │                     │ content/captcha-field│
//!  │ for its frame's selectors (data/captcha.  │                     │ .js: a provider frame│
//!  │ json), then describes what it sees:       │                     │ loaded → watches the │
//!  │  click {part, before, after, object}      │                     │ response fields until│
//!  │  state {checkbox, challenge, errors, ...} │                     │ one is filled        │
//!  └──────────────────┬────────────────────────┘                     └──────────┬───────────┘
//!                     │  {type: "captcha", observation: Sighting}  (+ tab id, frame URL,  │
//!                     ▼                                             tab URL from the browser)
//!        Session per (tab, provider), persisted in the settings store after every sighting
//!        idle ──interaction/challenge──▶ open ──tile on/off──▶ labels ±1 ──verify──▶ round+1,
//!        awaiting verdict ──error appears──▶ failed round ──checkbox checked / field filled──▶
//!        solve recorded (ledger::record_captcha), session closed.
//! ```
//!
//! What counts: a solve needs a trusted interaction with the widget (a click on the checkbox, a tile,
//! verify, the audio button; any click in Turnstile and Arkose frames, whose insides are closed). A token
//! that arrives without one (invisible reCAPTCHA v3, non-interactive Turnstile) asked nothing of the user
//! and counts nothing. The duration is from the first interaction to the success sighting, both on the
//! page's clock. The site is the registrable domain of the tab's top-level page as the browser reports
//! it, never a URL the frame sends. Images, tokens and response values never reach the core.
//!
//! The service worker may be stopped between any two sightings: open sessions live in the store (one
//! setting, [`SESSIONS_KEY`]), so nothing is kept in globals.
//!
//! Split by concept: [`provider`] (what the data file says about each provider's frames and fields),
//! [`sighting`] (what the sensors report, checked), [`session`] (the pure state machine, one named step
//! per kind of sighting), and here the persistence of sessions and the recording of solves.

mod provider;
mod session;
mod sighting;

pub use provider::*;
pub use session::*;
pub use sighting::*;

use crate::error::{Error, Result};
use crate::ledger::{self, Outcome};
use crate::model::{Event, Kind};
use crate::store::Store;
use serde::Serialize;
use std::collections::BTreeMap;

/// Setting that holds every open session, keyed `"<tab>:<provider>"`. One key rather than one per tab, so
/// that closed tabs leave nothing behind: stale sessions are pruned whenever it is written.
pub const SESSIONS_KEY: &str = "captcha-sessions";
/// A session with no sighting for this long is abandoned (the user left, the token expired).
pub const SESSION_IDLE_MS: f64 = 10.0 * 60_000.0;

// ───────────────────────────── persistence and recording ─────────────────────────────

/// Who reported a sighting, as the browser says.
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    pub tab: i64,
    /// URL of the sending frame (`sender.url`).
    pub frame_url: Option<&'a str>,
    /// URL of the tab's top-level page (`sender.tab.url`).
    pub tab_url: &'a str,
    /// The page without its fragment, keyed with the install's secret (`keys`): another page in the same
    /// tab is another CAPTCHA, and no address is stored.
    pub page_key: String,
}

/// What a sighting led to (the answer to `{type: "captcha"}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "captcha", rename_all = "snake_case")]
pub enum Reply {
    Open { provider: String, labels: u32, rounds: u32 },
    Solved { provider: String, outcome: Outcome },
    Ignored { reason: &'static str },
}

pub async fn load_sessions<S: Store>(store: &S) -> Result<BTreeMap<String, Session>> {
    match store.setting(SESSIONS_KEY).await? {
        Some(json) => serde_json::from_str(&json).map_err(|e| Error::Storage(format!("{SESSIONS_KEY}: {e}"))),
        None => Ok(BTreeMap::new()),
    }
}

async fn save_sessions<S: Store>(store: &S, sessions: &BTreeMap<String, Session>) -> Result<()> {
    store.put_setting(SESSIONS_KEY, &serde_json::to_string(sessions)?).await
}

/// Applies one sighting: finds the provider (from the frame URL, or from the field's name on a host
/// page), steps the tab's session, persists it, and records a solve.
pub async fn observe<S: Store>(store: &S, rules: &Rules, origin: &Origin<'_>, sighting: &Sighting) -> Result<Reply> {
    sighting.validate()?;
    let provider = match &sighting.seen {
        What::Field { name, .. } => rules.provider_of_field(name),
        _ => origin.frame_url.and_then(|u| rules.provider_of_frame(u)),
    };
    let Some(provider) = provider else {
        return Ok(Reply::Ignored { reason: "not a CAPTCHA frame or field" });
    };
    let key = format!("{}:{}", origin.tab, provider.id);
    let mut sessions = load_sessions(store).await?;
    let before = sessions.clone();
    let current = sessions.remove(&key);
    let frame_site = origin.frame_url.map(crate::site::site_of);
    let seen = Seen { tab_url: origin.tab_url, page_key: &origin.page_key, frame_site: frame_site.as_deref() };
    let step = step(provider, current.clone(), seen, sighting);
    // Abandoned sessions of other tabs go when the setting is rewritten anyway.
    sessions.retain(|_, s| sighting.time - s.last <= SESSION_IDLE_MS);
    let reply = match step {
        Step::Nothing(reason) => {
            // A refused sighting leaves the tab's open session as it was.
            if let Some(open) = current {
                sessions.insert(key, open);
            }
            Reply::Ignored { reason }
        }
        Step::Dropped(reason) => Reply::Ignored { reason },
        Step::Open(session) => {
            let reply = Reply::Open {
                provider: session.provider.clone(),
                labels: session.labels.values().sum(),
                rounds: session.rounds,
            };
            sessions.insert(key, session);
            reply
        }
        Step::Solved(solve) => {
            let provider = solve.detail.provider.clone();
            let outcome = record(store, rules, solve).await?;
            Reply::Solved { provider, outcome }
        }
    };
    // Recorded first, then the session closed: a stop in between only replays an idempotent record.
    if sessions != before {
        save_sessions(store, &sessions).await?;
    }
    Ok(reply)
}

/// Forgets open sessions: every one (`None`, when the user deletes everything) or those of one site.
/// Returns how many were open.
pub async fn forget<S: Store>(store: &S, site: Option<&str>) -> Result<usize> {
    let mut sessions = load_sessions(store).await.unwrap_or_default();
    let before = sessions.len();
    sessions.retain(|_, s| site.is_some_and(|site| s.site != site));
    if sessions.len() != before || store.setting(SESSIONS_KEY).await?.is_some() {
        save_sessions(store, &sessions).await?;
    }
    Ok(before - sessions.len())
}

/// Records a solve as an event of kind `captcha`.
pub async fn record<S: Store>(store: &S, rules: &Rules, solve: Solve) -> Result<Outcome> {
    let rule = format!("captcha.{}@{}", solve.detail.provider, rules.version);
    let event = Event {
        tz: solve.tz,
        duration_ms: solve.duration_ms,
        duration_measured: true,
        ..Event::new(solve.event_id, Kind::Captcha, solve.site, solve.time, rule)
    };
    ledger::record_captcha(store, event, solve.detail).await
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_parse_and_name_the_providers() {
        let r = Rules::parse(RULES_JSON).unwrap();
        let ids: Vec<_> = r.providers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["recaptcha", "hcaptcha", "turnstile", "arkose", "digitus_lab"]);
    }

    #[test]
    fn frames_are_matched_by_host_and_path() {
        let r = Rules::bundled();
        let id = |u: &str| r.provider_of_frame(u).map(|p| p.id.as_str());
        assert_eq!(id("https://www.google.com/recaptcha/api2/anchor?k=x&size=normal"), Some("recaptcha"));
        assert_eq!(id("https://recaptcha.net/recaptcha/enterprise/bframe?k=x"), Some("recaptcha"));
        assert_eq!(id("https://www.google.com/search?q=recaptcha"), None);
        assert_eq!(id("https://www.google.com/maps/embed"), None);
        assert_eq!(id("https://evilgoogle.com/recaptcha/api2/anchor"), None);
        assert_eq!(id("http://www.google.com/recaptcha/api2/anchor"), None);
        assert_eq!(id("https://newassets.hcaptcha.com/captcha/v1/abc/static/hcaptcha.html#frame=checkbox"), Some("hcaptcha"));
        assert_eq!(id("https://challenges.cloudflare.com/cdn-cgi/challenge-platform/x"), Some("turnstile"));
        assert_eq!(id("https://client-api.arkoselabs.com/fc/gc/"), Some("arkose"));
        assert_eq!(id("https://shop.example.com/checkout"), None);
    }

    #[test]
    fn objects_are_read_from_strong_text_or_from_the_sentence() {
        assert_eq!(normalise_object("  Traffic   Lights "), Some("traffic lights".into()));
        assert_eq!(normalise_object("crosswalks."), Some("crosswalks".into()));
        assert_eq!(normalise_object("  "), None);
        let h = Rules::bundled().provider("hcaptcha").unwrap();
        assert_eq!(object_in_prompt(h, "Please click each image containing a bicycle"), Some("bicycle".into()));
        assert_eq!(object_in_prompt(h, "Please click on all images containing an Elephant."), Some("elephant".into()));
        let g = Rules::bundled().provider("recaptcha").unwrap();
        assert_eq!(
            object_in_prompt(g, "Select all squares with motorcycles If there are none, click skip"),
            Some("motorcycles".into())
        );
        assert_eq!(object_in_prompt(g, "Press play and type what you hear"), None);
    }

    #[test]
    fn attribute_tests() {
        let t = AttrTest { class: Some("on".into()), attr: None, value: None };
        let a = |c: &str| BTreeMap::from([("class".to_string(), c.to_string())]);
        assert!(t.holds(&a("tile on")));
        assert!(!t.holds(&a("tile only")));
        let p = AttrTest { class: None, attr: Some("aria-pressed".into()), value: Some("true".into()) };
        assert!(p.holds(&BTreeMap::from([("aria-pressed".into(), "true".into())])));
        assert!(!p.holds(&BTreeMap::from([("aria-pressed".into(), "false".into())])));
        assert!(!AttrTest { class: None, attr: None, value: None }.holds(&a("x")));
    }
}

