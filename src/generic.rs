//! The generic heuristic for sites without a rule: find the control that was acted on, read its words
//! in six languages, refuse counters, lists and unrelated buttons, and read its toggle state.
//! Its data (keywords, control and exclusion selectors) is `data/rules/generic.json`.

use crate::error::{Error, Result};
use crate::model::{Effect, Element, Kind};
use crate::selector::Selector;
use crate::text::{is_number, tokens, Phrase};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How deep above the clicked node the control may be (an svg path inside an icon inside a button).
const CONTROL_DEPTH: usize = 6;

#[derive(Deserialize)]
struct KindSpec {
    kind: Kind,
    #[serde(default)]
    effect: Option<String>,
    phrases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    needs_context: Vec<String>,
    #[serde(default)]
    context_phrases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenericFile {
    #[serde(rename = "$schema", default)]
    #[allow(dead_code)]
    schema: Option<String>,
    #[allow(dead_code)]
    format: u32,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    version: u32,
    controls: String,
    never: String,
    on_classes: Vec<String>,
    counter_nouns: BTreeMap<String, Vec<String>>,
    exclude: BTreeMap<String, Vec<String>>,
    kinds: Vec<KindSpec>,
}

struct KindMatcher {
    kind: Kind,
    effect: Effect,
    phrases: Vec<Phrase>,
    /// Phrases that only count when an ancestor carries one of `context`.
    weak: Vec<Phrase>,
    context: Vec<Phrase>,
}

/// The compiled generic heuristic.
pub struct Generic {
    pub version: u32,
    controls: Selector,
    never: Selector,
    on_classes: Vec<String>,
    counter_nouns: Vec<String>,
    exclude: Vec<Phrase>,
    kinds: Vec<KindMatcher>,
}

/// What the heuristic found on a control.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericMatch {
    pub kind: Kind,
    pub effect: Effect,
    /// Index of the control in the observation's path.
    pub control: usize,
}

/// A control's toggle state, where it shows one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum State {
    On,
    Off,
    Unknown,
}

impl crate::data::DataFile for GenericFile {
    const WHAT: &'static str = "generic heuristic";
    const FORMAT: u32 = crate::rules::RULE_FORMAT;
}

impl Generic {
    pub fn bundled() -> Generic {
        Generic::parse(include_str!("../data/rules/generic.json")).expect("data/rules/generic.json is checked by tests")
    }

    pub fn parse(json: &str) -> Result<Generic> {
        let file: GenericFile = crate::data::load("data/rules/generic.json", json)?;
        let phrases = |lists: &BTreeMap<String, Vec<String>>| -> Vec<Phrase> {
            lists.values().flatten().map(|p| Phrase::new(p)).collect()
        };
        let kinds = file
            .kinds
            .iter()
            .map(|k| {
                let effect = match k.effect.as_deref() {
                    None | Some("add") => Effect::Add,
                    Some("undo") => Effect::Undo,
                    Some(other) => return Err(Error::BadRule(format!("generic.json: effect {other:?}"))),
                };
                let (weak, strong): (Vec<Phrase>, Vec<Phrase>) =
                    phrases(&k.phrases).into_iter().partition(|p| k.needs_context.iter().any(|w| Phrase::new(w) == *p));
                Ok(KindMatcher {
                    kind: k.kind,
                    effect,
                    phrases: strong,
                    weak,
                    context: k.context_phrases.iter().map(|p| Phrase::new(p)).collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Generic {
            version: file.version,
            controls: Selector::parse(&file.controls)?,
            never: Selector::parse(&file.never)?,
            on_classes: file.on_classes,
            counter_nouns: file.counter_nouns.values().flatten().flat_map(|n| tokens(n)).collect(),
            exclude: phrases(&file.exclude),
            kinds,
        })
    }

    /// Index of the control acted on: the nearest element in the path that is a button, link, radio…
    pub fn control_index(&self, path: &[Element]) -> Option<usize> {
        (0..path.len().min(CONTROL_DEPTH)).find(|&i| self.controls.matches(&path[i..]))
    }

    /// Classifies a click or key press on an element chain. `None` when it is not labour.
    pub fn classify(&self, path: &[Element]) -> Option<GenericMatch> {
        let control = self.control_index(path)?;
        if (0..=control).any(|i| self.never.matches(&path[i..])) {
            return None;
        }
        // A link that goes somewhere ("Star Wars", "Heart of Darkness", "Why I like Rust") is navigation: its
        // visible text names a place, not an act. Its label or title may still say "like", and so may a text
        // that is nothing but an act ("Like", "Upvote": old server-rendered vote links).
        let navigates = path[control].tag == "a"
            && path[control].attr("role").is_none()
            && path[control].attr("href").is_some_and(|h| !(h.is_empty() || h.starts_with('#') || h.starts_with("javascript:")));
        let text_is_an_act = || {
            path[control].text.as_deref().is_some_and(|t| {
                let words = tokens(t);
                !words.is_empty() && self.kinds.iter().any(|k| k.phrases.iter().chain(&k.weak).any(|p| p.0 == words))
            })
        };
        let (strong, weak) =
            if navigates && !text_is_an_act() { describe_labels(&path[..=control]) } else { describe(&path[..=control]) };
        let is_radio = path[control].attr("role") == Some("radio")
            || (path[control].tag == "input" && path[control].attr("type") == Some("radio"));
        // A radio's "4 stars" is a choice, not a count.
        if self.exclude.iter().any(|p| p.occurs_in(&strong)) || (!is_radio && self.is_counter(&strong)) {
            return None;
        }
        let context = || {
            path[control + 1..].iter().take(CONTROL_DEPTH).flat_map(|e| {
                let (s, w) = describe(std::slice::from_ref(e));
                s.into_iter().chain(w)
            }).collect::<Vec<_>>()
        };
        // Strong words (labels people read) decide first; weak ones (class names, ids) only if no strong word does.
        for words in [&strong, &weak] {
            for k in &self.kinds {
                let hit = k.phrases.iter().any(|p| p.occurs_in(words))
                    || (!k.weak.is_empty() && k.weak.iter().any(|p| p.occurs_in(words)) && {
                        let ctx = context();
                        k.context.iter().any(|p| p.occurs_in(&ctx))
                    });
                if hit {
                    // A radio is always a rating: "4 stars", "Love it".
                    let kind = if is_radio && k.kind == Kind::Like { Kind::Rating } else { k.kind };
                    return Some(GenericMatch { kind, effect: k.effect, control });
                }
            }
        }
        None
    }

    /// "1,234 likes", "12 reactions": a label that opens with a number and a counter noun is a count, not a
    /// control. "Like (12 likes)" opens with its verb and stays a control.
    fn is_counter(&self, words: &[String]) -> bool {
        words.split(|w| w == "\u{0}").any(|label| {
            let digits = label.iter().take_while(|w| is_number(w)).count();
            digits > 0 && label.get(digits).is_some_and(|noun| self.counter_nouns.contains(noun))
        })
    }

    /// Reads the toggle state of a control: aria-pressed/checked/selected, then "on" class tokens.
    pub fn state(&self, el: &Element) -> State {
        for attr in ["aria-pressed", "aria-checked", "aria-selected"] {
            match el.attr(attr) {
                Some("true" | "mixed") => return State::On,
                Some("false") => return State::Off,
                _ => {}
            }
        }
        if el.classes().any(|c| self.on_classes.iter().any(|o| o.eq_ignore_ascii_case(c))) {
            return State::On;
        }
        if el.attrs.contains_key("checked") {
            return State::On;
        }
        State::Unknown
    }

    /// Whether the words of a control say the undo of a like ("Unlike", "Remove like").
    pub fn says_undo(&self, el: &[Element]) -> bool {
        let (strong, _) = describe(el);
        self.kinds.iter().filter(|k| k.effect == Effect::Undo).any(|k| k.phrases.iter().any(|p| p.occurs_in(&strong)))
    }
}

/// Strong and weak word tokens of a run of elements (the clicked node up to its control).
pub fn describe(elements: &[Element]) -> (Vec<String>, Vec<String>) {
    describe_with(elements, true)
}

/// The same without visible text: labels, titles and test ids only.
fn describe_labels(elements: &[Element]) -> (Vec<String>, Vec<String>) {
    describe_with(elements, false)
}

fn describe_with(elements: &[Element], with_text: bool) -> (Vec<String>, Vec<String>) {
    let mut strong = Vec::new();
    let mut weak = Vec::new();
    for el in elements {
        for attr in ["aria-label", "title", "alt", "data-testid", "data-tooltip", "aria-description", "value"] {
            if let Some(v) = el.attr(attr) {
                strong.extend(tokens(v));
                strong.push("\u{0}".into()); // keep phrases from running across attributes
            }
        }
        if let Some(t) = el.text.as_ref().filter(|_| with_text) {
            strong.extend(tokens(t));
            strong.push("\u{0}".into());
        }
        for attr in ["id", "name", "class", "data-action", "data-test", "data-qa"] {
            if let Some(v) = el.attr(attr) {
                weak.extend(tokens(v));
                weak.push("\u{0}".into());
            }
        }
    }
    (strong, weak)
}
