//! The study file a researcher writes (`docs/study-format.md`), and its strict parser: every problem is
//! named (field and reason), unknown fields and versions are refused.

use crate::error::{Error, Result};
use crate::model::Kind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const FORMAT: &str = "digitus-study";
pub const VERSION: u32 = 1;
/// Longest consent text, in characters, per language.
pub const MAX_CONSENT: usize = 20_000;
/// The noise budget a study may ask for: ε below 0.01 drowns every count, above 10 protects nothing.
pub const EPSILON_RANGE: (f64, f64) = (0.01, 10.0);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Hour,
    Day,
}

impl Granularity {
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Hour => "hour",
            Granularity::Day => "day",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    pub en: String,
    pub fr: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    pub epsilon: f64,
}

/// A parsed, checked study file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Study {
    pub format: String,
    pub version: u32,
    pub id: String,
    pub title: String,
    pub contact: String,
    pub granularity: Granularity,
    pub consent: Consent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<Noise>,
    /// The kinds of labour collected; absent: every kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<Kind>>,
}

impl Study {
    /// Parses a study file's text.
    pub fn parse(text: &str) -> Result<Study> {
        if text.len() > 200_000 {
            return Err(bad("the file is larger than 200 KB"));
        }
        let value: Value = serde_json::from_str(text).map_err(|e| bad(&format!("not JSON ({e})")))?;
        Study::from_value(&value)
    }

    /// Checks a study given as a JSON value (the `join_study` message carries it so).
    pub fn from_value(value: &Value) -> Result<Study> {
        let Some(object) = value.as_object() else { return Err(bad("the file must hold one JSON object")) };
        match object.get("format") {
            Some(Value::String(f)) if f == FORMAT => {}
            Some(other) => return Err(bad(&format!("format is {other}, not \"{FORMAT}\""))),
            None => return Err(bad(&format!("no \"format\" field (a study file has \"format\": \"{FORMAT}\")"))),
        }
        match object.get("version") {
            Some(v) if v.as_u64() == Some(u64::from(VERSION)) => {}
            Some(v) => return Err(bad(&format!("version {v} is not supported (this Digitus reads version {VERSION})"))),
            None => return Err(bad("no \"version\" field")),
        }
        const KNOWN: [&str; 9] = ["format", "version", "id", "title", "contact", "granularity", "consent", "noise", "kinds"];
        if let Some(unknown) = object.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(bad(&format!("unknown field \"{unknown}\"")));
        }
        let id = text(object, "id", 64)?;
        if !is_study_id(&id) {
            return Err(bad("id must be 3 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        let title = text(object, "title", 200)?;
        let contact = text(object, "contact", 200)?;
        let granularity = match object.get("granularity").and_then(Value::as_str) {
            Some("hour") => Granularity::Hour,
            Some("day") => Granularity::Day,
            Some(other) => return Err(bad(&format!("granularity \"{other}\" is neither \"hour\" nor \"day\""))),
            None => return Err(bad("granularity must be \"hour\" or \"day\"")),
        };
        let Some(Value::Object(consent)) = object.get("consent") else {
            return Err(bad("consent must be an object with the text in English (\"en\") and French (\"fr\")"));
        };
        if let Some(unknown) = consent.keys().find(|k| !["en", "fr"].contains(&k.as_str())) {
            return Err(bad(&format!("consent: unknown language \"{unknown}\" (en and fr are read)")));
        }
        let consent = Consent { en: text(consent, "en", MAX_CONSENT).map_err(|e| prefix("consent.", e))?, fr: text(consent, "fr", MAX_CONSENT).map_err(|e| prefix("consent.", e))? };
        let noise = match object.get("noise") {
            None | Some(Value::Null) => None,
            Some(Value::Object(noise)) => {
                if let Some(unknown) = noise.keys().find(|k| k.as_str() != "epsilon") {
                    return Err(bad(&format!("noise: unknown field \"{unknown}\"")));
                }
                let epsilon = noise.get("epsilon").and_then(Value::as_f64).ok_or_else(|| bad("noise.epsilon must be a number"))?;
                if !(EPSILON_RANGE.0..=EPSILON_RANGE.1).contains(&epsilon) {
                    return Err(bad(&format!("noise.epsilon {epsilon} is outside {} to {}", EPSILON_RANGE.0, EPSILON_RANGE.1)));
                }
                Some(Noise { epsilon })
            }
            Some(_) => return Err(bad("noise must be an object {\"epsilon\": number}")),
        };
        let kinds = match object.get("kinds") {
            None | Some(Value::Null) => None,
            Some(Value::Array(names)) => {
                if names.is_empty() {
                    return Err(bad("kinds is empty (leave it out to collect every kind)"));
                }
                let mut kinds = Vec::new();
                for name in names {
                    let kind = name
                        .as_str()
                        .and_then(|n| Kind::ALL.into_iter().find(|k| k.as_str() == n))
                        .ok_or_else(|| bad(&format!("kinds: {name} is not one of like, rating, tag, report, feedback, review, captcha")))?;
                    if kinds.contains(&kind) {
                        return Err(bad(&format!("kinds: {name} is listed twice")));
                    }
                    kinds.push(kind);
                }
                Some(kinds)
            }
            Some(_) => return Err(bad("kinds must be a list of kind names")),
        };
        Ok(Study { format: FORMAT.into(), version: VERSION, id, title, contact, granularity, consent, noise, kinds })
    }

    pub fn collects(&self, kind: Kind) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
    }

    pub fn epsilon(&self) -> Option<f64> {
        self.noise.map(|n| n.epsilon)
    }
}

/// Whether `id` may name a study (it also names the data package and its files).
pub fn is_study_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

fn bad(why: &str) -> Error {
    Error::BadInput(format!("study file: {why}"))
}

fn prefix(field_prefix: &str, e: Error) -> Error {
    match e {
        Error::BadInput(why) => Error::BadInput(why.replacen("study file: ", &format!("study file: {field_prefix}"), 1)),
        other => other,
    }
}

/// A required, non-blank text field of at most `max` characters.
fn text(object: &Map<String, Value>, field: &str, max: usize) -> Result<String> {
    match object.get(field) {
        Some(Value::String(s)) if s.trim().is_empty() => Err(bad(&format!("{field} is empty"))),
        Some(Value::String(s)) if s.chars().count() > max => Err(bad(&format!("{field} is longer than {max} characters"))),
        Some(Value::String(s)) => Ok(s.trim().to_string()),
        Some(other) => Err(bad(&format!("{field} must be text, not {other}"))),
        None => Err(bad(&format!("no \"{field}\" field"))),
    }
}
