//! The session state machine: one open CAPTCHA per tab and provider, stepped by each sighting. Pure.

use super::provider::{AttrTest, Provider};
use super::sighting::{object_of, Part, Sighting, What};
use super::SESSION_IDLE_MS;
use crate::model::CaptchaDetail;
use crate::site::site_of;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Sighting ids remembered per session, so that a sensor's retry is applied once.
const APPLIED_MEMORY: usize = 64;
const UNNAMED: &str = "unnamed";

// ───────────────────────────── the session state machine ─────────────────────────────

/// One CAPTCHA being solved in one tab. Everything needed to resume after the worker was stopped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Session {
    /// Id of the sighting that opened it; the solve's event id derives from it.
    pub id: String,
    pub provider: String,
    /// Registrable domain of the host page.
    pub site: String,
    /// The host page, keyed (see [`Seen::page_key`]); never its address.
    #[serde(default)]
    pub page_key: String,
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

/// Where a sighting comes from, as the browser says: the tab's top-level page, and for field sightings
/// the site of the frame that reported the field.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    pub tab_url: &'a str,
    /// The page's keyed hash (never its address): another page in the same tab is another CAPTCHA.
    pub page_key: &'a str,
    /// Site of the reporting frame (`sender.url`), `None` when the browser did not say.
    pub frame_site: Option<&'a str>,
}

/// Applies one sighting to the session (if any) of its tab and provider. Pure: all judgement is here.
///
/// ```text
///  retry of an applied sighting ─▶ unchanged
///  open session on the same site, not idle ─▶ continue it; otherwise a fresh one
///  click ─▶ on_click   state ─▶ on_state   field ─▶ on_field
/// ```
pub fn step(provider: &Provider, session: Option<Session>, seen: Seen<'_>, s: &Sighting) -> Step {
    if let Some(open) = &session {
        if open.applied.contains(&s.id) {
            return Step::Open(open.clone());
        }
    }
    let (mut session, opens) = continue_or_open(provider, session, seen, s);
    session.last = session.last.max(s.time);
    let step = match &s.seen {
        What::Click { part, before, after, object, prompt } => on_click(provider, &mut session, opens, s, *part, before, after.as_ref(), object, prompt),
        What::State { checkbox, challenge, object, prompt, errors, audio, .. } => {
            on_state(provider, &mut session, opens, s, checkbox.as_ref(), *challenge, object, prompt, errors.as_ref(), *audio)
        }
        What::Field { filled, shown, .. } => on_field(&session, opens, seen, *filled, *shown),
    };
    match step {
        Next::Keep => keep(session, s),
        Next::Nothing(why) => Step::Nothing(why),
        Next::Solve => session.solve(s.time, s.tz),
    }
}

/// What a named step decided.
enum Next {
    Keep,
    Nothing(&'static str),
    Solve,
}

/// The tab's open session if it is still on the same site and not abandoned, else a fresh one (and
/// whether it is fresh). Only the site and a keyed hash of the page are kept, never the page's address.
fn continue_or_open(provider: &Provider, session: Option<Session>, seen: Seen<'_>, s: &Sighting) -> (Session, bool) {
    match session {
        Some(open) if s.time - open.last <= SESSION_IDLE_MS && open.page_key == seen.page_key => (open, false),
        _ => {
            let site = site_of(seen.tab_url);
            let page_key = seen.page_key.to_string();
            let fresh = Session { id: s.id.clone(), provider: provider.id.clone(), site, page_key, opened: s.time, last: s.time, ..Session::default() };
            (fresh, true)
        }
    }
}

/// A trusted click in the provider's own frame (the core knows the provider from the frame's address,
/// so clicks on the host page never get here): an interaction if it hit a watched part, or anywhere in
/// a closed widget (Turnstile, Arkose).
#[allow(clippy::too_many_arguments)]
fn on_click(
    provider: &Provider,
    session: &mut Session,
    opens: bool,
    s: &Sighting,
    part: Part,
    before: &BTreeMap<String, String>,
    after: Option<&BTreeMap<String, String>>,
    object: &Option<String>,
    prompt: &Option<String>,
) -> Next {
    let interacts = provider.any_click_interacts || part != Part::Other;
    if !interacts {
        return if opens { Next::Nothing("click outside the widget") } else { Next::Keep };
    }
    session.interact(s.time);
    match part {
        Part::Tile => label_tile(provider, session, before, after, object_of(provider, object, prompt)),
        Part::Verify => {
            session.rounds += 1;
            session.awaiting_verdict = true;
            session.challenge = true;
        }
        Part::AudioButton => session.audio = true,
        Part::Checkbox | Part::Other => {}
    }
    Next::Keep
}

/// A tile click labels an image when the tile turns selected (or reloads with a new image), and takes
/// the label back when it turns unselected.
fn label_tile(
    provider: &Provider,
    session: &mut Session,
    before: &BTreeMap<String, String>,
    after: Option<&BTreeMap<String, String>>,
    object: Option<String>,
) {
    if object.is_some() {
        session.object.clone_from(&object);
    }
    let holds = |t: &Option<AttrTest>, a: &BTreeMap<String, String>| t.as_ref().is_some_and(|t| t.holds(a));
    let dyn_before = holds(&provider.tile_dynamic, before);
    let dyn_after = after.is_some_and(|a| holds(&provider.tile_dynamic, a));
    let sel_before = holds(&provider.tile_selected, before);
    let sel_after = after.map(|a| holds(&provider.tile_selected, a));
    if dyn_after && !dyn_before {
        session.label(object, 1); // a reloading tile: every click labels a new image
    } else if !sel_before && sel_after == Some(true) {
        session.label(object, 1);
    } else if sel_before && sel_after == Some(false) && !dyn_after {
        session.label(object, -1); // deselected: the label is taken back
    }
}

/// The watched state of a provider frame: the object named, a challenge or audio shown, errors that
/// fail a submitted round, and the checkbox turning checked (the provider's own word that it is solved).
#[allow(clippy::too_many_arguments)]
fn on_state(
    provider: &Provider,
    session: &mut Session,
    opens: bool,
    s: &Sighting,
    checkbox: Option<&BTreeMap<String, String>>,
    challenge: Option<bool>,
    object: &Option<String>,
    prompt: &Option<String>,
    errors: Option<&Vec<String>>,
    audio: Option<bool>,
) -> Next {
    let _ = s;
    if let Some(o) = object_of(provider, object, prompt) {
        session.object = Some(o);
    }
    if challenge == Some(true) {
        session.challenge = true;
    }
    if audio == Some(true) {
        session.audio = true;
    }
    if let Some(errors) = errors {
        let appeared = errors.iter().any(|e| !session.errors.contains(e));
        if appeared && session.awaiting_verdict {
            session.failed_rounds += 1;
            session.awaiting_verdict = false;
        }
        session.errors.clone_from(errors);
    }
    if let (Some(attrs), Some(test)) = (checkbox, &provider.checked) {
        let now_checked = test.holds(attrs);
        let was = std::mem::replace(&mut session.checked, now_checked);
        if now_checked && !was {
            return if opens && session.first_interaction.is_none() {
                Next::Nothing("checked without an interaction seen")
            } else {
                Next::Solve
            };
        }
    }
    if opens && !session.challenge {
        return Next::Nothing("no challenge, no interaction");
    }
    Next::Keep
}

/// A response field filled on the host page. The page can write that field itself, so it never opens a
/// session nor completes one alone: it completes a session only when the user already interacted in the
/// provider's own frame, the field belongs to a widget shown on the page (not an overlaid transparent or
/// hidden frame: `captcha-field.js` checks the widget's frame beside the field), and the reporting frame
/// is of the tab's own site (an ad frame's forged field does nothing).
fn on_field(session: &Session, opens: bool, seen: Seen<'_>, filled: bool, shown: bool) -> Next {
    if !filled {
        return if opens { Next::Nothing("empty field") } else { Next::Keep };
    }
    if opens {
        return Next::Nothing("token without a session (invisible, or already counted)");
    }
    if seen.frame_site != Some(session.site.as_str()) {
        return Next::Nothing("field reported by a frame of another site");
    }
    if !shown {
        return Next::Nothing("field of a hidden or transparent widget");
    }
    if session.first_interaction.is_none() {
        return Next::Nothing("token without an interaction in the widget");
    }
    Next::Solve
}

fn keep(mut session: Session, s: &Sighting) -> Step {
    session.applied.push(s.id.clone());
    if session.applied.len() > APPLIED_MEMORY {
        session.applied.remove(0);
    }
    Step::Open(session)
}

