//! Reading an element chain: what a person sees on the control they acted on. Both judges (site rules in
//! `classify`, the generic judgement in `generic`) read through this module, and only through it.
//!
//! ```text
//!  path: [clicked node, …, control, …ancestors…, body]          (the sensor's chain, nearest first)
//!          └── reading ──┬─ words   labels people read (aria-label, title, alt, test ids, short text;
//!                        │          emoji and counts kept as their own tokens) + weak words (id, class,
//!                        │          the id aria-labelledby names)
//!                        ├─ role    native or ARIA: button, link (navigates?), radio, switch, tab, …
//!                        ├─ state   aria-pressed/checked/selected, "on" classes, `checked`
//!                        ├─ value   the number a star or score carries ("4 stars", value="4")
//!                        └─ item    the ancestor that stands for the thing acted on (a rating group)
//! ```
//! Nothing here decides whether something is labour; it only reads.

use crate::model::Element;
use crate::text::{first_number, push_tokens, Phrase};

/// Separates the token runs of two attributes, so a phrase never runs across them. Tokens are never
/// empty, so the empty word (which costs no allocation) cannot be mistaken for one.
pub const SEPARATOR: &str = "";

/// The attributes whose words people read (with the element's own text): its strong words.
const LABELS: [&str; 7] = ["aria-label", "title", "alt", "data-testid", "data-tooltip", "aria-description", "value"];

/// Whether two states of one element read the same to a person: same text, same labelling attributes.
/// Cheaper than comparing their words, which would tokenise both.
pub fn reads_the_same(a: &Element, b: &Element) -> bool {
    a.text == b.text && LABELS.iter().all(|name| a.attr(name) == b.attr(name))
}

/// What a control says: the words people read (strong) and the words of identifiers (weak).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Words {
    pub strong: Vec<String>,
    pub weak: Vec<String>,
}

impl Words {
    /// Words of a run of elements (clicked node up to the control). Without `with_text`, only labels,
    /// titles and test ids: a navigating link's visible text names a place, not an act.
    pub fn of(elements: &[Element], with_text: bool) -> Words {
        let mut w = Words::default();
        for el in elements {
            w.add_strong(el, with_text);
            w.add_weak(el);
        }
        w
    }

    /// Only the identifiers' words: `strong` stays empty.
    pub fn weak_of(elements: &[Element]) -> Words {
        let mut w = Words::default();
        for el in elements {
            w.add_weak(el);
        }
        w
    }

    /// Only the words people read (all that `says` and the undo check look at): `weak` stays empty.
    pub fn strong_of(elements: &[Element], with_text: bool) -> Words {
        let mut w = Words::default();
        for el in elements {
            w.add_strong(el, with_text);
        }
        w
    }

    fn add_strong(&mut self, el: &Element, with_text: bool) {
        for attr in LABELS {
            if let Some(v) = el.attr(attr) {
                push_tokens(v, &mut self.strong);
                self.strong.push(SEPARATOR.into());
            }
        }
        if let Some(t) = el.text.as_ref().filter(|_| with_text) {
            push_tokens(t, &mut self.strong);
            self.strong.push(SEPARATOR.into());
        }
    }

    fn add_weak(&mut self, el: &Element) {
        // Identifiers: weak words. `aria-labelledby` names the label's id ("rating-label"), not its text.
        for attr in ["id", "name", "class", "data-action", "data-test", "data-qa", "aria-labelledby"] {
            if let Some(v) = el.attr(attr) {
                push_tokens(v, &mut self.weak);
                self.weak.push(SEPARATOR.into());
            }
        }
    }

    /// Whether one of `phrases` is among the words people read.
    pub fn says(&self, phrases: &[Phrase]) -> bool {
        phrases.iter().any(|p| p.occurs_in(&self.strong))
    }

    /// The labels one at a time (one per attribute or text).
    pub fn labels(&self) -> impl Iterator<Item = &[String]> {
        self.strong.split(|w| w == SEPARATOR).filter(|l| !l.is_empty())
    }

    /// Whether the labels hold nothing but an emoji and a count ("😂 3"): a reaction. A bare icon ("♡")
    /// says too little.
    pub fn is_emoji_and_count(&self) -> bool {
        let (mut emoji, mut count) = (false, false);
        for w in self.strong.iter().filter(|w| *w != SEPARATOR) {
            if is_emoji(w) {
                emoji = true;
            } else if crate::text::is_number(w) {
                count = true;
            } else {
                return false;
            }
        }
        emoji && count
    }
}

/// Whether a token is one emoji (as `tokens` splits them).
pub fn is_emoji(token: &str) -> bool {
    token.chars().next().is_some_and(crate::text::is_emoji_char)
}

/// The role of a control, native or ARIA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Button,
    /// A link that goes to another page (not `#`, not `javascript:`, no button role).
    Navigation,
    Radio,
    Checkbox,
    Switch,
    MenuItem,
    MenuItemCheckbox,
    MenuItemRadio,
    Option,
    Tab,
    /// A submit control (`type=submit`, `input[type=submit]`).
    Submit,
    Other,
}

impl Role {
    pub fn of(el: &Element) -> Role {
        match el.attr("role") {
            Some("radio") => return Role::Radio,
            Some("checkbox") => return Role::Checkbox,
            Some("switch") => return Role::Switch,
            Some("menuitem") => return Role::MenuItem,
            Some("menuitemcheckbox") => return Role::MenuItemCheckbox,
            Some("menuitemradio") => return Role::MenuItemRadio,
            Some("option") => return Role::Option,
            Some("tab") => return Role::Tab,
            Some("button" | "link") => return Role::Button,
            _ => {}
        }
        match (el.tag.as_str(), el.attr("type")) {
            ("input", Some("radio")) => Role::Radio,
            ("input", Some("checkbox")) => Role::Checkbox,
            ("input", Some("submit" | "image")) | ("button", Some("submit")) => Role::Submit,
            ("button", _) | ("input", Some("button")) | ("summary", _) => Role::Button,
            ("a", _) if navigates(el) => Role::Navigation,
            ("a", _) => Role::Button,
            _ => Role::Other,
        }
    }

    /// Radios and stars: a choice among several, where choosing again replaces.
    pub fn is_choice(self) -> bool {
        matches!(self, Role::Radio | Role::MenuItemRadio)
    }

    /// Checkable controls whose state is `aria-checked` / `checked`.
    pub fn is_checkable(self) -> bool {
        matches!(self, Role::Checkbox | Role::Switch | Role::MenuItemCheckbox | Role::Radio | Role::MenuItemRadio | Role::Option)
    }
}

/// Whether a link takes the user to another page.
pub fn navigates(el: &Element) -> bool {
    el.tag == "a"
        && el.attr("role").is_none()
        && el.attr("href").is_some_and(|h| !(h.is_empty() || h.starts_with('#') || h.starts_with("javascript:")))
}

/// A control's toggle state, where it shows one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    On,
    Off,
    Unknown,
}

/// Reads the toggle state: aria-pressed/checked/selected, then "on" class tokens, then `checked`.
pub fn state(el: &Element, on_classes: &[String]) -> State {
    for attr in ["aria-pressed", "aria-checked", "aria-selected"] {
        match el.attr(attr) {
            Some("true" | "mixed") => return State::On,
            Some("false") => return State::Off,
            _ => {}
        }
    }
    if el.classes().any(|c| on_classes.iter().any(|o| o.eq_ignore_ascii_case(c))) {
        return State::On;
    }
    if el.attrs.contains_key("checked") {
        return State::On;
    }
    State::Unknown
}

/// Whether the element declares a toggle state at all (a pressed/checked attribute).
pub fn declares_state(el: &Element) -> bool {
    ["aria-pressed", "aria-checked", "aria-selected"].iter().any(|a| el.attrs.contains_key(*a))
}

/// A display rather than a control: read-only, disabled, or an image/meter role ("4.5 out of 5").
pub fn is_read_only(el: &Element) -> bool {
    el.attr("aria-readonly") == Some("true")
        || el.attr("aria-disabled") == Some("true")
        || el.attrs.contains_key("disabled")
        || matches!(el.attr("role"), Some("img" | "meter" | "progressbar" | "status" | "presentation"))
}

/// The number a rating control carries ("Rate 4", "4 étoiles", value="4").
pub fn value(el: &Element) -> Option<f32> {
    ["aria-label", "title", "value", "data-value", "data-rating", "data-score", "aria-valuenow", "aria-posinset"]
        .iter()
        .filter_map(|a| el.attr(a))
        .chain(el.text.as_deref())
        .find_map(first_number)
}

/// Index of the nearest ancestor (from `from` upwards) that groups choices: a radio group, a fieldset,
/// a form. Within `depth` levels; `None` when there is none.
pub fn group_of(path: &[Element], from: usize, depth: usize) -> Option<usize> {
    (from + 1..path.len().min(from + 1 + depth)).find(|&j| {
        let e = &path[j];
        matches!(e.attr("role"), Some("radiogroup" | "group" | "menu" | "listbox")) || e.tag == "fieldset" || e.tag == "form"
    })
}

/// Index of the nearest dialog or form from `from` upwards: where commitments are made.
pub fn dialog_or_form_from(path: &[Element], from: usize) -> Option<usize> {
    (from..path.len()).find(|&j| is_dialog_or_form(&path[j]))
}

fn is_dialog_or_form(e: &Element) -> bool {
    // One pass over the attributes for both questions (`role=dialog`, `aria-modal=true`): this runs on every
    // ancestor of every judged control.
    e.tag == "form"
        || e.tag == "dialog"
        || e.attrs.iter().any(|(name, value)| match name.as_str() {
            "role" => value == "dialog" || value == "alertdialog",
            "aria-modal" => value == "true",
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selector::tests::el;

    #[test]
    fn roles_native_and_aria() {
        assert_eq!(Role::of(&el("button", &[])), Role::Button);
        assert_eq!(Role::of(&el("button", &[("type", "submit")])), Role::Submit);
        assert_eq!(Role::of(&el("div", &[("role", "switch")])), Role::Switch);
        assert_eq!(Role::of(&el("input", &[("type", "radio")])), Role::Radio);
        assert_eq!(Role::of(&el("a", &[("href", "/likes")])), Role::Navigation);
        assert_eq!(Role::of(&el("a", &[("href", "#")])), Role::Button);
        assert_eq!(Role::of(&el("a", &[("href", "/x"), ("role", "button")])), Role::Button);
        assert_eq!(Role::of(&el("div", &[("role", "tab")])), Role::Tab);
    }

    #[test]
    fn words_keep_emoji_and_counts_apart() {
        let w = Words::of(&[Element { text: Some("👍 12".into()), ..el("button", &[]) }], true);
        assert!(w.is_emoji_and_count());
        let w = Words::of(&[Element { text: Some("Like 12".into()), ..el("button", &[]) }], true);
        assert!(!w.is_emoji_and_count());
        let w = Words::of(&[Element { text: Some("♡".into()), ..el("button", &[]) }], true);
        assert!(!w.is_emoji_and_count());
    }

    #[test]
    fn states_and_values() {
        let on = vec!["active".to_string()];
        assert_eq!(state(&el("b", &[("aria-checked", "true")]), &on), State::On);
        assert_eq!(state(&el("b", &[("aria-pressed", "false"), ("class", "active")]), &on), State::Off);
        assert_eq!(state(&el("b", &[("class", "btn active")]), &on), State::On);
        assert_eq!(state(&el("b", &[]), &on), State::Unknown);
        assert_eq!(value(&el("span", &[("aria-label", "4 stars")])), Some(4.0));
        assert_eq!(value(&el("input", &[("value", "3")])), Some(3.0));
        assert!(is_read_only(&el("div", &[("role", "img"), ("aria-label", "4.5 out of 5")])));
    }
}
