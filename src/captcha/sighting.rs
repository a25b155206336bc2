//! Sightings: what `captcha.js` (provider frames) and `captcha-field.js` (host pages) report, and the checks
//! every one passes before the session machine sees it.

use super::provider::Provider;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const OBJECT_MAX: usize = 60;

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
    Field {
        name: String,
        filled: bool,
        /// The widget's frame beside the field is shown (not hidden, transparent or tiny) and is the one that
        /// just spoke to the page; sensors that do not say so are not believed.
        #[serde(default)]
        shown: bool,
    },
}

fn other() -> Part {
    Part::Other
}

impl Sighting {
    pub(super) fn validate(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::BadInput(format!("captcha sighting: {why}")));
        if self.id.is_empty() || self.id.len() > 100 {
            return bad("id must be 1 to 100 characters");
        }
        if !crate::limits::time_ok(self.time) {
            return bad("time must be ms between 1970 and the year 5000");
        }
        if !crate::limits::tz_ok(i64::from(self.tz)) {
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

pub(super) fn object_of(provider: &Provider, object: &Option<String>, prompt: &Option<String>) -> Option<String> {
    object.as_deref().and_then(normalise_object).or_else(|| prompt.as_deref().and_then(|p| object_in_prompt(provider, p)))
}

