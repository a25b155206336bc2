//! Detection rules are data: JSON files under `data/rules/sites/`, compiled into the core by `build.rs` and
//! validated when loaded (and by a test, so a bad file never ships). Users add their own rules for a site
//! from the options page, in the same format.
//!
//! A rule says: on these sites, a trusted action on an element matching `target` is labour of `kind`.
//! `effect` says how: `add` (every action counts), `undo` (it takes earlier labour back), or `toggle` (the
//! `on` selector tells the state before and after the action: off→on is labour, on→off undoes it).

use crate::error::{Error, Result};
use crate::model::{Action, Kind};
use crate::selector::Selector;
use crate::text::Phrase;
use serde::{Deserialize, Serialize};

/// Current version of the rule file format.
pub const RULE_FORMAT: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RuleEffect {
    #[default]
    Add,
    Undo,
    Toggle,
    /// Claims a control that is not labour on this site (a "Rate" button that only confirms stars already
    /// counted), so the generic heuristic does not count it a second time.
    Ignore,
}

/// Where a rating's value is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// The first number in the target's `aria-label`, `title`, `value` or text ("Rate 4", "4 étoiles").
    Label,
}

/// How much labour one action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountSource {
    /// The number of `#hashtags` in the submitted text.
    Hashtags,
}

/// A rule as written in a rule file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique id, `site.what` (`youtube.like`).
    pub id: String,
    /// Bumped whenever the rule's meaning changes; events record `id@version`.
    pub version: u32,
    pub kind: Kind,
    /// Selector for the control acted on (or any element inside it).
    pub target: String,
    #[serde(default)]
    pub effect: RuleEffect,
    /// For `toggle`: selector that matches the control when it is "on" (liked, pressed, starred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// Selector for the nearest ancestor that stands for the item (a post, a review); without it the
    /// control's own position on the page is the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Attribute whose first number names the item (`id` of Hacker News' `up_123`/`un_123` links), read on
    /// the target or its nearest ancestor carrying it: for controls that undo from another place in the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id_attr: Option<String>,
    /// Phrases one of which must be among the words people read on the control (label, title, visible
    /// text, from the clicked node up to the target): for menus whose items differ only by their text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ValueSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<AmountSource>,
    /// Which actions the rule listens to; default click and key.
    #[serde(default = "default_actions")]
    pub actions: Vec<Action>,
    /// For `submit` rules: only count when the submitted text has at least one word.
    #[serde(default)]
    pub needs_text: bool,
    /// The fixture page that proves the rule (a path under `tests/fixtures/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixture: Option<String>,
    /// Why the rule looks the way it does (markup source, language caveats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn default_actions() -> Vec<Action> {
    vec![Action::Click, Action::Key]
}

/// A rule file: the rules for one site or family of sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub format: u32,
    /// Registrable domains these rules apply to (`youtube.com`).
    pub sites: Vec<String>,
    pub rules: Vec<RuleSpec>,
}

/// A rule ready to match: selectors parsed.
#[derive(Debug, Clone)]
pub struct Rule {
    pub spec: RuleSpec,
    pub sites: Vec<String>,
    pub target: Selector,
    pub on: Option<Selector>,
    pub item: Option<Selector>,
    pub words: Vec<Phrase>,
    /// `false` for a user's local rule.
    pub bundled: bool,
}

impl Rule {
    pub fn label(&self) -> String {
        format!("{}@{}", self.spec.id, self.spec.version)
    }

    pub fn compile(spec: RuleSpec, sites: Vec<String>, bundled: bool) -> Result<Rule> {
        let bad = |why: String| Error::BadRule(format!("rule {:?}: {why}", spec.id));
        if spec.id.trim().is_empty() {
            return Err(Error::BadRule("a rule has an empty id".into()));
        }
        if spec.version == 0 {
            return Err(bad("version must be 1 or more".into()));
        }
        if sites.is_empty() {
            return Err(bad("names no site".into()));
        }
        let target = Selector::parse(&spec.target)?;
        let on = spec.on.as_deref().map(Selector::parse).transpose()?;
        let item = spec.item.as_deref().map(Selector::parse).transpose()?;
        if spec.effect == RuleEffect::Toggle && on.is_none() {
            return Err(bad("a toggle rule needs an `on` selector".into()));
        }
        if spec.actions.is_empty() {
            return Err(bad("listens to no action".into()));
        }
        let words: Vec<Phrase> = spec.words.iter().map(|w| Phrase::new(w)).collect();
        if words.iter().any(|w| w.0.is_empty()) {
            return Err(bad("a phrase in `words` has no word".into()));
        }
        Ok(Rule { spec, sites, target, on, item, words, bundled })
    }

    pub fn applies_to(&self, site: &str) -> bool {
        // Without allocating: this runs for every rule on every click.
        self.sites.iter().any(|s| {
            site == s || (site.len() > s.len() && site.ends_with(s.as_str()) && site.as_bytes()[site.len() - s.len() - 1] == b'.')
        })
    }
}

impl crate::data::DataFile for RuleFile {
    const WHAT: &'static str = "detection rule";
    const FORMAT: u32 = RULE_FORMAT;
}

/// Parses and compiles one rule file.
pub fn load_file(name: &str, json: &str, bundled: bool) -> Result<Vec<Rule>> {
    compile_file(name, crate::data::load(name, json)?, bundled)
}

/// Compiles one rule file's rules (selectors parsed, sites lower-cased).
fn compile_file(name: &str, file: RuleFile, bundled: bool) -> Result<Vec<Rule>> {
    let sites: Vec<String> = file.sites.iter().map(|s| s.trim().to_ascii_lowercase()).collect();
    file.rules
        .into_iter()
        .map(|spec| Rule::compile(spec, sites.clone(), bundled))
        .collect::<Result<Vec<_>>>()
        .map_err(|e| match e {
            Error::BadRule(why) => Error::BadRule(format!("{name}: {why}")),
            other => other,
        })
}

/// The bundled rule files, as (file name, JSON) pairs, generated by build.rs from `data/rules/sites/*.json`.
pub fn bundled_files() -> &'static [(&'static str, &'static str)] {
    include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"))
}

/// The bundled rule files as build.rs baked them into static data (`data::baked`), converted: the values
/// `load_file` parses from the same JSON (a test in `src/data.rs` compares them), without a JSON text and
/// parser for bundled rule files in the module.
pub(crate) fn baked_files() -> Vec<(&'static str, RuleFile)> {
    use crate::data::baked::{self, opt, strings};
    static FILES: &[(&str, baked::RuleFile)] = include!(concat!(env!("OUT_DIR"), "/bundled_rules_baked.rs"));
    let rule = |r: &baked::Rule| RuleSpec {
        id: r.id.to_string(),
        version: r.version,
        kind: r.kind,
        target: r.target.to_string(),
        effect: r.effect,
        on: opt(r.on),
        item: opt(r.item),
        item_id_attr: opt(r.item_id_attr),
        words: strings(r.words),
        value: r.value,
        amount: r.amount,
        actions: r.actions.to_vec(),
        needs_text: r.needs_text,
        // Documentation (which fixture proves the rule, why it is so) stays in the JSON files.
        fixture: None,
        note: None,
    };
    FILES
        .iter()
        .map(|(name, f)| {
            let file = RuleFile { schema: None, format: f.format, sites: strings(f.sites), rules: f.rules.iter().map(rule).collect() };
            (*name, file)
        })
        .collect()
}

/// All bundled rules, compiled. Panics only if a bundled file is invalid, which the test suite rules out.
pub fn bundled_rules() -> Vec<Rule> {
    let mut rules = Vec::new();
    for (name, file) in baked_files() {
        rules.extend(compile_file(name, file, true).unwrap_or_else(|e| panic!("bundled rules are checked by tests: {e}")));
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_bundled_rule_compiles_has_a_unique_id_and_an_existing_fixture() {
        let mut ids = HashSet::new();
        for (name, json) in bundled_files() {
            let rules = load_file(name, json, true).unwrap_or_else(|e| panic!("{e}"));
            assert!(!rules.is_empty(), "{name} has no rule");
            for rule in rules {
                assert!(ids.insert(rule.spec.id.clone()), "duplicate rule id {}", rule.spec.id);
                let fixture = rule.spec.fixture.as_deref().unwrap_or_else(|| panic!("{} names no fixture", rule.spec.id));
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture);
                assert!(path.is_file(), "{}: fixture {} is missing", rule.spec.id, path.display());
            }
        }
        assert!(!ids.is_empty());
    }

    #[test]
    fn rules_apply_to_their_sites_and_subdomains_only() {
        let rules = load_file("t.json", r#"{"format": 1, "sites": ["youtube.com", "x.com"], "rules": [{"id": "t.a", "version": 1, "kind": "like", "target": "b"}]}"#, true).unwrap();
        let rule = &rules[0];
        assert!(rule.applies_to("youtube.com") && rule.applies_to("music.youtube.com") && rule.applies_to("x.com"));
        assert!(!rule.applies_to("notyoutube.com") && !rule.applies_to("box.com") && !rule.applies_to("youtube.co"));
    }

    #[test]
    fn bad_files_are_refused_with_their_name() {
        let cases = [
            ("{", "EOF"),
            (r#"{"format": 2, "sites": ["a.com"], "rules": []}"#, "format 2"),
            (r#"{"format": 1, "sites": ["a.com"], "rules": [{"id": "a", "version": 1, "kind": "like", "target": "button", "effect": "toggle"}]}"#, "needs an `on`"),
            (r#"{"format": 1, "sites": ["a.com"], "rules": [{"id": "a", "version": 1, "kind": "like", "target": "button["}]}"#, "selector"),
            (r#"{"format": 1, "sites": ["a.com"], "rules": [{"id": "a", "version": 1, "kind": "liking", "target": "b"}]}"#, "unknown variant"),
            (r#"{"format": 1, "sites": [], "rules": [{"id": "a", "version": 1, "kind": "like", "target": "b"}]}"#, "names no site"),
        ];
        for (json, expected) in cases {
            let err = load_file("local.json", json, false).unwrap_err().to_string();
            assert!(err.contains("local.json") && err.contains(expected), "{err}");
        }
    }
}
