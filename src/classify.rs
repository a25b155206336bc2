//! Judgement: turns a sensor's `Observation` into `Labour`, or decides it was not labour.
//!
//! ```text
//!  observation ─▶ element (read once: words, role, state, value, item)
//!                   │
//!                   ├─▶ generic judgement (every site) ──────────────┐
//!                   └─▶ site rules of the site: the first whose      ├─▶ Judgement {labours, stage}
//!                       target (and words) match refines it:         │
//!                         claim  → the rule's kind and effect        │
//!                         veto   → nothing (with a reason)           │
//!                         toggle that did not change → the generic ─┘ judgement only if it saw a change
//! ```
//! A rule never hides the rest of its site: a control it does not know (another language, a new button
//! variant, likes on comments) gets the generic judgement. The stage (a choice, or the commitment of a
//! form or dialog) lets `flow` count an act that spans a menu, a dialog and a submit once.

use crate::element::{self, dialog_or_form_from, Role, Words};
use crate::fnv::Fnv1a;
use crate::generic::{Evidence, Generic};
use crate::model::{Action, Effect, Element, Kind, Labour, Observation};
use crate::rules::{bundled_rules, AmountSource, Rule, RuleEffect, ValueSource};
use crate::site::site_of;
use std::borrow::Cow;
use std::hash::Hasher;

/// How far above the clicked node a rule's target may be.
const TARGET_DEPTH: usize = 8;

pub struct Classifier {
    rules: Vec<Rule>,
    /// Each rule's label as events record it (`youtube.like@3`), made once rather than per click.
    labels: Vec<String>,
    /// Indices into `rules` by each site a rule names, so a click looks up its site (and the domains above
    /// it) instead of testing every rule (`Rule::applies_to` gives the same answer, rule by rule).
    by_site: SiteIndex,
    generic: Generic,
    /// `@version` of the generic judgement, the tail of its labels (`generic.like@3`).
    generic_at: String,
}

/// Each site a rule names with the rules that name it (in rule order), sorted by length, then text, for a
/// binary search whose steps mostly compare two lengths rather than two strings.
struct SiteIndex(Vec<(String, Vec<usize>)>);

fn by_length_then_text(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl SiteIndex {
    fn get(&self, site: &str) -> Option<&Vec<usize>> {
        self.0.binary_search_by(|(named, _)| by_length_then_text(named, site)).ok().map(|at| &self.0[at].1)
    }
}

fn index_by_site(rules: &[Rule]) -> SiteIndex {
    let mut pairs: Vec<(&str, usize)> = rules.iter().enumerate().flat_map(|(i, rule)| rule.sites.iter().map(move |site| (site.as_str(), i))).collect();
    pairs.sort_by(|a, b| by_length_then_text(a.0, b.0).then(a.1.cmp(&b.1))); // then rule order
    let mut index: Vec<(String, Vec<usize>)> = Vec::new();
    for (site, i) in pairs {
        match index.last_mut() {
            Some((named, rules)) if named == site => rules.push(i),
            _ => index.push((site.to_string(), vec![i])),
        }
    }
    SiteIndex(index)
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::new(bundled_rules())
    }
}

/// Where in a flow (menu → dialog → submit) an act stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A choice: a menu item, a star, a toggle. It counts unless its commitment follows.
    Choice,
    /// The commitment of a form or dialog (its submit): the end of the act.
    Commit,
}

/// The verdict on one observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub labours: Vec<Labour>,
    pub stage: Stage,
    /// The form or dialog the control sits in (a content-free key), to tie a commitment to its choice.
    pub scope: Option<String>,
    /// Why nothing was found (for the sensor's answer and for debugging rules).
    pub reason: &'static str,
}

impl Judgement {
    fn none(reason: &'static str) -> Judgement {
        Judgement { labours: Vec::new(), stage: Stage::Choice, scope: None, reason }
    }
}

/// What a matching site rule says about the generic judgement.
enum RuleVerdict {
    /// The rule's kind and effect.
    Claim(Vec<Labour>),
    /// Not labour here, for this reason.
    Veto(&'static str),
    /// A toggle the rule saw unchanged: labour only if the generic judgement saw a change.
    Unchanged,
}

impl Classifier {
    pub fn new(rules: Vec<Rule>) -> Classifier {
        let generic = Generic::bundled();
        let generic_at = format!("@{}", generic.version);
        Classifier { by_site: index_by_site(&rules), labels: rules.iter().map(Rule::label).collect(), rules, generic, generic_at }
    }

    /// Adds a user's local rules; they are tried before the bundled ones so a user can correct a rule.
    pub fn with_local_rules(mut self, local: Vec<Rule>) -> Classifier {
        let mut rules = local;
        rules.append(&mut self.rules);
        self.by_site = index_by_site(&rules);
        self.labels = rules.iter().map(Rule::label).collect();
        self.rules = rules;
        self
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules that apply to `site` (indices into `rules`), in order: those naming the site itself or a
    /// domain it is under (`youtube.com` for `m.youtube.com`), as `Rule::applies_to` decides.
    fn rules_for(&self, site: &str) -> Cow<'_, [usize]> {
        let tails = std::iter::once(site).chain(site.match_indices('.').map(|(at, _)| &site[at + 1..]));
        let mut lists = tails.filter_map(|tail| self.by_site.get(tail));
        let Some(first) = lists.next() else { return Cow::Borrowed(&[]) };
        let Some(second) = lists.next() else { return Cow::Borrowed(first) }; // the usual case: one list, in order
        let mut indices: Vec<usize> = first.iter().chain(second).chain(lists.flatten()).copied().collect();
        indices.sort_unstable();
        indices.dedup();
        Cow::Owned(indices)
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

    /// The labour found in an observation (see [`Classifier::judge`]).
    pub fn classify(&self, obs: &Observation) -> Vec<Labour> {
        self.judge(obs).labours
    }

    /// Judges an observation: the generic judgement, refined by the first matching rule of its site.
    pub fn judge(&self, obs: &Observation) -> Judgement {
        let site = Self::site(obs);
        for &at in self.rules_for(&site).iter() {
            let rule = &self.rules[at];
            if !rule.spec.actions.contains(&obs.action) {
                continue;
            }
            let Some(index) = (0..obs.path.len().min(TARGET_DEPTH)).find(|&i| {
                rule.target.matches(&obs.path[i..]) && (rule.words.is_empty() || Words::strong_of(&obs.path[..=i], true).says(&rule.words))
            }) else {
                continue;
            };
            return match self.rule_verdict(rule, &self.labels[at], index, obs, &site) {
                RuleVerdict::Claim(labours) => {
                    let (stage, scope) = stage_and_scope(obs, index);
                    Judgement { labours, stage, scope, reason: "" }
                }
                RuleVerdict::Veto(reason) => Judgement::none(reason),
                RuleVerdict::Unchanged => {
                    let generic = self.generic_judgement(obs, &site, true);
                    if generic.labours.is_empty() { Judgement::none("unchanged") } else { generic }
                }
            };
        }
        self.generic_judgement(obs, &site, false)
    }

    /// The labour a matching rule finds: none, one, or a post and the hashtags it carries.
    fn rule_verdict(&self, rule: &Rule, label: &str, index: usize, obs: &Observation, site: &str) -> RuleVerdict {
        let spec = &rule.spec;
        let effect = match spec.effect {
            RuleEffect::Ignore => return RuleVerdict::Veto("claimed by a site rule as not labour"),
            RuleEffect::Add => Effect::Add,
            RuleEffect::Undo => Effect::Undo,
            RuleEffect::Toggle => {
                let on = rule.on.as_ref().expect("unreachable: toggle rules are compiled with `on`");
                let before = on.matches(&obs.path[index..]);
                let after = obs.after.as_ref().and_then(|a| a.get(index..)).map(|a| on.matches(a));
                match toggle_effect(before, after) {
                    Some(effect) => effect,
                    None => return RuleVerdict::Unchanged,
                }
            }
        };
        let text = obs.text.unwrap_or_default();
        if spec.needs_text && text.words == 0 {
            return RuleVerdict::Veto("no text");
        }
        let amount = match spec.amount {
            Some(AmountSource::Hashtags) => text.hashtags,
            None => 1,
        };
        if amount == 0 {
            return RuleVerdict::Veto("no hashtag");
        }
        let item_index = rule
            .item
            .as_ref()
            .and_then(|sel| (index..obs.path.len()).find(|&j| sel.matches(&obs.path[j..])))
            .unwrap_or(index);
        let value = match spec.value {
            Some(ValueSource::Label) => element::value(&obs.path[index]),
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
        let is_review = obs.action == Action::Submit && spec.kind == Kind::Review;
        let labour = Labour {
            kind: spec.kind,
            effect,
            rule: label.to_string(),
            item,
            amount,
            value,
            words: is_review.then_some(text.words),
            chars: is_review.then_some(text.chars),
            replaceable: spec.kind == Kind::Rating,
        };
        let carries_hashtags = labour.kind == Kind::Review && spec.amount.is_none() && text.hashtags > 0;
        let tags = carries_hashtags.then(|| Labour {
            kind: Kind::Tag,
            effect: Effect::Add,
            rule: labour.rule.clone(),
            item: item_key(site, obs, index, Kind::Tag, true),
            amount: text.hashtags,
            value: None,
            words: None,
            chars: None,
            replaceable: false,
        });
        RuleVerdict::Claim(std::iter::once(labour).chain(tags).collect())
    }

    /// The generic judgement. With `changed_only`, only labour whose effect the page's change showed.
    fn generic_judgement(&self, obs: &Observation, site: &str, changed_only: bool) -> Judgement {
        let rule = |name: &str| ["generic.", name, &self.generic_at].concat();
        let one = |kind: Kind, name: &str, amount: u32| Labour {
            kind,
            effect: Effect::Add,
            rule: rule(name),
            item: item_key(site, obs, 0, kind, true),
            amount,
            value: None,
            words: None,
            chars: None,
            replaceable: false,
        };
        match obs.action {
            Action::Submit => {
                let text = obs.text.unwrap_or_default();
                let in_search = obs.path.iter().any(|e| e.attr("role") == Some("search"));
                if text.words == 0 || in_search || changed_only {
                    return Judgement::none("no text");
                }
                let mut labours = vec![Labour { words: Some(text.words), chars: Some(text.chars), ..one(Kind::Review, "review", 1) }];
                if text.hashtags > 0 {
                    labours.push(one(Kind::Tag, "hashtag", text.hashtags));
                }
                let (stage, scope) = stage_and_scope(obs, 0);
                Judgement { labours, stage, scope, reason: "" }
            }
            Action::TagKey => {
                let Some(field) = obs.path.first() else { return Judgement::none("no field") };
                let is_tag_field = ["id", "name", "aria-label", "placeholder", "class"].iter().any(|a| {
                    field.attr(a).is_some_and(|v| crate::text::tokens(v).iter().any(|t| TAG_WORDS.contains(&t.as_str())))
                });
                if !obs.has_value || !is_tag_field || field.attr("type") == Some("search") || changed_only {
                    return Judgement::none("not a tag field");
                }
                Judgement { labours: vec![one(Kind::Tag, "tag-editor", 1)], stage: Stage::Choice, scope: None, reason: "" }
            }
            Action::Click | Action::Key => {
                let Some(m) = self.generic.judge(&obs.path, obs.after.as_deref()) else {
                    return Judgement::none("not labour");
                };
                if changed_only && m.evidence != Evidence::Changed {
                    return Judgement::none("unchanged");
                }
                let control = &obs.path[m.control];
                let labour = Labour {
                    kind: m.kind,
                    effect: m.effect,
                    rule: rule(m.kind.as_str()),
                    item: item_key(site, obs, item_index_generic(&obs.path, m.control, m.kind), m.kind, false),
                    amount: 1,
                    value: if m.kind == Kind::Rating { element::value(control) } else { None },
                    words: None,
                    chars: None,
                    replaceable: m.kind == Kind::Rating,
                };
                let (stage, scope) = stage_and_scope(obs, m.control);
                Judgement { labours: vec![labour], stage, scope, reason: "" }
            }
        }
    }
}

/// The stage (a submit, or a button that closes a form or dialog, commits; anything else is a choice) and
/// the scope (the nearest form or dialog around the control), from one walk up the chain.
fn stage_and_scope(obs: &Observation, control: usize) -> (Stage, Option<String>) {
    let around = dialog_or_form_from(&obs.path, control);
    let stage = if obs.action == Action::Submit {
        Stage::Commit
    } else {
        match Role::of(&obs.path[control]) {
            Role::Submit => Stage::Commit,
            Role::Button if around.is_some() => Stage::Commit,
            _ => Stage::Choice,
        }
    };
    (stage, around.map(|index| scope_key(obs, index)))
}

/// The form or dialog at `index` in the chain, as a content-free key.
fn scope_key(obs: &Observation, index: usize) -> String {
    let mut h = Fnv1a::default();
    h.write_part(without_fragment(&obs.url));
    for el in &obs.path[index..] {
        h.write_part(el.tag.as_bytes());
        h.write_part(&el.nth.to_le_bytes());
    }
    hex16(h.finish())
}

/// Words that mark a text field as a tag editor, in the supported languages.
const TAG_WORDS: &[&str] = &["tag", "tags", "tagnames", "hashtag", "hashtags", "label", "labels", "étiquette", "étiquettes", "mot-clé", "etiqueta", "etiquetas", "schlagwort", "schlagwörter", "etichetta", "etichette", "marcador", "marcadores"];

/// For a generic rating, the item is the group the radio or button sits in, so choosing another star
/// replaces the first choice.
fn item_index_generic(path: &[Element], control: usize, kind: Kind) -> usize {
    if kind != Kind::Rating {
        return control;
    }
    element::group_of(path, control, 3).unwrap_or(control + 1).min(path.len() - 1)
}

/// off→on is labour, on→off undoes it, no change is nothing; an unknown "after" is judged on the state
/// before (the click flips it).
fn toggle_effect(before: bool, after: Option<bool>) -> Option<Effect> {
    match (before, after) {
        (false, Some(true)) | (false, None) => Some(Effect::Add),
        (true, Some(false)) | (true, None) => Some(Effect::Undo),
        (_, Some(_)) => None,
    }
}

/// The first run of digits in a value (`up_41234567` → `41234567`), kept whole: ids outgrow floats.
fn first_digits(value: &str) -> Option<&str> {
    let start = value.find(|c: char| c.is_ascii_digit())?;
    let rest = &value[start..];
    Some(&rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len())])
}

/// Key of an item the page names by number (a post id): the same wherever on the page the control sits.
fn named_item_key(site: &str, kind: Kind, number: &str) -> String {
    let mut h = Fnv1a::default();
    h.write_part(site.as_bytes());
    h.write_part(kind.as_str().as_bytes());
    h.write_part(number.as_bytes());
    hex16(h.finish())
}

/// A content-free key for the thing acted on: a hash of the site, the page address without fragment,
/// the item element's position in the document and the kind. One-shot actions (a submitted post, a tag
/// typed) are their own items.
pub fn item_key(site: &str, obs: &Observation, index: usize, kind: Kind, one_shot: bool) -> String {
    let mut h = Fnv1a::default();
    h.write_part(site.as_bytes());
    h.write_part(without_fragment(&obs.url));
    h.write_part(kind.as_str().as_bytes());
    if one_shot {
        h.write_part(obs.id.as_bytes());
    }
    for el in obs.path.iter().skip(index) {
        h.write_part(el.tag.as_bytes());
        h.write_part(&el.nth.to_le_bytes());
    }
    hex16(h.finish())
}

/// The address up to its fragment, as bytes: the same bytes as `split('#').next()`, found by a byte search.
fn without_fragment(url: &str) -> &[u8] {
    let bytes = url.as_bytes();
    &bytes[..bytes.iter().position(|&b| b == b'#').unwrap_or(bytes.len())]
}

/// `format!("{:016x}", hash)` without the formatting machinery (a key is made on every click).
fn hex16(hash: u64) -> String {
    let mut key = [0u8; 16];
    for (at, digit) in key.iter_mut().enumerate() {
        *digit = b"0123456789abcdef"[(hash >> ((15 - at) * 4)) as usize & 0xf];
    }
    String::from_utf8_lossy(&key).into_owned()
}

#[cfg(test)]
mod site_index_tests {
    use super::*;

    #[test]
    fn the_site_index_finds_exactly_the_rules_that_apply_in_their_order() {
        let classifier = Classifier::default();
        let mut sites: Vec<String> = classifier.rules.iter().flat_map(|r| r.sites.clone()).collect();
        for named in sites.clone() {
            sites.extend([format!("m.{named}"), format!("a.b.{named}"), format!("not{named}"), format!("{named}.evil.example")]);
        }
        sites.extend(["example.org", "com", "", ".", "co.uk.", "localhost"].map(String::from));
        for site in &sites {
            let scanned: Vec<*const Rule> = classifier.rules.iter().filter(|r| r.applies_to(site)).map(|r| r as *const Rule).collect();
            let indexed: Vec<*const Rule> = classifier.rules_for(site).iter().map(|&i| &classifier.rules[i] as *const Rule).collect();
            assert_eq!(indexed, scanned, "rules for {site:?}");
        }
        assert!(!classifier.rules_for("m.youtube.com").is_empty(), "the index is not empty");
    }

    #[test]
    fn keys_are_sixteen_lower_case_hex_digits_as_formatted() {
        for hash in [0, 1, 0xf, 0xabc, 0x0123_4567_89ab_cdef, u64::MAX, 0xcbf2_9ce4_8422_2325] {
            assert_eq!(hex16(hash), format!("{hash:016x}"));
        }
    }
}
