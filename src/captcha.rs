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

use crate::error::{Error, Result};
use crate::ledger::{self, Outcome};
use crate::model::{CaptchaDetail, Event, Kind};
use crate::site::{host_of, site_of};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The provider rule file, compiled in.
pub const RULES_JSON: &str = include_str!("../data/captcha.json");
/// Current version of the provider rule file format.
pub const RULES_FORMAT: u32 = 1;
/// Setting that holds every open session, keyed `"<tab>:<provider>"`. One key rather than one per tab, so
/// that closed tabs leave nothing behind: stale sessions are pruned whenever it is written.
pub const SESSIONS_KEY: &str = "captcha-sessions";
/// A session with no sighting for this long is abandoned (the user left, the token expired).
pub const SESSION_IDLE_MS: f64 = 10.0 * 60_000.0;
/// Sighting ids remembered per session, so that a sensor's retry is applied once.
const APPLIED_MEMORY: usize = 64;
const OBJECT_MAX: usize = 60;
const UNNAMED: &str = "unnamed";

// ───────────────────────────── provider rules (data) ─────────────────────────────

/// A test on an element's reported attributes: a class token present, or an attribute with a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttrTest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl AttrTest {
    pub fn holds(&self, attrs: &BTreeMap<String, String>) -> bool {
        if let Some(class) = &self.class {
            if !attrs.get("class").is_some_and(|c| c.split_ascii_whitespace().any(|t| t == class)) {
                return false;
            }
        }
        if let Some(attr) = &self.attr {
            let got = attrs.get(attr);
            match &self.value {
                Some(v) if got != Some(v) => return false,
                None if got.is_none() => return false,
                _ => {}
            }
        }
        self.class.is_some() || self.attr.is_some()
    }
}

/// Frames of a provider: a host (or any subdomain of it) and a path prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameSpec {
    pub hosts: Vec<String>,
    pub paths: Vec<String>,
}

/// CSS selectors `captcha.js` uses in a provider frame. Sent to the content script as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    pub checkbox: Option<String>,
    pub challenge: Option<String>,
    pub instructions: Option<String>,
    /// The element naming the object inside the instructions (reCAPTCHA's `strong`).
    pub object: Option<String>,
    pub grid: Option<String>,
    pub tile: Option<String>,
    pub verify: Option<String>,
    pub audio_button: Option<String>,
    pub audio_challenge: Option<String>,
    /// Error messages by the name the core knows them by; their becoming visible is reported.
    #[serde(default)]
    pub errors: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub frames: Vec<FrameSpec>,
    /// Names of the host page's response fields that the provider fills on success.
    pub fields: Vec<String>,
    /// Closed widgets: any trusted click in the frame is the interaction.
    pub any_click_interacts: bool,
    pub watch: Option<Watch>,
    pub tile_selected: Option<AttrTest>,
    /// Tiles that fade and reload with a new image once clicked (reCAPTCHA dynamic 3×3).
    pub tile_dynamic: Option<AttrTest>,
    pub checked: Option<AttrTest>,
    /// Markers after which the object is named in an instruction's text ("… containing a bicycle").
    pub object_after: Vec<String>,
    #[serde(default, skip_serializing)]
    pub comment: Option<String>,
}

impl Provider {
    fn frame_matches(&self, host: &str, path: &str) -> bool {
        self.frames.iter().any(|f| {
            f.hosts.iter().any(|h| host == h || host.strip_suffix(h.as_str()).is_some_and(|s| s.ends_with('.')))
                && f.paths.iter().any(|p| path.starts_with(p.as_str()))
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(rename = "$schema", default)]
    #[allow(dead_code)]
    schema: Option<String>,
    #[allow(dead_code)]
    format: u32,
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    comment: Option<String>,
    providers: Vec<Provider>,
}

impl crate::data::DataFile for RulesFile {
    const WHAT: &'static str = "CAPTCHA provider";
    const FORMAT: u32 = RULES_FORMAT;

    fn check(&self) -> Result<()> {
        for p in &self.providers {
            if p.frames.is_empty() || p.frames.iter().any(|f| f.hosts.is_empty() || f.paths.is_empty()) {
                return Err(Error::BadRule(format!("{} needs frames with hosts and paths", p.id)));
            }
            if p.watch.is_none() && !p.any_click_interacts {
                return Err(Error::BadRule(format!("{} has nothing to watch and no click rule", p.id)));
            }
        }
        Ok(())
    }
}

/// The parsed provider rules.
#[derive(Debug, Clone)]
pub struct Rules {
    pub version: u32,
    pub providers: Vec<Provider>,
}

impl Rules {
    pub fn parse(json: &str) -> Result<Rules> {
        let file: RulesFile = crate::data::load("data/captcha.json", json)?;
        Ok(Rules { version: file.version, providers: file.providers })
    }

    /// The bundled rules (checked by tests, so parsing cannot fail in a release).
    pub fn bundled() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| Rules::parse(RULES_JSON).expect("data/captcha.json is checked by tests"))
    }

    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The provider whose frame this URL is (the browser's URL of the sending frame).
    pub fn provider_of_frame(&self, url: &str) -> Option<&Provider> {
        if !url.starts_with("https://") {
            return None;
        }
        let host = host_of(url)?;
        let rest = &url["https://".len()..];
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        self.providers.iter().find(|p| p.frame_matches(&host, path))
    }

    pub fn provider_of_field(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.fields.iter().any(|f| f == name))
    }

    /// What a content script should watch in the frame at `frame_url` (the answer to `captcha_watch`).
    pub fn watch_for(&self, frame_url: Option<&str>) -> WatchAnswer {
        let provider = frame_url.and_then(|u| self.provider_of_frame(u));
        WatchAnswer {
            provider: provider.map(|p| p.id.clone()),
            any_click: provider.is_some_and(|p| p.any_click_interacts),
            watch: provider.and_then(|p| p.watch.clone()),
            fields: self.providers.iter().flat_map(|p| p.fields.iter().cloned()).collect(),
        }
    }
}

/// Answer to `{type: "captcha_watch"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchAnswer {
    /// The provider this frame belongs to, `null` for any other frame.
    pub provider: Option<String>,
    pub any_click: bool,
    pub watch: Option<Watch>,
    /// Response fields host pages may hold (for `captcha-field.js`).
    pub fields: Vec<String>,
}

// ───────────────────────────── what the sensor reports ─────────────────────────────

/// Which watched part of the widget a click hit (the selector that matched, named as in [`Watch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Checkbox,
    Tile,
    Verify,
    AudioButton,
    /// A click in the frame that hit no watched part.
    Other,
}

/// One description from `captcha.js` or `captcha-field.js`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sighting {
    /// Unique and stable across the sensor's retries.
    pub id: String,
    /// ms since the Unix epoch, page clock.
    pub time: f64,
    #[serde(default)]
    pub tz: i32,
    /// What was seen (kept apart from the integer `tz`: tagged enums are buffered, and a buffered JS
    /// number may arrive as a float).
    pub seen: What,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case", deny_unknown_fields)]
pub enum What {
    /// A trusted click (or Enter/Space) in a provider frame.
    Click {
        #[serde(default = "other")]
        part: Part,
        /// `class` and `aria-*` state of the hit part before the click…
        #[serde(default)]
        before: BTreeMap<String, String>,
        /// …and once the page reacted (`None`: not read, or the element vanished).
        #[serde(default)]
        after: Option<BTreeMap<String, String>>,
        /// Text of the object element of the instructions at the time of the click.
        #[serde(default)]
        object: Option<String>,
        /// Text of the instructions (for providers that name the object inside a sentence).
        #[serde(default)]
        prompt: Option<String>,
    },
    /// The watched state of a provider frame, sent when it changes. `None`: not present in this frame.
    State {
        #[serde(default)]
        checkbox: Option<BTreeMap<String, String>>,
        #[serde(default)]
        challenge: Option<bool>,
        #[serde(default)]
        object: Option<String>,
        #[serde(default)]
        prompt: Option<String>,
        #[serde(default)]
        grid: Option<String>,
        /// Names (keys of `watch.errors`) of the error messages now visible; `None` without a challenge.
        #[serde(default)]
        errors: Option<Vec<String>>,
        #[serde(default)]
        audio: Option<bool>,
    },
    /// A response field of the host page now holds a value (never sent).
    Field { name: String, filled: bool },
}

fn other() -> Part {
    Part::Other
}

impl Sighting {
    fn validate(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::BadInput(format!("captcha sighting: {why}")));
        if self.id.is_empty() || self.id.len() > 100 {
            return bad("id must be 1 to 100 characters");
        }
        if !self.time.is_finite() || self.time <= 0.0 {
            return bad("time must be a positive number of ms");
        }
        if self.tz.abs() > 18 * 60 {
            return bad("tz must be within ±18 hours");
        }
        let attrs_ok = |a: &BTreeMap<String, String>| a.len() <= 8 && a.iter().all(|(k, v)| k.len() <= 40 && v.len() <= 300);
        let text_ok = |t: &Option<String>| t.as_ref().map_or(true, |t| t.len() <= 400);
        let ok = match &self.seen {
            What::Click { before, after, object, prompt, .. } => {
                attrs_ok(before) && after.as_ref().map_or(true, attrs_ok) && text_ok(object) && text_ok(prompt)
            }
            What::State { checkbox, object, prompt, grid, errors, .. } => {
                checkbox.as_ref().map_or(true, attrs_ok)
                    && text_ok(object)
                    && text_ok(prompt)
                    && text_ok(grid)
                    && errors.as_ref().map_or(true, |e| e.len() <= 16 && e.iter().all(|x| x.len() <= 40))
            }
            What::Field { name, .. } => name.len() <= 60,
        };
        if ok { Ok(()) } else { bad("a field is too long") }
    }
}

/// Normalises an object name as shown: lower case, single spaces, no surrounding punctuation. Singular
/// and plural are kept as the provider wrote them ("traffic lights", "a bicycle" → "bicycle").
pub fn normalise_object(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut s = words.join(" ");
    s = s.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    for article in ["a ", "an ", "the "] {
        if let Some(rest) = s.strip_prefix(article) {
            s = rest.to_string();
        }
    }
    if s.is_empty() {
        return None;
    }
    if s.chars().count() > OBJECT_MAX {
        s = s.chars().take(OBJECT_MAX).collect::<String>().trim_end().to_string();
    }
    Some(s)
}

/// The object an instruction sentence names, after the first of the provider's markers found in it.
pub fn object_in_prompt(provider: &Provider, prompt: &str) -> Option<String> {
    let lower = format!(" {} ", prompt.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" "));
    let rest = provider.object_after.iter().find_map(|m| lower.find(m.as_str()).map(|i| &lower[i + m.len()..]))?;
    let end = rest.find(['.', ',', '!', '?', '\n', ';']).unwrap_or(rest.len());
    let mut phrase = &rest[..end];
    for stop in [" if there", " then ", " click "] {
        if let Some(i) = phrase.find(stop) {
            phrase = &phrase[..i];
        }
    }
    normalise_object(phrase)
}

fn object_of(provider: &Provider, object: &Option<String>, prompt: &Option<String>) -> Option<String> {
    object.as_deref().and_then(normalise_object).or_else(|| prompt.as_deref().and_then(|p| object_in_prompt(provider, p)))
}

// ───────────────────────────── the session state machine ─────────────────────────────

/// One CAPTCHA being solved in one tab. Everything needed to resume after the worker was stopped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Session {
    /// Id of the sighting that opened it; the solve's event id derives from it.
    pub id: String,
    pub provider: String,
    /// Registrable domain of the host page.
    pub site: String,
    /// URL of the host page (without fragment): another page in the same tab is another CAPTCHA.
    #[serde(default)]
    pub page: String,
    pub opened: f64,
    pub last: f64,
    /// Time of the first trusted interaction; `None` while the user has done nothing.
    pub first_interaction: Option<f64>,
    pub challenge: bool,
    pub rounds: u32,
    pub failed_rounds: u32,
    pub audio: bool,
    pub labels: BTreeMap<String, u32>,
    /// The object the current instructions name.
    pub object: Option<String>,
    /// A round was submitted and no verdict seen yet.
    pub awaiting_verdict: bool,
    /// Error messages visible at the last state sighting of the challenge frame.
    pub errors: Vec<String>,
    /// Whether the checkbox was last seen checked.
    pub checked: bool,
    /// Recently applied sighting ids.
    pub applied: Vec<String>,
}

/// The result of applying one sighting to a session.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Nothing to keep (no session, and this sighting opens none).
    Nothing(&'static str),
    /// The session continues (opened or updated).
    Open(Session),
    /// The CAPTCHA was solved: record this, close the session.
    Solved(Solve),
    /// The session ended without labour to count (a token with no interaction).
    Dropped(&'static str),
}

/// A finished solve, ready to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Solve {
    pub event_id: String,
    pub site: String,
    pub time: f64,
    pub tz: i32,
    pub duration_ms: u32,
    pub detail: CaptchaDetail,
}

impl Session {
    fn interact(&mut self, time: f64) {
        if self.first_interaction.map_or(true, |t| time < t) {
            self.first_interaction = Some(time);
        }
    }

    fn label(&mut self, object: Option<String>, delta: i32) {
        let key = object.or_else(|| self.object.clone()).unwrap_or_else(|| UNNAMED.to_string());
        if delta > 0 {
            *self.labels.entry(key).or_default() += 1;
        } else if let Some(n) = self.labels.get_mut(&key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.labels.remove(&key);
            }
        }
    }

    fn solve(self, time: f64, tz: i32) -> Step {
        let Some(start) = self.first_interaction else {
            return Step::Dropped("solved without any interaction (invisible or non-interactive)");
        };
        let duration_ms = (time - start).clamp(0.0, f64::from(u32::MAX)).round() as u32;
        Step::Solved(Solve {
            event_id: format!("captcha-{}", self.id),
            site: self.site,
            time,
            tz,
            duration_ms,
            detail: CaptchaDetail {
                provider: self.provider,
                rounds: self.rounds,
                failed_rounds: self.failed_rounds,
                audio: self.audio,
                labels: self.labels,
            },
        })
    }
}

/// The host page a session belongs to: its URL without the fragment.
pub fn page_of(tab_url: &str) -> &str {
    tab_url.split('#').next().unwrap_or(tab_url)
}

/// Applies one sighting to the session (if any) of its tab and provider, on the page `tab_url`. Pure:
/// all judgement is here.
pub fn step(provider: &Provider, session: Option<Session>, tab_url: &str, s: &Sighting) -> Step {
    let page = page_of(tab_url);
    if let Some(open) = &session {
        if open.applied.contains(&s.id) {
            return Step::Open(open.clone());
        }
    }
    let fresh = || Session {
        id: s.id.clone(),
        provider: provider.id.clone(),
        site: site_of(tab_url),
        page: page.to_string(),
        opened: s.time,
        last: s.time,
        ..Session::default()
    };
    let mut opens = false;
    let mut session = match session {
        // Still the same page, and not abandoned: an unfinished CAPTCHA on a page the user left is not
        // continued by the next page's.
        Some(open) if s.time - open.last <= SESSION_IDLE_MS && open.page == page => open,
        _ => {
            opens = true;
            fresh()
        }
    };
    session.last = session.last.max(s.time);

    match &s.seen {
        What::Click { part, before, after, object, prompt } => {
            let interacts = provider.any_click_interacts || *part != Part::Other;
            if !interacts {
                return if opens { Step::Nothing("click outside the widget") } else { keep(session, s) };
            }
            session.interact(s.time);
            match part {
                Part::Tile => {
                    let object = object_of(provider, object, prompt);
                    if object.is_some() {
                        session.object.clone_from(&object);
                    }
                    let holds = |t: &Option<AttrTest>, a: &BTreeMap<String, String>| t.as_ref().is_some_and(|t| t.holds(a));
                    let dyn_before = holds(&provider.tile_dynamic, before);
                    let dyn_after = after.as_ref().is_some_and(|a| holds(&provider.tile_dynamic, a));
                    let sel_before = holds(&provider.tile_selected, before);
                    let sel_after = after.as_ref().map(|a| holds(&provider.tile_selected, a));
                    if dyn_after && !dyn_before {
                        session.label(object, 1); // a reloading tile: every click labels a new image
                    } else if !sel_before && sel_after == Some(true) {
                        session.label(object, 1);
                    } else if sel_before && sel_after == Some(false) && !dyn_after {
                        session.label(object, -1); // deselected: the label is taken back
                    }
                }
                Part::Verify => {
                    session.rounds += 1;
                    session.awaiting_verdict = true;
                    session.challenge = true;
                }
                Part::AudioButton => session.audio = true,
                Part::Checkbox | Part::Other => {}
            }
        }
        What::State { checkbox, challenge, object, prompt, grid: _, errors, audio } => {
            if let Some(o) = object_of(provider, object, prompt) {
                session.object = Some(o);
            }
            if *challenge == Some(true) {
                session.challenge = true;
            }
            if *audio == Some(true) {
                session.audio = true;
            }
            if let Some(errors) = errors {
                let appeared = errors.iter().any(|e| !session.errors.contains(e));
                if appeared && session.awaiting_verdict {
                    session.failed_rounds += 1;
                    session.awaiting_verdict = false;
                }
                session.errors = errors.clone();
            }
            if let (Some(attrs), Some(test)) = (checkbox, &provider.checked) {
                let now_checked = test.holds(attrs);
                let was = std::mem::replace(&mut session.checked, now_checked);
                if now_checked && !was {
                    return if opens && session.first_interaction.is_none() {
                        Step::Nothing("checked without an interaction seen")
                    } else {
                        session.solve(s.time, s.tz)
                    };
                }
            }
            if opens && !session.challenge {
                return Step::Nothing("no challenge, no interaction");
            }
        }
        What::Field { filled, .. } => {
            if !*filled {
                return if opens { Step::Nothing("empty field") } else { keep(session, s) };
            }
            if opens {
                return Step::Nothing("token without a session (invisible, or already counted)");
            }
            return session.solve(s.time, s.tz);
        }
    }
    keep(session, s)
}

fn keep(mut session: Session, s: &Sighting) -> Step {
    session.applied.push(s.id.clone());
    if session.applied.len() > APPLIED_MEMORY {
        session.applied.remove(0);
    }
    Step::Open(session)
}

// ───────────────────────────── persistence and recording ─────────────────────────────

/// Who reported a sighting, as the browser says.
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    pub tab: i64,
    /// URL of the sending frame (`sender.url`).
    pub frame_url: Option<&'a str>,
    /// URL of the tab's top-level page (`sender.tab.url`).
    pub tab_url: &'a str,
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
    let step = step(provider, current, origin.tab_url, sighting);
    // Abandoned sessions of other tabs go when the setting is rewritten anyway.
    sessions.retain(|_, s| sighting.time - s.last <= SESSION_IDLE_MS);
    let reply = match step {
        Step::Nothing(reason) => Reply::Ignored { reason },
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
