//! The generic judgement, given on every site (site rules refine it in `classify`): find the control that
//! was acted on, read it through `element`, refuse look-alikes, name the kind by its words (six languages)
//! or its pattern (a star in a rating group, a label picker's checkbox, an emoji reaction), and take the
//! effect from the state it changed.
//!
//! ```text
//!  path ─▶ control? ─▶ never / read-only / excluded words / counts / lists of people / rating displays ─▶ refuse
//!            │
//!            ├─ words say a kind (strong labels first, then ids and classes)        like, rating, report…
//!            ├─ a choice in a group whose words say "rate", "stars"               → rating
//!            ├─ a checkable item in a picker whose words say "labels", "tags"     → tag
//!            └─ a toggle labelled only by an emoji and a count                    → like (reaction)
//!                 │
//!                 └─ effect: state before → after (aria-pressed/checked/selected, "on" class, a label that
//!                    swaps to "Unlike"): off→on adds, on→off undoes; after unknown: judged on the before-state
//! ```
//! Its data (keywords, control and exclusion selectors) is `data/rules/generic.json`.

use crate::element::{self, declares_state, is_read_only, reads_the_same, Role, State, Words};
use crate::error::{Error, Result};
use crate::model::{Effect, Element, Kind};
use crate::selector::Selector;
use crate::text::{is_number, tokens, Phrase, PhraseSet};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How deep above the clicked node the control may be (an svg path inside an icon inside a button).
const CONTROL_DEPTH: usize = 6;

#[derive(Debug, PartialEq, Deserialize)]
pub(crate) struct KindSpec {
    kind: Kind,
    #[serde(default)]
    effect: Option<String>,
    phrases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    needs_context: Vec<String>,
    #[serde(default)]
    context_phrases: Vec<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GenericFile {
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
    people_nouns: BTreeMap<String, Vec<String>>,
    out_of: BTreeMap<String, Vec<String>>,
    rating_groups: BTreeMap<String, Vec<String>>,
    tag_pickers: BTreeMap<String, Vec<String>>,
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

/// The compiled generic judgement.
pub struct Generic {
    pub version: u32,
    controls: Selector,
    never: Selector,
    on_classes: Vec<String>,
    counter_nouns: Vec<String>,
    people_nouns: Vec<String>,
    out_of: Vec<Phrase>,
    rating_groups: PhraseSet,
    tag_pickers: PhraseSet,
    exclude: PhraseSet,
    kinds: Vec<KindMatcher>,
    /// Every kind's phrases, tagged with the kind's rank: one lookup per word finds the first kind.
    kind_index: PhraseSet,
    undo_phrases: PhraseSet,
}

/// How the judgement knows the effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The control's state changed in that direction (or its label swapped to the undo).
    Changed,
    /// Only the control's meaning and its state before (the page's answer is not known yet, or shows none).
    Meaning,
}

/// What the generic judgement found on a control.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericMatch {
    pub kind: Kind,
    pub effect: Effect,
    /// Index of the control in the observation's path.
    pub control: usize,
    pub evidence: Evidence,
}

impl crate::data::DataFile for GenericFile {
    const WHAT: &'static str = "generic heuristic";
    const FORMAT: u32 = crate::rules::RULE_FORMAT;
}

fn phrases(lists: &BTreeMap<String, Vec<String>>) -> Vec<Phrase> {
    lists.values().flatten().map(|p| Phrase::new(p)).filter(|p| !p.0.is_empty()).collect()
}

impl Generic {
    pub fn bundled() -> Generic {
        Generic::compile(Generic::baked_file()).expect("data/rules/generic.json is checked by tests")
    }

    /// `data/rules/generic.json` as build.rs baked it into static data (`data::baked`), converted (a test in
    /// `src/data.rs` compares it with the file loaded from JSON), so the module carries no JSON for it.
    pub(crate) fn baked_file() -> GenericFile {
        use crate::data::baked::{self, lists, opt, strings};
        static FILE: baked::Generic = include!(concat!(env!("OUT_DIR"), "/generic_baked.rs"));
        let f = &FILE;
        GenericFile {
            schema: None, // documentation stays in the JSON file
            format: f.format,
            note: None,
            version: f.version,
            controls: f.controls.to_string(),
            never: f.never.to_string(),
            on_classes: strings(f.on_classes),
            counter_nouns: lists(f.counter_nouns),
            people_nouns: lists(f.people_nouns),
            out_of: lists(f.out_of),
            rating_groups: lists(f.rating_groups),
            tag_pickers: lists(f.tag_pickers),
            exclude: lists(f.exclude),
            kinds: f
                .kinds
                .iter()
                .map(|k| KindSpec {
                    kind: k.kind,
                    effect: opt(k.effect),
                    phrases: lists(k.phrases),
                    needs_context: strings(k.needs_context),
                    context_phrases: strings(k.context_phrases),
                })
                .collect(),
        }
    }

    pub fn parse(json: &str) -> Result<Generic> {
        Generic::compile(crate::data::load("data/rules/generic.json", json)?)
    }

    fn compile(file: GenericFile) -> Result<Generic> {
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
        let undo_phrases = PhraseSet::new(kinds.iter().filter(|k| k.effect == Effect::Undo).flat_map(|k| k.phrases.iter().map(|p| (0, p.clone()))));
        let kind_index = PhraseSet::new(kinds.iter().enumerate().flat_map(|(rank, k)| k.phrases.iter().map(move |p| (rank, p.clone()))));
        let set = |lists: &BTreeMap<String, Vec<String>>| PhraseSet::new(phrases(lists).into_iter().map(|p| (0, p)));
        let nouns = |lists: &BTreeMap<String, Vec<String>>| lists.values().flatten().flat_map(|n| tokens(n)).collect();
        Ok(Generic {
            version: file.version,
            controls: Selector::parse(&file.controls)?,
            never: Selector::parse(&file.never)?,
            on_classes: file.on_classes,
            counter_nouns: nouns(&file.counter_nouns),
            people_nouns: nouns(&file.people_nouns),
            out_of: phrases(&file.out_of),
            rating_groups: set(&file.rating_groups),
            tag_pickers: set(&file.tag_pickers),
            exclude: set(&file.exclude),
            kinds,
            kind_index,
            undo_phrases,
        })
    }

    /// Class tokens that mean "on" (for `element::state`).
    pub fn on_classes(&self) -> &[String] {
        &self.on_classes
    }

    /// The toggle state of a control.
    pub fn state(&self, el: &Element) -> State {
        element::state(el, &self.on_classes)
    }

    /// Index of the control acted on: the nearest element in the path that is a button, link, radio…
    pub fn control_index(&self, path: &[Element]) -> Option<usize> {
        (0..path.len().min(CONTROL_DEPTH)).find(|&i| self.controls.matches(&path[i..]))
    }

    /// Judges a click or key press on an element chain, with the chain as it became when known.
    /// `None` when it is not labour.
    pub fn judge(&self, path: &[Element], after: Option<&[Element]>) -> Option<GenericMatch> {
        let control = self.control_index(path)?;
        // A display, not a control: the control itself read-only, disabled or an image, or inside a read-only
        // group (the stars of an average). Icons inside a button (`svg role=img`) are fine.
        let read_only_group = path[control + 1..].iter().take(3).any(|e| e.attr("aria-readonly") == Some("true") || e.attr("aria-disabled") == Some("true"));
        if is_read_only(&path[control]) || read_only_group {
            return None;
        }
        let el = &path[control];
        let role = Role::of(el);
        // Tabs switch views; a control that only opens a menu, picker or dialog ("Add reaction", "More")
        // is not the act itself, unless it toggles a state of its own.
        let opens_popup = el.attr("aria-haspopup").is_some_and(|v| v != "false") && !declares_state(el);
        if role == Role::Tab || opens_popup {
            return None;
        }
        // A link that goes somewhere ("Star Wars", "Heart of Darkness", "/likes") is navigation: its visible
        // text names a place, not an act. Its label or title may still say "like", and so may a text that is
        // nothing but an act ("Like", "Upvote": old server-rendered vote links).
        let text_is_an_act = || {
            el.text.as_deref().is_some_and(|t| {
                let words = tokens(t);
                !words.is_empty() && self.kinds.iter().any(|k| k.phrases.iter().chain(&k.weak).any(|p| p.0 == words))
            })
        };
        let words = Words::strong_of(&path[..=control], role != Role::Navigation || text_is_an_act());
        if self.is_look_alike(&words, role, el) {
            return None;
        }
        let (kind, phrase_effect) = self.kind_of(path, control, role, &words)?;
        // Fields, search boxes, tab lists, cookie and consent banners: tested last, once the words say an
        // act, because most clicks say none and this test walks every ancestor (the verdict is the same).
        if self.never.matches_from_any(path, control) {
            return None;
        }
        let after_el = after.and_then(|a| a.get(control..));
        let (effect, evidence) = self.effect(kind, phrase_effect, role, el, after_el)?;
        Some(GenericMatch { kind, effect, control, evidence })
    }

    /// Counts, lists of people, average-rating displays, and the words of other acts (share, follow…).
    fn is_look_alike(&self, words: &Words, role: Role, el: &Element) -> bool {
        if self.exclude.occurs_in(&words.strong) {
            return true;
        }
        let choice = role.is_choice();
        words.labels().any(|label| {
            // "1,234 likes", "12 reactions": a label that opens with a number and a counter noun. A star's
            // "4 stars" is a choice, not a count. "Like (12 likes)" opens with its verb and stays a control.
            let digits = label.iter().take_while(|w| is_number(w)).count();
            let counter = !choice && digits > 0 && label.get(digits).is_some_and(|n| self.counter_nouns.contains(n));
            // "Like: 12 people", "Mi piace a 12 persone": the list of who did it, unless the control toggles.
            let people = !declares_state(el)
                && label.windows(2).any(|w| is_number(&w[0]) && self.people_nouns.contains(&w[1]));
            // "4.5 out of 5", "4,5 sur 5": an average shown, unless it is a star to choose.
            let average = !choice
                && self.out_of.iter().any(|p| {
                    let n = p.0.len();
                    label.windows(n + 2).any(|w| is_number(&w[0]) && w[1..=n] == p.0[..] && is_number(&w[n + 1]))
                });
            counter || people || average
        })
    }

    /// The kind a control's words or pattern say, and the effect its words carry ("Unlike" undoes).
    fn kind_of(&self, path: &[Element], control: usize, role: Role, words: &Words) -> Option<(Kind, Effect)> {
        let context = || -> Words {
            let mut ctx = Words::default();
            for e in path[control + 1..].iter().take(CONTROL_DEPTH) {
                let w = Words::of(std::slice::from_ref(e), true);
                ctx.strong.extend(w.strong);
                ctx.strong.extend(w.weak);
            }
            ctx
        };
        let by_words = |run: &[String]| -> Option<(Kind, Effect)> {
            let by_phrase = self.kind_index.first_match(run).unwrap_or(usize::MAX);
            // Phrases that need their context ("Yes" under "Was this helpful?") only if they rank first.
            let by_context = self.kinds[..by_phrase.min(self.kinds.len())]
                .iter()
                .position(|k| !k.weak.is_empty() && k.weak.iter().any(|p| p.occurs_in(run)) && context().says(&k.context));
            let k = &self.kinds[by_context.or((by_phrase != usize::MAX).then_some(by_phrase))?];
            // A choice among stars is a rating: "4 stars", "Love it", "★".
            let kind = if role.is_choice() && k.kind == Kind::Like { Kind::Rating } else { k.kind };
            Some((kind, k.effect))
        };
        // Strong words (labels people read) decide first; weak ones (class names, ids) only if no strong word
        // does, so they are read only then.
        if let Some(found) = by_words(&words.strong).or_else(|| by_words(&Words::weak_of(&path[..=control]).weak)) {
            return Some(found);
        }
        // Patterns the words of the group tell: a star in "Rate this recipe", a label in a "Labels" picker.
        if role.is_choice() && self.rating_groups.occurs_in(&context().strong) {
            return Some((Kind::Rating, Effect::Add));
        }
        if matches!(role, Role::MenuItemCheckbox | Role::Checkbox | Role::Option) && self.tag_pickers.occurs_in(&context().strong) {
            return Some((Kind::Tag, Effect::Add));
        }
        if words.is_emoji_and_count() && declares_state(&path[control]) {
            return Some((Kind::Like, Effect::Add));
        }
        None
    }

    /// The effect, from the state the control changed (or, with the page's answer unknown, the state
    /// before): `None` when a toggle visibly did not change.
    fn effect(&self, kind: Kind, phrase_effect: Effect, role: Role, el: &Element, after: Option<&[Element]>) -> Option<(Effect, Evidence)> {
        let before = self.state(el);
        let after_el = after.and_then(|a| a.first());
        let after_state = after_el.map(|e| self.state(e));
        // Only a label that changed can have swapped: an unchanged one is not tokenised again.
        let relabelled = after_el.filter(|a| !reads_the_same(el, a));
        let says_undo = |e: &Element| self.undo_phrases.occurs_in(&Words::strong_of(std::slice::from_ref(e), true).strong);
        if phrase_effect == Effect::Undo {
            // "Unlike" clicked: undone (whether or not the label swapped back).
            return Some((Effect::Undo, if relabelled.is_some_and(|a| !says_undo(a)) { Evidence::Changed } else { Evidence::Meaning }));
        }
        // A label that swaps to "Unlike" after the click shows the like took.
        if relabelled.is_some_and(says_undo) {
            return Some((Effect::Add, Evidence::Changed));
        }
        let toggles = matches!(kind, Kind::Like | Kind::Tag) || matches!(role, Role::Switch | Role::Checkbox | Role::MenuItemCheckbox);
        match (before, after_state) {
            (State::Off | State::Unknown, Some(State::On)) => Some((Effect::Add, Evidence::Changed)),
            // An "active" class that goes away is an undo too, not only aria-pressed=false.
            (State::On, Some(State::Off | State::Unknown)) if !role.is_choice() => Some((Effect::Undo, Evidence::Changed)),
            (State::On, None) if toggles => Some((Effect::Undo, Evidence::Meaning)),
            (State::On, Some(State::On)) | (State::Off, Some(State::Off)) if toggles => None,
            _ => Some((Effect::Add, Evidence::Meaning)),
        }
    }

    /// Whether the words of a control say the undo of a like ("Unlike", "Remove like").
    pub fn says_undo(&self, el: &[Element]) -> bool {
        self.undo_phrases.occurs_in(&Words::strong_of(el, true).strong)
    }
}

#[cfg(test)]
impl GenericFile {
    /// The file without its documentation fields, which the baked data leaves out.
    pub(crate) fn without_docs(self) -> GenericFile {
        GenericFile { schema: None, note: None, ..self }
    }
}
