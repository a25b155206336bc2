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
#[serde(tag = "what", rename_all = "snake_case", deny_unknown_fields, try_from = "WhatWire")]
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

/// `What` as the sensors send it, read as one flat object. serde's internally tagged enums buffer every
/// field into its `Content` and decode each variant from that buffer, which weighed 14 KB of the background
/// module for this enum alone; `TryFrom` below gives each variant its fields, with the same defaults, and
/// refuses another variant's fields as the tagged derive did (`same_answers_as_the_tagged_derive` compares
/// both). A field the derive refuses when present, whatever its value, is read as `Option<Option<_>>`:
/// absent, or present (maybe `null`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhatWire {
    what: WhatTag,
    #[serde(default, deserialize_with = "present")]
    part: Option<Part>,
    #[serde(default, deserialize_with = "present")]
    before: Option<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "present")]
    after: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "present")]
    object: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    prompt: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    checkbox: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "present")]
    challenge: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    grid: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    errors: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    audio: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    filled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    shown: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum WhatTag {
    Click,
    State,
    Field,
}

/// A field that is there (its value read as `T`, which may itself be an `Option` for `null`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> std::result::Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

impl TryFrom<WhatWire> for What {
    type Error = String;

    fn try_from(w: WhatWire) -> std::result::Result<What, String> {
        let refuse = |fields: &[(&str, bool)]| match fields.iter().find(|(_, there)| *there) {
            Some((name, _)) => Err(format!("unknown field `{name}`")),
            None => Ok(()),
        };
        match w.what {
            WhatTag::Click => {
                refuse(&[
                    ("checkbox", w.checkbox.is_some()),
                    ("challenge", w.challenge.is_some()),
                    ("grid", w.grid.is_some()),
                    ("errors", w.errors.is_some()),
                    ("audio", w.audio.is_some()),
                    ("name", w.name.is_some()),
                    ("filled", w.filled.is_some()),
                    ("shown", w.shown.is_some()),
                ])?;
                Ok(What::Click {
                    part: w.part.unwrap_or(Part::Other),
                    before: w.before.unwrap_or_default(),
                    after: w.after.flatten(),
                    object: w.object.flatten(),
                    prompt: w.prompt.flatten(),
                })
            }
            WhatTag::State => {
                refuse(&[
                    ("part", w.part.is_some()),
                    ("before", w.before.is_some()),
                    ("after", w.after.is_some()),
                    ("name", w.name.is_some()),
                    ("filled", w.filled.is_some()),
                    ("shown", w.shown.is_some()),
                ])?;
                Ok(What::State {
                    checkbox: w.checkbox.flatten(),
                    challenge: w.challenge.flatten(),
                    object: w.object.flatten(),
                    prompt: w.prompt.flatten(),
                    grid: w.grid.flatten(),
                    errors: w.errors.flatten(),
                    audio: w.audio.flatten(),
                })
            }
            WhatTag::Field => {
                refuse(&[
                    ("part", w.part.is_some()),
                    ("before", w.before.is_some()),
                    ("after", w.after.is_some()),
                    ("object", w.object.is_some()),
                    ("prompt", w.prompt.is_some()),
                    ("checkbox", w.checkbox.is_some()),
                    ("challenge", w.challenge.is_some()),
                    ("grid", w.grid.is_some()),
                    ("errors", w.errors.is_some()),
                    ("audio", w.audio.is_some()),
                ])?;
                Ok(What::Field {
                    name: w.name.ok_or("missing field `name`")?,
                    filled: w.filled.ok_or("missing field `filled`")?,
                    shown: w.shown.unwrap_or(false),
                })
            }
        }
    }
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


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// `What` as it was derived before the flat reader: the reference the reader must agree with.
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "what", rename_all = "snake_case", deny_unknown_fields)]
    enum Tagged {
        Click {
            #[serde(default = "other")]
            part: Part,
            #[serde(default)]
            before: BTreeMap<String, String>,
            #[serde(default)]
            after: Option<BTreeMap<String, String>>,
            #[serde(default)]
            object: Option<String>,
            #[serde(default)]
            prompt: Option<String>,
        },
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
            #[serde(default)]
            errors: Option<Vec<String>>,
            #[serde(default)]
            audio: Option<bool>,
        },
        Field {
            name: String,
            filled: bool,
            #[serde(default)]
            shown: bool,
        },
    }

    fn other() -> Part {
        Part::Other
    }

    #[test]
    fn same_answers_as_the_tagged_derive() {
        let attrs = json!({"class": "rc-imageselect-tileselected", "aria-checked": "true"});
        // Each field with a good value, null, and a value of the wrong type.
        let fields: Vec<(&str, Vec<Value>)> = vec![
            ("part", vec![json!("tile"), json!("audio_button"), Value::Null, json!("elbow"), json!(3)]),
            ("before", vec![attrs.clone(), Value::Null, json!("x")]),
            ("after", vec![attrs.clone(), Value::Null, json!([1])]),
            ("object", vec![json!("bicycles"), Value::Null, json!(false)]),
            ("prompt", vec![json!("Select all images with a bus"), Value::Null, json!({})]),
            ("checkbox", vec![attrs.clone(), Value::Null, json!(true)]),
            ("challenge", vec![json!(true), Value::Null, json!("yes")]),
            ("grid", vec![json!("3x3"), Value::Null, json!(9)]),
            ("errors", vec![json!(["incorrect"]), json!([]), Value::Null, json!("incorrect")]),
            ("audio", vec![json!(false), Value::Null, json!(1)]),
            ("name", vec![json!("g-recaptcha-response"), Value::Null, json!(1)]),
            ("filled", vec![json!(true), Value::Null, json!("true")]),
            ("shown", vec![json!(true), Value::Null, json!(0)]),
            ("surprise", vec![json!(1)]),
        ];
        let bases = [
            json!({"what": "click"}),
            json!({"what": "click", "part": "checkbox", "before": {}, "after": null, "object": "cars", "prompt": null}),
            json!({"what": "state"}),
            json!({"what": "state", "checkbox": {}, "challenge": true, "grid": "4x4", "errors": [], "audio": false}),
            json!({"what": "field", "name": "h-captcha-response", "filled": true}),
            json!({"what": "field", "name": "cf-turnstile-response", "filled": false, "shown": true}),
            json!({"what": "field"}),
            json!({"what": "field", "name": "x"}),
            json!({"what": "bogus"}),
            json!({"what": null}),
            json!({}),
        ];
        let mut cases: Vec<Value> = vec![json!(null), json!("click"), json!(["click"])];
        for base in &bases {
            cases.push(base.clone());
            for (name, values) in &fields {
                for value in values {
                    let mut case = base.clone();
                    case[*name] = value.clone();
                    cases.push(case);
                }
            }
        }
        let mut accepted = 0;
        for case in &cases {
            let reference = serde_json::from_value::<Tagged>(case.clone());
            let read = serde_json::from_value::<What>(case.clone());
            match (reference, read) {
                (Ok(a), Ok(b)) => {
                    accepted += 1;
                    assert_eq!(serde_json::to_value(a).unwrap(), serde_json::to_value(&b).unwrap(), "{case}");
                }
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{case}: tagged derive {a:?}, flat reader {b:?}"),
            }
        }
        assert!(accepted > 40 && accepted < cases.len() - 40, "{accepted} of {} accepted", cases.len());
    }
}
