//! Judgement: turns a sensor's `Observation` into `Labour`, or decides it was not labour.
//! Site rules are tried first (the first rule whose target matches decides, even if it decides "nothing
//! happened"); the generic heuristic covers every other site.

use crate::generic::{describe, Generic, State};
use crate::model::{Action, Effect, Element, Kind, Labour, Observation};
use crate::rules::{bundled_rules, AmountSource, Rule, RuleEffect, ValueSource};
use crate::site::site_of;
use crate::text::{first_number, Phrase};

/// How far above the clicked node a rule's target may be.
const TARGET_DEPTH: usize = 8;

pub struct Classifier {
    rules: Vec<Rule>,
    generic: Generic,
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::new(bundled_rules())
    }
}

impl Classifier {
    pub fn new(rules: Vec<Rule>) -> Classifier {
        Classifier { rules, generic: Generic::bundled() }
    }

    /// Adds a user's local rules; they are tried before the bundled ones so a user can correct a rule.
    pub fn with_local_rules(mut self, local: Vec<Rule>) -> Classifier {
        let mut rules = local;
        rules.append(&mut self.rules);
        self.rules = rules;
        self
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The site an observation belongs to: the registrable domain of the frame it happened in. A frame
    /// from another site than the top page (an ad, an embedded player) is judged as its own site, never
    /// with the top site's rules; frames without an address of their own (`about:blank`, `about:srcdoc`)
    /// belong to the page that made them.
    pub fn site(obs: &Observation) -> String {
        let top = obs.top_url.as_deref().unwrap_or(&obs.url);
        if obs.url.is_empty() || obs.url.starts_with("about:") {
            site_of(top)
        } else {
            site_of(&obs.url)
        }
    }

    pub fn classify(&self, obs: &Observation) -> Vec<Labour> {
        let site = Self::site(obs);
        for rule in self.rules.iter().filter(|r| r.applies_to(&site) && r.spec.actions.contains(&obs.action)) {
            if let Some(index) = (0..obs.path.len().min(TARGET_DEPTH))
                .find(|&i| rule.target.matches(&obs.path[i..]) && says_one_of(&rule.words, &obs.path[..=i]))
            {
                return self.apply_rule(rule, index, obs, &site);
            }
        }
        self.apply_generic(obs, &site)
    }

    /// The labour a matching rule finds: none, one, or a post and the hashtags it carries.
    fn apply_rule(&self, rule: &Rule, index: usize, obs: &Observation, site: &str) -> Vec<Labour> {
        let Some(labour) = self.rule_labour(rule, index, obs, site) else { return Vec::new() };
        let hashtags = obs.text.map_or(0, |t| t.hashtags);
        let carries_hashtags = labour.kind == Kind::Review && rule.spec.amount.is_none() && hashtags > 0;
        let tags = carries_hashtags.then(|| Labour {
            kind: Kind::Tag,
            effect: Effect::Add,
            rule: labour.rule.clone(),
            item: item_key(site, obs, index, Kind::Tag, true),
            amount: hashtags,
            value: None,
            words: None,
            chars: None,
            replaceable: false,
        });
        std::iter::once(labour).chain(tags).collect()
    }

    fn rule_labour(&self, rule: &Rule, index: usize, obs: &Observation, site: &str) -> Option<Labour> {
        let spec = &rule.spec;
        let effect = match spec.effect {
            RuleEffect::Ignore => return None,
            RuleEffect::Add => Effect::Add,
            RuleEffect::Undo => Effect::Undo,
            RuleEffect::Toggle => {
                let on = rule.on.as_ref().expect("unreachable: toggle rules are compiled with `on`");
                let before = on.matches(&obs.path[index..]);
                let after = obs.after.as_ref().and_then(|a| a.get(index..)).map(|a| on.matches(a));
                toggle_effect(before, after)?
            }
        };
        let text = obs.text.unwrap_or_default();
        if spec.needs_text && text.words == 0 {
            return None;
        }
        let amount = match spec.amount {
            Some(AmountSource::Hashtags) => text.hashtags,
            None => 1,
        };
        if amount == 0 {
            return None;
        }
        let item_index = rule
            .item
            .as_ref()
            .and_then(|sel| (index..obs.path.len()).find(|&j| sel.matches(&obs.path[j..])))
            .unwrap_or(index);
        let value = match spec.value {
            Some(ValueSource::Label) => read_value(&obs.path[index]),
            None => None,
        };
        let one_shot = matches!(obs.action, Action::Submit | Action::TagKey);
        let named_item = spec.item_id_attr.as_deref().and_then(|attr| {
            obs.path[index..].iter().find_map(|e| e.attr(attr)).and_then(first_digits)
        });
        let item = match named_item {
            Some(number) => named_item_key(site, spec.kind, number),
            None => item_key(site, obs, item_index, spec.kind, one_shot),
        };
        Some(Labour {
            kind: spec.kind,
            effect,
            rule: rule.label(),
            item,
            amount,
            value,
            words: (obs.action == Action::Submit && spec.kind == Kind::Review).then_some(text.words),
            chars: (obs.action == Action::Submit && spec.kind == Kind::Review).then_some(text.chars),
            replaceable: spec.kind == Kind::Rating,
        })
    }

    fn apply_generic(&self, obs: &Observation, site: &str) -> Vec<Labour> {
        let rule = |name: &str| format!("generic.{name}@{}", self.generic.version);
        match obs.action {
            Action::Submit => {
                let text = obs.text.unwrap_or_default();
                let in_search = obs.path.iter().any(|e| e.attr("role") == Some("search"));
                if text.words == 0 || in_search {
                    return Vec::new();
                }
                let mut out = vec![Labour {
                    kind: Kind::Review,
                    effect: Effect::Add,
                    rule: rule("review"),
                    item: item_key(site, obs, 0, Kind::Review, true),
                    amount: 1,
                    value: None,
                    words: Some(text.words),
                    chars: Some(text.chars),
                    replaceable: false,
                }];
                if text.hashtags > 0 {
                    out.push(Labour {
                        kind: Kind::Tag,
                        effect: Effect::Add,
                        rule: rule("hashtag"),
                        item: item_key(site, obs, 0, Kind::Tag, true),
                        amount: text.hashtags,
                        value: None,
                        words: None,
                        chars: None,
                        replaceable: false,
                    });
                }
                out
            }
            Action::TagKey => {
                let Some(field) = obs.path.first() else { return Vec::new() };
                let is_tag_field = ["id", "name", "aria-label", "placeholder", "class"].iter().any(|a| {
                    field.attr(a).is_some_and(|v| {
                        crate::text::tokens(v).iter().any(|t| TAG_WORDS.contains(&t.as_str()))
                    })
                });
                if !obs.has_value || !is_tag_field || field.attr("type") == Some("search") {
                    return Vec::new();
                }
                vec![Labour {
                    kind: Kind::Tag,
                    effect: Effect::Add,
                    rule: rule("tag-editor"),
                    item: item_key(site, obs, 0, Kind::Tag, true),
                    amount: 1,
                    value: None,
                    words: None,
                    chars: None,
                    replaceable: false,
                }]
            }
            Action::Click | Action::Key => {
                let Some(m) = self.generic.classify(&obs.path) else { return Vec::new() };
                let control = &obs.path[m.control];
                let after = obs.after.as_ref().and_then(|a| a.get(m.control..));
                let effect = if m.effect == Effect::Undo {
                    Effect::Undo
                } else {
                    let before = self.generic.state(control);
                    let after_state = after.and_then(|a| a.first()).map(|e| self.generic.state(e));
                    match (before, after_state) {
                        // A label that flips to "Unlike" after the click shows the like took.
                        (_, _) if after.is_some_and(|a| self.generic.says_undo(&a[..1])) => Effect::Add,
                        (State::Off | State::Unknown, Some(State::On)) => Effect::Add,
                        // An "active" class that goes away is an unlike too, not only aria-pressed=false.
                        (State::On, Some(State::Off | State::Unknown)) => Effect::Undo,
                        (State::On, None) if m.kind == Kind::Like => Effect::Undo,
                        (State::On, Some(State::On)) | (State::Off, Some(State::Off))
                            if matches!(m.kind, Kind::Like) =>
                        {
                            return Vec::new();
                        }
                        _ => Effect::Add,
                    }
                };
                let value = if m.kind == Kind::Rating { read_value(control) } else { None };
                vec![Labour {
                    kind: m.kind,
                    effect,
                    rule: rule(m.kind.as_str()),
                    item: item_key(site, obs, item_index_generic(&obs.path, m.control, m.kind), m.kind, false),
                    amount: 1,
                    value,
                    words: None,
                    chars: None,
                    replaceable: m.kind == Kind::Rating,
                }]
            }
        }
    }
}

/// Words that mark a text field as a tag editor, in the supported languages.
const TAG_WORDS: &[&str] = &["tag", "tags", "tagnames", "hashtag", "hashtags", "label", "labels", "étiquette", "étiquettes", "mot-clé", "etiqueta", "etiquetas", "schlagwort", "schlagwörter", "etichetta", "etichette", "marcador", "marcadores"];

/// For a generic rating, the item is the group the radio or button sits in, so choosing another star
/// replaces the first choice.
fn item_index_generic(path: &[Element], control: usize, kind: Kind) -> usize {
    if kind != Kind::Rating {
        return control;
    }
    (control + 1..path.len().min(control + 4))
        .find(|&j| {
            let e = &path[j];
            matches!(e.attr("role"), Some("radiogroup" | "group")) || e.tag == "fieldset" || e.tag == "form"
        })
        .unwrap_or(control + 1).min(path.len() - 1)
}

/// off→on is labour, on→off undoes it, no change is nothing; an unreadable "after" means the click flipped it.
fn toggle_effect(before: bool, after: Option<bool>) -> Option<Effect> {
    match (before, after) {
        (false, Some(true)) | (false, None) => Some(Effect::Add),
        (true, Some(false)) | (true, None) => Some(Effect::Undo),
        (_, Some(_)) => None,
    }
}

fn read_value(el: &Element) -> Option<f32> {
    ["aria-label", "title", "value", "data-value", "aria-valuenow"]
        .iter()
        .filter_map(|a| el.attr(a))
        .chain(el.text.as_deref())
        .find_map(first_number)
}

/// Whether the words people read on a run of elements (clicked node up to the control) include one of
/// `phrases`; true when there are none to look for.
fn says_one_of(phrases: &[Phrase], elements: &[Element]) -> bool {
    if phrases.is_empty() {
        return true;
    }
    let (strong, _) = describe(elements);
    phrases.iter().any(|p| p.occurs_in(&strong))
}

/// The first run of digits in a value (`up_41234567` → `41234567`), kept whole: ids outgrow floats.
fn first_digits(value: &str) -> Option<&str> {
    let start = value.find(|c: char| c.is_ascii_digit())?;
    let rest = &value[start..];
    Some(&rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len())])
}

/// Key of an item the page names by number (a post id): the same wherever on the page the control sits.
fn named_item_key(site: &str, kind: Kind, number: &str) -> String {
    let mut h = Fnv::new();
    h.write(site.as_bytes());
    h.write(kind.as_str().as_bytes());
    h.write(number.as_bytes());
    format!("{:016x}", h.0)
}

/// A content-free key for the thing acted on: a hash of the site, the page address without fragment,
/// the item element's position in the document and the kind. One-shot actions (a submitted post, a tag
/// typed) are their own items.
pub fn item_key(site: &str, obs: &Observation, index: usize, kind: Kind, one_shot: bool) -> String {
    let mut h = Fnv::new();
    h.write(site.as_bytes());
    h.write(obs.url.split('#').next().unwrap_or("").as_bytes());
    h.write(kind.as_str().as_bytes());
    if one_shot {
        h.write(obs.id.as_bytes());
    }
    for el in obs.path.iter().skip(index) {
        h.write(el.tag.as_bytes());
        h.write(&el.nth.to_le_bytes());
    }
    format!("{:016x}", h.0)
}

/// FNV-1a, 64 bits: stable across builds and platforms, which `std`'s hasher does not promise.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // separator, so ("ab","c") and ("a","bc") differ
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}
