//! The message API of the background: what content scripts, extension pages, tests and researchers'
//! scripts may ask, and the answers. Pure: the browser glue only decodes the message, fills in the
//! sender it saw, and calls `handle`.
//!
//! ```text
//! {type: "sense", observation: {...}}      content scripts: one trusted action → {outcomes: [...], settle_at?}
//!                                          (`after_pending: true`: the first of its two reports; the act is
//!                                          held as provisional until the second, see `ledger`)
//! {type: "settle", now: ms}               → {settled: [...], settle_at}  settles held acts that are due (pages,
//!                                            the background's alarm)
//! {type: "tab_closed", tab: id}           → {settled: [...], settle_at}  settles the closed tab's held acts
//! {type: "summary"}                       → {kinds: {like: n, ...}, sites: {site: {kind: n}}, events: n,
//!                                            top_sites: [{name, count}], ...}
//! {type: "vocabulary"}                    → {kinds: [...], delete_confirmation, min_retention_days}
//! {type: "events", after?: id, limit?: n} → {events: [...], next: id|null}   (newest rules included)
//! {type: "recent", limit?: n}            → {events: [...]}  newest first
//! {type: "settings"}                      → Settings
//! {type: "set_settings", settings: {...}} → Settings (local rules are validated first)
//! {type: "status"}                        → {install_id, events, retention_days, storage_error}  (pages)
//! {type: "set_retention", days: n|null}   → {retention_days, pruned}   keep n days (≥ 7), or everything (pages)
//! {type: "forget_site", site}             → {forgotten: n}   events, rollups and items of one site (pages)
//! {type: "delete_everything", confirm: "delete everything"} → {deleted: true}   (pages; the phrase is required)
//! {type: "apply_retention", now: ms}      → {pruned: n}      deletes days older than settings.retention_days
//! {type: "captcha_watch"}                 content scripts: what to watch in this frame (data/captcha.json)
//! {type: "captcha", observation: {...}}   content scripts: a CAPTCHA sighting → {captcha: open|solved|ignored}
//! {type: "value", from?, to?, tz?, site?, currency?, wage?: {amount, currency}}
//!                                         → {currency, from, to, methods: [{id, low, high, formula, parameters}],
//!                                            events, seconds, seconds_measured, paid: 0, contrasts}  (pages)
//! {type: "timeline", from?, to?, tz?, unit?: "day"|"week"|"month", site?}
//!                                         → {unit, from, to, buckets: [{start, kinds, total}], summary, sites} (pages)
//! {type: "valuation_data"}                → {version, currencies, countries, figures, platforms}  (pages)
//! {type: "site_of", url}                  → {site, paused}   the site a page counts under ("" if none) (pages)
//! {type: "join_study", study, consent: true} → {study, participant}   (pages; study: the file, object or text)
//! {type: "leave_study"}                   → {left: id|null}   forgets the participant id; export stops (pages)
//! {type: "study"}                         → {study: Study|null, participant}   (pages)
//! {type: "check_study", study}            → {study}: the file as parsed, or the problem named (pages)
//! {type: "research_preview"}              → {study, participant, tables: [{name, path, fields, rows}]}   (pages)
//! {type: "research_export"}               → {study, participant, files: {"datapackage.json": "…", "<table>.csv": "…"}}   (pages)
//! {type: "count", from?, to?, tz?}        → {events}   events of the period, as timeline's summary.events (pages; the badge)
//! ```
//! The background answers with two wasm modules: the recording module (`RECORDING_TYPES`: sensor reports,
//! settling, settings, status, deletions, retention, count) loaded when the worker wakes, and the pages
//! module (every other type) loaded only when an extension page asks.
//! Errors answer `{error: "sentence", code}` and change nothing; `code` is one of `Error::code`'s
//! (`bad_input`, `forbidden`, `bad_data`, `storage_full`, `storage`).

use crate::captcha;
use crate::classify::Classifier;
use crate::error::{Error, Result};
use crate::ledger::{self, Outcome};
use crate::limits::{RateLimit, MAX_CHARS_PER_ACT, MAX_HASHTAGS_PER_ACT, MAX_WORDS_PER_ACT, SUBMIT_ACTIVATION_MS};
use crate::model::{Action, Event, Observation};
use crate::rules::{load_file, Rule};
use crate::store::Store;
use crate::summary::Summary;
use crate::valuation::Period;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Longest page of events one request may ask for.
pub const MAX_PAGE: usize = 1_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    Sense { observation: Observation },
    Summary,
    /// What pages must not repeat on their own: the kinds, the delete confirmation phrase, limits.
    Vocabulary,
    Events {
        #[serde(default)]
        after: Option<String>,
        #[serde(default)]
        limit: Option<usize>,
    },
    /// The newest events first, each naming the rule that counted it.
    Recent {
        #[serde(default)]
        limit: Option<usize>,
    },
    Settings,
    SetSettings { settings: Settings },
    /// Install id, stored event count, retention, and the last storage failure (a full disk) to show.
    Status,
    /// Forgets everything recorded on one site (extension pages only).
    ForgetSite { site: String },
    /// Deletes every event, rollup and item; `confirm` must be [`DELETE_CONFIRMATION`] (pages ask the user).
    DeleteEverything {
        #[serde(default)]
        confirm: String,
    },
    /// Applies the retention setting now (the background also does on waking, at most every few hours).
    ApplyRetention { now: f64 },
    /// Keeps `days` days (at least [`MIN_RETENTION_DAYS`]) or, with `null`, everything; prunes at once
    /// (`now`: the page's clock). Kept in meta, apart from `Settings`, so that pages saving other settings
    /// from a stale copy never undo it.
    SetRetention {
        days: Option<u32>,
        now: f64,
    },
    /// What `captcha.js` saw in a CAPTCHA frame, or `captcha-field.js` on a host page (see `captcha`).
    Captcha { observation: crate::captcha::Sighting },
    /// A content script asks which provider its frame belongs to and what to watch there.
    CaptchaWatch,
    /// Settles the provisional acts due at `now` (ms); sent by the background's alarm (extension only).
    Settle { now: f64 },
    /// A tab was closed: its provisional acts will get no second report (extension only).
    TabClosed { tab: i64 },
    /// What the labour of a period is worth, by the three methods (see `valuation`).
    Value {
        #[serde(default)]
        from: Option<f64>,
        #[serde(default)]
        to: Option<f64>,
        /// The page's offset from UTC in minutes (−`Date.getTimezoneOffset()`), for local days.
        #[serde(default)]
        tz: i32,
        #[serde(default)]
        site: Option<String>,
        /// The answer's currency; else the settings'.
        #[serde(default)]
        currency: Option<String>,
        /// An hourly wage for this answer only, instead of the settings'.
        #[serde(default)]
        wage: Option<crate::valuation::Money>,
    },
    /// Counts per day, week or month and kind, and the period's summary (the dashboard's charts).
    Timeline {
        #[serde(default)]
        from: Option<f64>,
        #[serde(default)]
        to: Option<f64>,
        #[serde(default)]
        tz: i32,
        #[serde(default)]
        unit: crate::valuation::TimeUnit,
        #[serde(default)]
        site: Option<String>,
    },
    /// The valuation data (currencies, countries, figures) for the settings and dashboard pages.
    ValuationData,
    /// The site (registrable domain) a URL counts under, and whether it is paused (the popup's pause button).
    SiteOf { url: String },
    /// Joins a research study (`research`): `study` is the study file (object or text); `consent` must be true.
    JoinStudy {
        study: serde_json::Value,
        #[serde(default)]
        consent: bool,
    },
    /// Leaves the study: forgets the participant id; nothing more can be exported for it.
    LeaveStudy,
    /// The study joined, if any.
    Study,
    /// Parses a study file without joining (the study page shows its consent text first).
    CheckStudy { study: serde_json::Value },
    /// The exact rows a study export would hold.
    ResearchPreview,
    /// The study export's files (a Frictionless Data Package).
    ResearchExport,
    /// How many events a period holds (the toolbar badge's count of today), answered by the recorder so
    /// that the badge needs no page-side code.
    Count {
        #[serde(default)]
        from: Option<f64>,
        #[serde(default)]
        to: Option<f64>,
        #[serde(default)]
        tz: i32,
    },
}

/// The recording module's requests: the messages of [`RECORDING_TYPES`], parsed exactly as [`Request`]
/// parses them (same names, fields and defaults; a native test checks both agree), so that the background
/// links no decoder for the page-side requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordingRequest {
    Sense { observation: Observation },
    Settings,
    Status,
    ForgetSite { site: String },
    DeleteEverything {
        #[serde(default)]
        confirm: String,
    },
    ApplyRetention { now: f64 },
    SetRetention { days: Option<u32>, now: f64 },
    Captcha { observation: crate::captcha::Sighting },
    CaptchaWatch,
    Settle { now: f64 },
    TabClosed { tab: i64 },
    Count {
        #[serde(default)]
        from: Option<f64>,
        #[serde(default)]
        to: Option<f64>,
        #[serde(default)]
        tz: i32,
    },
}

impl From<RecordingRequest> for Request {
    fn from(r: RecordingRequest) -> Request {
        match r {
            RecordingRequest::Sense { observation } => Request::Sense { observation },
            RecordingRequest::Settings => Request::Settings,
            RecordingRequest::Status => Request::Status,
            RecordingRequest::ForgetSite { site } => Request::ForgetSite { site },
            RecordingRequest::DeleteEverything { confirm } => Request::DeleteEverything { confirm },
            RecordingRequest::ApplyRetention { now } => Request::ApplyRetention { now },
            RecordingRequest::SetRetention { days, now } => Request::SetRetention { days, now },
            RecordingRequest::Captcha { observation } => Request::Captcha { observation },
            RecordingRequest::CaptchaWatch => Request::CaptchaWatch,
            RecordingRequest::Settle { now } => Request::Settle { now },
            RecordingRequest::TabClosed { tab } => Request::TabClosed { tab },
            RecordingRequest::Count { from, to, tz } => Request::Count { from, to, tz },
        }
    }
}

/// The `type`s the background's recording module answers ([`Core::handle_recording`]); the background
/// hands every other message to the pages module ([`Core::handle_pages`]), loaded only when a page asks.
pub const RECORDING_TYPES: [&str; 12] = [
    "sense",
    "captcha",
    "captcha_watch",
    "settle",
    "tab_closed",
    "settings",
    "status",
    "forget_site",
    "delete_everything",
    "apply_retention",
    "set_retention",
    "count",
];

/// Whether a message of this `type` is the recording module's (see [`RECORDING_TYPES`]).
pub fn answered_by_recording(message_type: &str) -> bool {
    RECORDING_TYPES.contains(&message_type)
}

/// The part of an answer a content script gets back: enough to stop retrying, nothing about other events
/// (no `cancels`, rules or reasons that would tell whether an item was liked before). The browser glue
/// passes every answer to a content script through this.
pub fn content_script_answer(answer: serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Value};
    let own = |o: &Value| {
        let mut out = serde_json::Map::new();
        for key in ["outcome", "id"] {
            if let Some(v) = o.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        Value::Object(out)
    };
    if let Some(outcomes) = answer.get("outcomes").and_then(Value::as_array) {
        // `settle_at` (when a held act will be settled) tells nothing of the history; the background's
        // alarm needs it.
        let mut out = json!({ "outcomes": outcomes.iter().map(own).collect::<Vec<_>>() });
        if let Some(at) = answer.get("settle_at").filter(|v| !v.is_null()) {
            out["settle_at"] = at.clone();
        }
        return out;
    }
    if let Some(state) = answer.get("captcha") {
        return json!({ "captcha": state });
    }
    answer
}

/// Who sent a message, as the browser (not the message) says.
#[derive(Debug, Clone, Default)]
pub struct Sender {
    /// From one of our content scripts (a tab), rather than an extension page.
    pub content_script: bool,
    /// URL of the sender's top-level page, from `sender.tab.url`.
    pub tab_url: Option<String>,
    pub incognito: bool,
}

/// More of what the browser says about a sender, needed by CAPTCHA sightings only (kept apart from
/// `Sender` so that existing callers are unchanged; see `Core::handle_from`).
#[derive(Debug, Clone, Default)]
pub struct SenderFrame {
    /// The sender's tab id (`sender.tab.id`), for per-tab CAPTCHA sessions.
    pub tab_id: Option<i64>,
    /// URL of the sending frame (`sender.url`), to tell which CAPTCHA provider a frame belongs to.
    pub url: Option<String>,
}

/// The sender as `background.js` copies it from the browser's `runtime.MessageSender`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BrowserSender {
    /// `sender.id`: the extension the message comes from.
    pub id: Option<String>,
    /// `runtime.id`: our own extension.
    pub own_id: String,
    /// `sender.url`: the sending frame or extension page.
    pub url: Option<String>,
    /// `sender.tab?.url` (or the frame's own URL when the browser hides the tab's).
    pub tab_url: Option<String>,
    /// Whether the sender is in a tab (content scripts, and extension pages opened as tabs).
    #[serde(default)]
    pub in_tab: bool,
    #[serde(default)]
    pub incognito: bool,
    /// `sender.tab?.id`
    #[serde(default)]
    pub tab_id: Option<i64>,
}

impl BrowserSender {
    /// Refuses messages from other extensions and web pages, and tells our content scripts (in a page)
    /// from our extension pages (popup, options, even when opened in a tab).
    pub fn authenticate(self) -> Result<(Sender, SenderFrame)> {
        if self.id.as_deref() != Some(self.own_id.as_str()) || self.own_id.is_empty() {
            return Err(Error::Forbidden("message from another extension or a web page".into()));
        }
        let own_page = self.url.as_deref().is_some_and(|u| {
            u.starts_with("chrome-extension://") || u.starts_with("moz-extension://")
        });
        let sender = Sender { content_script: self.in_tab && !own_page, tab_url: self.tab_url, incognito: self.incognito };
        Ok((sender, SenderFrame { tab_id: self.tab_id, url: self.url }))
    }
}

/// User settings, kept in the settings store under "settings".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Sites (registrable domains) where nothing is recorded.
    pub paused_sites: BTreeSet<String>,
    /// Record in private windows too (off by default).
    pub record_private: bool,
    /// The user's own rule file (same format as `data/rules/sites/*.json`), or empty.
    pub local_rules: String,
    /// Valuation: the country whose minimum wage and revenue region apply (`data/valuation.json`); `None`:
    /// France.
    pub country: Option<String>,
    /// Valuation: the currency values are shown in; `None`: the country's.
    pub currency: Option<String>,
    /// Valuation: the wage the wage method uses.
    pub wage: crate::valuation::WageChoice,
    /// Valuation: the method the popup shows.
    pub preferred_method: crate::valuation::Method,
    /// Valuation: share of platform revenue credited to users' labour (0–1); `None`: the data's range.
    pub labour_share: Option<f64>,
    /// Hide today's count on the toolbar badge.
    pub hide_badge: bool,
}

/// What a page must send to delete everything: the API refuses without it.
pub const DELETE_CONFIRMATION: &str = "delete everything";
/// Shortest retention window a user can choose, in days.
pub const MIN_RETENTION_DAYS: u32 = 7;

impl Settings {
    /// The country of the valuation settings (France unless chosen).
    pub fn country(&self) -> &str {
        self.country.as_deref().unwrap_or("FR")
    }

    /// The currency values are shown in: the chosen one, else the country's.
    pub fn currency(&self) -> String {
        self.currency.clone().unwrap_or_else(|| {
            crate::valuation::Valuation::bundled().country(self.country()).map_or("EUR".into(), |c| c.currency.clone())
        })
    }

    pub fn local_rules(&self) -> Result<Vec<Rule>> {
        if self.local_rules.trim().is_empty() {
            return Ok(Vec::new());
        }
        load_file("local rules", &self.local_rules, false)
    }

    /// Paused sites as registrable domains, whatever the user typed ("https://www.YouTube.com/x" →
    /// "youtube.com"); empty entries dropped.
    pub fn normalised(mut self) -> Settings {
        self.paused_sites = self.paused_sites.iter().filter_map(|typed| typed_site(typed)).collect();
        self
    }

    /// Whether a site is paused. Entries are compared as registrable domains, so pausing
    /// "news.ycombinator.com" (as typed in the options page) pauses ycombinator.com.
    pub fn is_paused(&self, site: &str) -> bool {
        self.paused_sites.iter().any(|p| p == site || crate::site::site_of(&format!("https://{p}/")) == site)
    }
}

/// What stays in memory between messages: settings and the classifier built from them. Cheap to rebuild,
/// so a stopped service worker loses nothing.
pub struct Core {
    pub settings: Settings,
    pub classifier: Classifier,
    /// The last storage failure (full quota) while recording, shown by the popup and options page until a
    /// write succeeds again.
    pub storage_error: Option<String>,
    /// Acts per tab, against scripted bursts (`limits`). In memory: a worker stop resets it.
    pub rate: RateLimit,
    /// When the earliest provisional act is due (a cache of the store's list, so that messages while none
    /// is held read nothing more).
    pub next_settle: Option<f64>,
    /// Keys items with this install's secret (see `keys`).
    pub item_keys: crate::keys::ItemKeys,
}

impl Core {
    /// The core for a store, making the install's item secret from the operating system's randomness the
    /// first time (native programs and tests; the browser passes its own with [`Core::load_with_entropy`]).
    pub async fn load<S: Store>(store: &S) -> Result<Core> {
        Core::load_with_entropy(store, crate::keys::os_entropy).await
    }

    pub async fn load_with_entropy<S: Store>(store: &S, entropy: impl FnOnce() -> [u8; 32]) -> Result<Core> {
        let item_keys = crate::keys::ItemKeys::load_or_create(store, entropy).await?;
        let settings = stored_settings(store).await?;
        // A local rule file that stopped compiling must not stop recording with the bundled rules.
        let local = settings.local_rules().unwrap_or_default();
        let next_settle = ledger::next_settle(&ledger::provisional(store).await?);
        Ok(Core {
            classifier: Classifier::default().with_local_rules(local),
            settings,
            storage_error: None,
            rate: RateLimit::default(),
            next_settle,
            item_keys,
        })
    }

    /// Settles the provisional acts due at `now` (ms), if any; the glue calls it before every message, so
    /// the next message or wake after a lost second report records the act. Cheap when none is due.
    pub async fn settle_due<S: Store>(&mut self, store: &S, now: f64) -> Result<Vec<Outcome>> {
        if !self.next_settle.is_some_and(|at| at <= now) {
            return Ok(Vec::new());
        }
        let result = ledger::settle_due(store, now, None).await;
        let (outcomes, next) = self.note_storage(result)?;
        self.next_settle = next;
        Ok(outcomes)
    }

    pub async fn handle<S: Store>(&mut self, store: &S, sender: &Sender, request: Request) -> Result<serde_json::Value> {
        self.handle_from(store, sender, &SenderFrame::default(), request).await
    }

    /// `handle`, with the sender's tab id and frame URL (the background passes them; CAPTCHA sightings
    /// need them). Checks who may ask first, then hands the request to its own step: the recording part
    /// ([`Core::handle_recording`]) or the pages part ([`Core::handle_pages`]).
    pub async fn handle_from<S: Store>(
        &mut self,
        store: &S,
        sender: &Sender,
        frame: &SenderFrame,
        request: Request,
    ) -> Result<serde_json::Value> {
        if request.answered_by_recording() {
            self.recording(store, sender, frame, request).await
        } else {
            self.handle_pages(store, sender, request).await
        }
    }

    /// The requests the background's recording module answers (see [`RECORDING_TYPES`]): sensor reports,
    /// settling, and what reads or changes the state the recorder caches (settings, held acts, storage
    /// status). Kept apart so that the background's module carries no page-side code.
    pub async fn handle_recording<S: Store>(
        &mut self,
        store: &S,
        sender: &Sender,
        frame: &SenderFrame,
        request: RecordingRequest,
    ) -> Result<serde_json::Value> {
        self.recording(store, sender, frame, request.into()).await
    }

    async fn recording<S: Store>(
        &mut self,
        store: &S,
        sender: &Sender,
        frame: &SenderFrame,
        request: Request,
    ) -> Result<serde_json::Value> {
        if !request.answered_by_recording() {
            return Err(wrong_half(&request));
        }
        request.audience().admits(sender)?;
        let json = match request {
            Request::Sense { observation } => self.sense_request(store, sender, frame, observation).await?,
            Request::Settle { now } => self.settle_request(store, now, None).await?,
            Request::TabClosed { tab } => self.settle_request(store, f64::NEG_INFINITY, Some(tab)).await?,
            Request::Settings => serde_json::to_value(&self.settings)?,
            Request::Status => self.status(store).await?,
            Request::ForgetSite { site } => forget_site(store, &site).await?,
            Request::DeleteEverything { confirm } => delete_everything(store, &confirm).await?,
            Request::ApplyRetention { now } => {
                check_now("apply_retention", now)?;
                serde_json::json!({ "pruned": self.apply_retention(store, now).await? })
            }
            Request::SetRetention { days, now } => self.set_retention(store, days, now).await?,
            Request::Captcha { observation } => serde_json::to_value(self.captcha(store, sender, frame, &observation).await?)?,
            Request::CaptchaWatch => serde_json::to_value(captcha::Rules::bundled().watch_for(frame.url.as_deref()))?,
            Request::Count { from, to, tz } => serde_json::json!({ "events": count_events_of_period(store, Period { from, to, tz }).await? }),
            other => return Err(wrong_half(&other)),
        };
        Ok(json)
    }

    /// The requests extension pages make that the recorder needs nothing of: reading the history, the
    /// valuation, studies, and the settings a page saves (the background then reloads its copy, see
    /// [`Core::reload_settings`]).
    pub async fn handle_pages<S: Store>(&mut self, store: &S, sender: &Sender, request: Request) -> Result<serde_json::Value> {
        if request.answered_by_recording() {
            return Err(wrong_half(&request));
        }
        request.audience().admits(sender)?;
        let json = match request {
            Request::Summary => serde_json::to_value(Summary::from_site_totals(&store.site_totals().await?))?,
            Request::Vocabulary => vocabulary(),
            Request::Events { after, limit } => events_page(store, after, limit).await?,
            Request::Recent { limit } => {
                let events = store.recent_events(limit.unwrap_or(20).clamp(1, MAX_PAGE)).await?;
                serde_json::json!({ "events": events })
            }
            Request::SetSettings { settings } => self.set_settings(store, settings).await?,
            Request::Value { from, to, tz, site, currency, wage } => {
                crate::valuation::answer_value(store, &self.settings, Period { from, to, tz }, site, currency, wage).await?
            }
            Request::Timeline { from, to, tz, unit, site } => {
                crate::valuation::answer_timeline(store, Period { from, to, tz }, unit, site.as_deref()).await?
            }
            Request::ValuationData => crate::valuation::Valuation::bundled().data_for_pages(),
            Request::SiteOf { url } => crate::valuation::answer_site_of(&self.settings, &url),
            Request::JoinStudy { study, consent } => crate::research::join(store, &study, consent).await?,
            Request::LeaveStudy => crate::research::leave(store).await?,
            Request::Study => crate::research::status(store).await?,
            Request::CheckStudy { study } => crate::research::check(&study)?,
            Request::ResearchPreview => crate::research::preview(store).await?,
            Request::ResearchExport => crate::research::export(store).await?,
            other => return Err(wrong_half(&other)),
        };
        Ok(json)
    }

    /// Reads the settings again (after the pages module saved them) and rebuilds the classifier from them.
    pub async fn reload_settings<S: Store>(&mut self, store: &S) -> Result<()> {
        self.settings = stored_settings(store).await?;
        self.classifier = Classifier::default().with_local_rules(self.settings.local_rules().unwrap_or_default());
        Ok(())
    }

    /// A sensor's report: validated, placed on the browser's own top-level URL, judged and recorded.
    async fn sense_request<S: Store>(
        &mut self,
        store: &S,
        sender: &Sender,
        frame: &SenderFrame,
        mut observation: Observation,
    ) -> Result<serde_json::Value> {
        validate(&observation)?;
        observation.top_url = sender.tab_url.clone();
        // The frame's address as the browser says (`sender.url`), not as the message claims.
        if let Some(url) = &frame.url {
            observation.url.clone_from(url);
        }
        let result = self.sense(store, sender, frame.tab_id, observation).await;
        let outcomes = self.note_storage(result)?;
        Ok(serde_json::json!({ "outcomes": outcomes, "settle_at": self.next_settle }))
    }

    /// Settles the provisional acts due at `now`, or (with `closed_tab`) every act of a closed tab.
    async fn settle_request<S: Store>(&mut self, store: &S, now: f64, closed_tab: Option<i64>) -> Result<serde_json::Value> {
        let result = ledger::settle_due(store, now, closed_tab).await;
        let (settled, next) = self.note_storage(result)?;
        self.next_settle = next;
        Ok(serde_json::json!({ "settled": settled, "settle_at": next }))
    }

    async fn set_settings<S: Store>(&mut self, store: &S, settings: Settings) -> Result<serde_json::Value> {
        let local = settings.local_rules()?;
        crate::valuation::Valuation::bundled().check_settings(
            settings.country.as_deref(),
            settings.currency.as_deref(),
            &settings.wage,
            settings.labour_share,
        )?;
        let settings = settings.normalised();
        store.put_setting("settings", &serde_json::to_string(&settings)?).await?;
        self.classifier = Classifier::default().with_local_rules(local);
        self.settings = settings;
        Ok(serde_json::to_value(&self.settings)?)
    }

    async fn status<S: Store>(&self, store: &S) -> Result<serde_json::Value> {
        Ok(serde_json::json!({
            "install_id": match store.meta("install_id").await? {
                Some(json) => serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default(),
                None => serde_json::Value::Null,
            },
            "events": store.count_events().await?,
            "retention_days": retention_days(store).await?,
            "storage_error": self.storage_error,
        }))
    }

    async fn set_retention<S: Store>(&self, store: &S, days: Option<u32>, now: f64) -> Result<serde_json::Value> {
        check_now("set_retention", now)?;
        if days.is_some_and(|d| !(MIN_RETENTION_DAYS..=36_500).contains(&d)) {
            return Err(Error::BadInput(format!("set_retention: days must be {MIN_RETENTION_DAYS} to 36500, or null")));
        }
        store.put_meta("retention_days", &serde_json::to_string(&days)?).await?;
        Ok(serde_json::json!({ "retention_days": days, "pruned": self.apply_retention(store, now).await? }))
    }

    async fn captcha<S: Store>(
        &self,
        store: &S,
        sender: &Sender,
        frame: &SenderFrame,
        sighting: &captcha::Sighting,
    ) -> Result<captcha::Reply> {
        let (Some(tab), Some(tab_url)) = (frame.tab_id, sender.tab_url.as_deref()) else {
            return Err(Error::BadInput("CAPTCHA sightings need the sender's tab".into()));
        };
        if let Some(reason) = self.not_recorded(sender, &crate::site::site_of(tab_url)) {
            return Ok(captcha::Reply::Ignored { reason });
        }
        let page_key = self.item_keys.key(&format!("captcha-page|{}", tab_url.split('#').next().unwrap_or(tab_url)));
        let origin = captcha::Origin { tab, frame_url: frame.url.as_deref(), tab_url, page_key };
        captcha::observe(store, captcha::Rules::bundled(), &origin, sighting).await
    }

    /// Deletes the days the retention setting no longer keeps (none when it keeps everything).
    pub async fn apply_retention<S: Store>(&self, store: &S, now_ms: f64) -> Result<u64> {
        match retention_days(store).await? {
            Some(days) => store.prune_before_day(&crate::time::retention_cutoff_day(now_ms, days.max(MIN_RETENTION_DAYS))).await,
            None => Ok(0),
        }
    }

    /// Remembers a storage failure for the status the pages show (and forgets it after a success).
    fn note_storage<T>(&mut self, result: Result<T>) -> Result<T> {
        match &result {
            Ok(_) => self.storage_error = None,
            Err(e @ (Error::QuotaExceeded | Error::Storage(_))) => self.storage_error = Some(e.to_string()),
            Err(_) => {}
        }
        result
    }

    /// Why nothing from this sender and site may be recorded: a private window (unless allowed) or a
    /// paused site. One check for every kind of labour.
    fn not_recorded(&self, sender: &Sender, site: &str) -> Option<&'static str> {
        if sender.incognito && !self.settings.record_private {
            Some("private window")
        } else if self.settings.is_paused(site) {
            Some("paused on this site")
        } else {
            None
        }
    }

    /// One sensor report: refused (privacy, no person), judged, then held as provisional (a first report),
    /// settled (the second report of a held act) or recorded (a complete report).
    async fn sense<S: Store>(&mut self, store: &S, sender: &Sender, tab: Option<i64>, mut obs: Observation) -> Result<Vec<Outcome>> {
        let ignored = |reason| Ok(vec![Outcome::Ignored { reason }]);
        let site = Classifier::site(&obs);
        // A site paused by the user is paused with every frame in it, whatever site a frame is from.
        let top_site = obs.top_url.as_deref().map(crate::site::site_of);
        if let Some(reason) = self.not_recorded(sender, &site).or_else(|| top_site.and_then(|t| self.not_recorded(sender, &t))) {
            return ignored(reason);
        }
        if !person_submitted(&obs) {
            return ignored("submitted with nobody acting on the form");
        }
        cap_text(&mut obs);
        let judgement = self.classifier.judge(&obs);
        // One act, one count: a commitment that follows its choice in this tab and site counts nothing more.
        // Decided once per act id, so the settling report of a held act gets the same answer.
        let flow_key = format!("{} {site}", tab.map_or_else(|| "?".to_string(), |t| t.to_string()));
        let (mut labours, absorbed) = crate::flow::settle(store, &flow_key, &obs.id, obs.time, &judgement).await?;
        // Item keys are keyed with this install's secret before anything is held or recorded.
        ledger::key_items(&self.item_keys, &mut labours);
        let not_labour = if absorbed > 0 { "already counted at its choice" } else { "not labour" };
        if obs.after_pending {
            if store.contains_event(&obs.id).await? {
                return Ok(vec![Outcome::AlreadyRecorded { id: obs.id }]); // a late retry of a settled act
            }
            if labours.is_empty() {
                return ignored(not_labour);
            }
            if !self.rate.admit(tab, &obs.id, obs.time) {
                return ignored("faster than a person");
            }
            let held = ledger::Provisional {
                act: ledger::Act::of(&obs),
                site,
                tab,
                labours,
                settle_at: obs.time + ledger::SETTLE_AFTER_MS,
            };
            let (outcomes, next) = ledger::hold(store, held).await?;
            self.next_settle = next;
            return Ok(outcomes);
        }
        if self.next_settle.is_some() {
            let (settled, next) = ledger::settle_with(store, &obs.id, labours.clone()).await?;
            self.next_settle = next;
            if let Some(outcomes) = settled {
                return Ok(outcomes);
            }
        }
        if labours.is_empty() {
            return ignored(not_labour);
        }
        if !self.rate.admit(tab, &obs.id, obs.time) {
            return ignored("faster than a person");
        }
        ledger::record(store, &site, &obs, labours).await
    }
}

/// Who may send a request: the browser tells content scripts (in a web page) from extension pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Sensors only: reports of what the user did.
    ContentScripts,
    /// Extension pages only (popup, options, dashboard): reading and managing the history.
    Pages,
    /// Either (no request today: reads are for pages only, see `audience`).
    Anyone,
}

impl Audience {
    /// Refuses a sender outside the audience, with a sentence saying who may ask.
    pub fn admits(self, sender: &Sender) -> Result<()> {
        match (self, sender.content_script) {
            (Audience::ContentScripts, false) => Err(Error::Forbidden("only content scripts report what the user did".into())),
            (Audience::Pages, true) => Err(Error::Forbidden("web pages cannot read or change Digitus's data".into())),
            _ => Ok(()),
        }
    }
}

impl Request {
    /// The message's `type`, as JavaScript sends it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Request::Sense { .. } => "sense",
            Request::Summary => "summary",
            Request::Vocabulary => "vocabulary",
            Request::Events { .. } => "events",
            Request::Recent { .. } => "recent",
            Request::Settings => "settings",
            Request::SetSettings { .. } => "set_settings",
            Request::Status => "status",
            Request::ForgetSite { .. } => "forget_site",
            Request::DeleteEverything { .. } => "delete_everything",
            Request::ApplyRetention { .. } => "apply_retention",
            Request::SetRetention { .. } => "set_retention",
            Request::Captcha { .. } => "captcha",
            Request::CaptchaWatch => "captcha_watch",
            Request::Settle { .. } => "settle",
            Request::TabClosed { .. } => "tab_closed",
            Request::Value { .. } => "value",
            Request::Timeline { .. } => "timeline",
            Request::ValuationData => "valuation_data",
            Request::SiteOf { .. } => "site_of",
            Request::JoinStudy { .. } => "join_study",
            Request::LeaveStudy => "leave_study",
            Request::Study => "study",
            Request::CheckStudy { .. } => "check_study",
            Request::ResearchPreview => "research_preview",
            Request::ResearchExport => "research_export",
            Request::Count { .. } => "count",
        }
    }

    /// Whether the background's recording module answers it (else the pages module).
    pub fn answered_by_recording(&self) -> bool {
        answered_by_recording(self.type_name())
    }

    /// Who may send this request (one table, checked before anything else runs).
    pub fn audience(&self) -> Audience {
        match self {
            Request::Sense { .. } | Request::Captcha { .. } | Request::CaptchaWatch => Audience::ContentScripts,
            // Reading the history or the settings is for extension pages only: a content script may be a
            // compromised renderer (docs/threat-model.md).
            Request::Summary
            | Request::Vocabulary
            | Request::Events { .. }
            | Request::Recent { .. }
            | Request::Settings
            | Request::Status
            | Request::SetSettings { .. }
            | Request::ForgetSite { .. }
            | Request::DeleteEverything { .. }
            | Request::ApplyRetention { .. }
            | Request::SetRetention { .. }
            | Request::Settle { .. }
            | Request::TabClosed { .. }
            | Request::Value { .. }
            | Request::Timeline { .. }
            | Request::ValuationData
            | Request::SiteOf { .. }
            | Request::JoinStudy { .. }
            | Request::LeaveStudy
            | Request::Study
            | Request::CheckStudy { .. }
            | Request::ResearchPreview
            | Request::ResearchExport
            | Request::Count { .. } => Audience::Pages,
        }
    }
}

/// A request handed to the half of the core that does not answer it (a routing bug in the glue).
fn wrong_half(request: &Request) -> Error {
    let other = if request.answered_by_recording() { "recording" } else { "pages" };
    Error::BadInput(format!("{} is answered by the {other} module", request.type_name()))
}

/// The settings as stored (defaults before the first save).
async fn stored_settings<S: Store>(store: &S) -> Result<Settings> {
    Ok(match store.setting("settings").await? {
        Some(json) => Settings::from_stored(&json)?,
        None => Settings::default(),
    })
}

impl Settings {
    /// Reads the stored settings record (the JSON the options page saves) field by field over a
    /// `serde_json::Value`, not through the derive: the recorder reads settings at every start, and the
    /// derive's decoder, with the valuation's internally tagged `WageChoice`, weighed ≈ 17 KB in the
    /// background module. Same result as the derive for every record (missing fields take their default,
    /// unknown fields are ignored, a field of the wrong type is refused; a JSON list, which no version wrote,
    /// is refused where the derive would read it by position): `tests/core.rs` compares the two.
    pub fn from_stored(json: &str) -> Result<Settings> {
        use crate::valuation::{Method, WageChoice};
        use serde_json::Value;
        let bad = |field: &str| Error::Storage(format!("settings: {field} has the wrong type"));
        let value: Value = serde_json::from_str(json).map_err(|e| Error::Storage(format!("settings: {e}")))?;
        let Value::Object(fields) = value else { return Err(bad("the record")) };
        let text = |field: &str, v: &Value| v.as_str().map(str::to_string).ok_or_else(|| bad(field));
        let optional_text = |field: &str, v: &Value| if v.is_null() { Ok(None) } else { text(field, v).map(Some) };
        let flag = |field: &str, v: &Value| v.as_bool().ok_or_else(|| bad(field));
        let mut settings = Settings::default();
        for (field, v) in &fields {
            match field.as_str() {
                "paused_sites" => {
                    let list = v.as_array().ok_or_else(|| bad(field))?;
                    settings.paused_sites = list.iter().map(|site| text(field, site)).collect::<Result<_>>()?;
                }
                "record_private" => settings.record_private = flag(field, v)?,
                "local_rules" => settings.local_rules = text(field, v)?,
                "country" => settings.country = optional_text(field, v)?,
                "currency" => settings.currency = optional_text(field, v)?,
                "wage" => {
                    settings.wage = match v.get("basis").and_then(Value::as_str) {
                        Some("minimum") => WageChoice::Minimum,
                        Some("microwork") => WageChoice::Microwork,
                        Some("own") => WageChoice::Own {
                            amount: v.get("amount").and_then(Value::as_f64).ok_or_else(|| bad(field))?,
                            currency: v.get("currency").map(|c| text(field, c)).ok_or_else(|| bad(field))??,
                        },
                        _ => return Err(bad(field)),
                    }
                }
                "preferred_method" => {
                    settings.preferred_method = match v.as_str() {
                        Some("market") => Method::Market,
                        Some("wage") => Method::Wage,
                        Some("revenue") => Method::Revenue,
                        _ => return Err(bad(field)),
                    }
                }
                "labour_share" => settings.labour_share = if v.is_null() { None } else { Some(v.as_f64().ok_or_else(|| bad(field))?) },
                "hide_badge" => settings.hide_badge = flag(field, v)?,
                _ => {}
            }
        }
        Ok(settings)
    }
}

/// How many events a period holds (`{type: "count"}`, the toolbar badge): the same number as the
/// timeline's `summary.events` for that period, without the valuation around it.
pub async fn count_events_of_period<S: Store>(store: &S, period: Period) -> Result<i64> {
    period.check()?;
    let (from, to) = period.day_range();
    let rollups = store.rollups_between(from.as_deref(), to.as_deref()).await?;
    // `Summary::events` is this sum; the badge needs nothing else of the summary (whose maps of maps and
    // rankings the recording module then does not carry).
    Ok(rollups.iter().filter(|r| period.holds(&r.bucket.day)).map(|r| r.totals.count).sum())
}

fn vocabulary() -> serde_json::Value {
    serde_json::json!({
        "kinds": crate::model::Kind::ALL.map(crate::model::Kind::as_str),
        "delete_confirmation": DELETE_CONFIRMATION,
        "min_retention_days": MIN_RETENTION_DAYS,
    })
}

async fn events_page<S: Store>(store: &S, after: Option<String>, limit: Option<usize>) -> Result<serde_json::Value> {
    let limit = limit.unwrap_or(100).clamp(1, MAX_PAGE);
    let events: Vec<Event> = store.events_after(after.as_deref(), limit).await?;
    let next = (events.len() == limit).then(|| events.last().map(|e| e.id.clone())).flatten();
    Ok(serde_json::json!({ "events": events, "next": next }))
}

async fn forget_site<S: Store>(store: &S, typed: &str) -> Result<serde_json::Value> {
    let Some(site) = typed_site(typed) else {
        return Err(Error::BadInput("forget_site: name a site (1 to 253 characters)".into()));
    };
    let forgotten = store.forget_site(&site).await?;
    // Open CAPTCHA sessions, held acts and open flows on that site too.
    captcha::forget(store, Some(&site)).await?;
    ledger::forget_provisional(store, Some(&site)).await?;
    crate::flow::forget(store, Some(&site)).await?;
    Ok(serde_json::json!({ "forgotten": forgotten, "site": site }))
}

async fn delete_everything<S: Store>(store: &S, confirm: &str) -> Result<serde_json::Value> {
    if confirm != DELETE_CONFIRMATION {
        return Err(Error::BadInput(format!("delete_everything needs confirm: \"{DELETE_CONFIRMATION}\" (ask the user first)")));
    }
    store.delete_everything().await?;
    // And every open CAPTCHA session, held act and open flow.
    captcha::forget(store, None).await?;
    ledger::forget_provisional(store, None).await?;
    crate::flow::forget(store, None).await?;
    // Nothing of a study may outlive the data: the enrolment (participant id) goes too.
    crate::research::forget(store).await?;
    Ok(serde_json::json!({ "deleted": true }))
}

fn check_now(what: &str, now: f64) -> Result<()> {
    if !now.is_finite() || now <= 0.0 {
        return Err(Error::BadInput(format!("{what}: now must be a time in ms")));
    }
    Ok(())
}

/// A site as a user types it ("www.youtube.com", "m.youtube.com", a URL) → the registrable domain events
/// carry; `None` for nothing or more than a host name can be.
pub fn typed_site(typed: &str) -> Option<String> {
    let typed = typed.trim().to_ascii_lowercase();
    if typed.is_empty() || typed.len() > 253 {
        return None;
    }
    let site = if typed.contains("://") {
        crate::site::site_of(&typed)
    } else {
        crate::site::site_of(&format!("https://{typed}/"))
    };
    (!site.is_empty()).then_some(site)
}

/// The retention setting (days kept; `None`: everything), from meta.
pub async fn retention_days<S: Store>(store: &S) -> Result<Option<u32>> {
    Ok(match store.meta("retention_days").await? {
        Some(json) => serde_json::from_str(&json).unwrap_or(None),
        None => None,
    })
}

/// A submit counts only after a person activated that form a moment before (`limits`); other actions are
/// trusted input by construction (the sensor drops untrusted events).
fn person_submitted(obs: &Observation) -> bool {
    obs.action != Action::Submit || obs.activation_ms.is_some_and(|ms| ms <= SUBMIT_ACTIVATION_MS)
}

/// Caps what one act's text can count (`limits`): a pasted book counts as a long review, not as a book.
fn cap_text(obs: &mut Observation) {
    if let Some(text) = obs.text.as_mut() {
        text.words = text.words.min(MAX_WORDS_PER_ACT);
        text.chars = text.chars.min(MAX_CHARS_PER_ACT);
        text.hashtags = text.hashtags.min(MAX_HASHTAGS_PER_ACT);
    }
}

/// Refuses observations no sensor of ours would send.
fn validate(obs: &Observation) -> Result<()> {
    let bad = |why: &str| Err(Error::BadInput(format!("observation: {why}")));
    if obs.id.is_empty() || obs.id.len() > 100 {
        return bad("id must be 1 to 100 characters");
    }
    if !crate::limits::time_ok(obs.time) {
        return bad("time must be ms between 1970 and the year 5000");
    }
    if !crate::limits::tz_ok(i64::from(obs.tz)) {
        return bad("tz must be within ±18 hours");
    }
    if obs.path.is_empty() || obs.path.len() > 64 {
        return bad("path must hold 1 to 64 elements");
    }
    Ok(())
}
