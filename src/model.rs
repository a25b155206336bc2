//! The data model: what sensors report (`Observation`), what the core decides (`Labour`), and what is
//! kept (`Event`). Field names are part of the export format: rename nothing without a format version bump.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kinds of unpaid micro-work Digitus counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Likes, hearts, upvotes, favourites, reactions, repository stars.
    Like,
    /// Star ratings, scores, thumbs up/down, helpful votes, downvotes.
    Rating,
    /// Tags, labels, people tagged, hashtags in submitted posts.
    Tag,
    /// Flagging or reporting content: unpaid moderation.
    Report,
    /// "Not interested", "show fewer": unpaid recommender labelling.
    Feedback,
    /// Review or comment text submitted (counted in words; the text is never kept).
    Review,
    /// A CAPTCHA solved.
    Captcha,
}

impl Kind {
    pub const ALL: [Kind; 7] =
        [Kind::Like, Kind::Rating, Kind::Tag, Kind::Report, Kind::Feedback, Kind::Review, Kind::Captcha];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Like => "like",
            Kind::Rating => "rating",
            Kind::Tag => "tag",
            Kind::Report => "report",
            Kind::Feedback => "feedback",
            Kind::Review => "review",
            Kind::Captcha => "captcha",
        }
    }
}

/// What an event does to the count of its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// New labour: counts `amount`.
    Add,
    /// Takes back earlier labour (unlike, un-star): counts nothing and cancels the event it names.
    Undo,
}

/// How the user acted, as the sensor saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A trusted click (keyboard activation of a native button arrives as a click too).
    Click,
    /// Enter or Space on a non-native control (`role=button`, `role=radio`, …).
    Key,
    /// Enter or comma in a text field that may be a tag editor.
    TagKey,
    /// A form or composer submitted with text (only counts of the text are sent).
    Submit,
}

/// One element as the sensor describes it. Values are truncated by the sensor; input values, styles and
/// event handlers are never sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Element {
    /// Lower-case tag name (`button`, `ytd-toggle-button-renderer`).
    pub tag: String,
    /// Attributes, including `id` and `class`, as name → value.
    #[serde(default)]
    pub attrs: Attrs,
    /// Short visible text of small controls (≤ 80 characters), to read labels such as "Like" or "J'aime".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Position among its parent's element children, to find the same control again after a re-render
    /// and to tell items apart without keeping their content.
    #[serde(default)]
    pub nth: u32,
}

/// An element's attributes, name → value, in name order as a map keeps them, held in one `Vec`: an element
/// carries a handful, and the judgement reads them on every ancestor of every click, where a scan of
/// adjacent pairs is cheaper than walking a tree's nodes. Reads and writes as a JSON object (a map).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attrs(Vec<(String, String)>);

impl Attrs {
    pub fn get(&self, name: &str) -> Option<&str> {
        // Length and first byte first: most keys differ there, and a mismatch then costs no byte
        // comparison call (cheaper than the ordered search's full string comparison per key).
        let first = name.as_bytes().first();
        self.0
            .iter()
            .find(|(key, _)| key.len() == name.len() && key.as_bytes().first() == first && key.as_str() == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets `name` (replacing its value); the previous value, if any.
    pub fn insert(&mut self, name: String, value: String) -> Option<String> {
        match self.0.binary_search_by(|(key, _)| key.as_str().cmp(&name)) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, value)),
            Err(at) => {
                self.0.insert(at, (name, value));
                None
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(key, _)| key)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, String)> for Attrs {
    /// In name order; a name given twice keeps its last value, as a map's `collect` does.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Attrs {
        let mut all: Vec<(String, String)> = pairs.into_iter().collect();
        // Stable: equal names keep their order, and the last of each run is the one kept.
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(String, String)> = Vec::with_capacity(all.len());
        for pair in all {
            match kept.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => kept.push(pair),
            }
        }
        Attrs(kept)
    }
}

impl Serialize for Attrs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Attrs, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = Attrs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of attribute names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Attrs, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(pairs.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name)
    }

    pub fn id(&self) -> Option<&str> {
        self.attr("id")
    }

    pub fn classes(&self) -> impl Iterator<Item = &str> {
        self.attr("class").unwrap_or("").split_ascii_whitespace()
    }
}

/// Counts of submitted text; the text itself never leaves the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TextStats {
    pub words: u32,
    pub chars: u32,
    #[serde(default)]
    pub hashtags: u32,
}

/// What a content-script sensor reports for one trusted user action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Unique per action and stable across retries: the store records each id once.
    pub id: String,
    pub action: Action,
    /// When the action happened, ms since the Unix epoch.
    pub time: f64,
    /// Minutes to add to UTC to get the user's local time (−`Date.getTimezoneOffset()`).
    #[serde(default)]
    pub tz: i32,
    /// URL of the frame the action happened in.
    pub url: String,
    /// URL of the top-level page, filled in by the background from the sender's tab (never trusted from the page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_url: Option<String>,
    /// The acted-on element first, then its ancestors (across shadow roots).
    pub path: Vec<Element>,
    /// The same chain read again once the page settled, to see toggles flip; `None` if the control vanished,
    /// the page left before it settled, or (with `after_pending`) it is still to come.
    #[serde(default)]
    pub after: Option<Vec<Element>>,
    /// The first of two reports: sent the moment the user acted (`after` unknown); the same id comes again
    /// with `after` once the control settled. The background holds the act as provisional until then
    /// (`ledger::Provisional`), so a tab closed or a page left at once loses nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_pending: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextStats>,
    /// Measured time the user spent on this action, when the sensor could measure it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u32>,
    /// For `TagKey`: whether the field held text when Enter/comma was pressed.
    #[serde(default)]
    pub has_value: bool,
    /// For `Submit`: ms from the last trusted activation of this form (a click on its submit control, Enter
    /// in one of its fields) to the submit; `None` when the form was submitted with nobody acting on it (a
    /// page calling `requestSubmit()` on a timer). See `limits::SUBMIT_ACTIVATION_MS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_ms: Option<u32>,
}

/// The core's judgement on an observation: this was labour of this kind, found by this rule. Serialisable
/// because provisional acts keep their judgement (never the page's markup or address) in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labour {
    pub kind: Kind,
    pub effect: Effect,
    /// `rule-id@version`, so each event says which rule counted it.
    pub rule: String,
    /// Stable, content-free key of the thing acted on (hash), to undo or replace earlier labour on it.
    pub item: String,
    pub amount: u32,
    pub value: Option<f32>,
    pub words: Option<u32>,
    pub chars: Option<u32>,
    /// Whether a later labour of the same kind on the same item replaces this one (ratings) rather than
    /// being a duplicate (likes).
    pub replaceable: bool,
}

/// What one CAPTCHA solve cost the user. Never images or tokens.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CaptchaDetail {
    /// `recaptcha`, `hcaptcha`, `turnstile`, `arkose`.
    pub provider: String,
    /// Challenge rounds shown (0 for a checkbox-only solve).
    pub rounds: u32,
    /// Rounds refused by the provider ("incorrect", "select more").
    pub failed_rounds: u32,
    /// Whether an audio challenge was used.
    pub audio: bool,
    /// Images labelled, by the object the instructions named ("traffic lights" → 4).
    pub labels: BTreeMap<String, u32>,
}

impl CaptchaDetail {
    pub fn label_count(&self) -> u32 {
        self.labels.values().sum()
    }
}

/// One recorded piece of labour, as kept in storage and exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Idempotent id (from the sensor's observation id).
    pub id: String,
    pub kind: Kind,
    /// Registrable domain of the top-level page (`youtube.com`).
    pub site: String,
    /// ms since the Unix epoch, UTC.
    pub time: f64,
    /// Local offset from UTC in minutes at the time of the event.
    #[serde(default)]
    pub tz: i32,
    /// Time the labour took, in ms.
    pub duration_ms: u32,
    /// Whether `duration_ms` was measured on the page (true) or estimated from the Keystroke-Level Model.
    pub duration_measured: bool,
    /// `rule-id@version` that counted it.
    pub rule: String,
    pub effect: Effect,
    /// How many units of labour (1, or the number of hashtags in a post).
    pub amount: u32,
    /// Content-free key of the item acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Id of the earlier event this one cancels (an unlike, a changed rating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancels: Option<String>,
    /// Rating value, where the page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chars: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha: Option<CaptchaDetail>,
}

impl Event {
    /// One unit of new labour with nothing optional set; callers fill in what they know with `..`.
    pub fn new(id: impl Into<String>, kind: Kind, site: impl Into<String>, time: f64, rule: impl Into<String>) -> Event {
        Event {
            id: id.into(),
            kind,
            site: site.into(),
            time,
            tz: 0,
            duration_ms: 0,
            duration_measured: false,
            rule: rule.into(),
            effect: Effect::Add,
            amount: 1,
            item: None,
            cancels: None,
            value: None,
            words: None,
            chars: None,
            captcha: None,
        }
    }

    /// The local calendar day of the event (`YYYY-MM-DD`), for daily rollups.
    pub fn day(&self) -> String {
        day_of(self.time, self.tz)
    }

    /// What this event adds to its own rollup bucket.
    pub fn counted_amount(&self) -> i64 {
        match self.effect {
            Effect::Add => i64::from(self.amount),
            Effect::Undo => 0,
        }
    }
}

pub use crate::time::day_of;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_behave_as_the_map_they_replace() {
        let pairs = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        // Several orders and repeats: the same pairs, in the same order, as a BTreeMap collects them.
        for list in [
            pairs(&[("role", "button"), ("class", "like"), ("aria-pressed", "false")]),
            pairs(&[("b", "1"), ("a", "2"), ("b", "3"), ("a", "4"), ("c", "5")]),
            pairs(&[]),
            pairs(&[("x", "")]),
        ] {
            let attrs: Attrs = list.iter().cloned().collect();
            let map: BTreeMap<String, String> = list.iter().cloned().collect();
            assert_eq!(attrs.iter().collect::<Vec<_>>(), map.iter().collect::<Vec<_>>(), "{list:?}");
            assert_eq!(attrs.len(), map.len());
            for key in map.keys() {
                assert_eq!(attrs.get(key), map.get(key).map(String::as_str));
            }
            assert!(!attrs.contains_key("absent"));
        }
        let mut attrs: Attrs = pairs(&[("role", "button")]).into_iter().collect();
        assert_eq!(attrs.insert("aria-label".into(), "Like".into()), None);
        assert_eq!(attrs.insert("role".into(), "switch".into()), Some("button".into()));
        assert_eq!(attrs.keys().map(String::as_str).collect::<Vec<_>>(), ["aria-label", "role"]);
        assert_eq!(attrs.get("role"), Some("switch"));
        // JSON: an object both ways, in name order; anything but string values is refused.
        let read: Element = serde_json::from_str(r#"{"tag": "button", "attrs": {"role": "button", "aria-label": "Like"}}"#).unwrap();
        assert_eq!(read.attr("aria-label"), Some("Like"));
        assert_eq!(serde_json::to_string(&read.attrs).unwrap(), r#"{"aria-label":"Like","role":"button"}"#);
        assert!(serde_json::from_str::<Attrs>(r#"{"role": 1}"#).is_err());
        assert!(serde_json::from_str::<Attrs>(r#"["role", "button"]"#).is_err());
        assert_eq!(serde_json::from_str::<Element>(r#"{"tag": "b"}"#).unwrap().attrs, Attrs::default());
    }

    #[test]
    fn kinds_serialise_as_their_names() {
        for kind in Kind::ALL {
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
    }
}
