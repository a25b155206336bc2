//! One loader for every data file under `data/` (detection rules, CAPTCHA providers, valuation parameters,
//! the platform list): parse, check the file-format version, check what the shape alone cannot say. Each
//! file also has a JSON Schema beside it (named by its `$schema`), against which `tests/data.rs` validates
//! every bundled file, so the schema and the loader cannot drift apart.
//!
//! ```text
//! text ──serde_json──▶ Header {format} ── format == T::FORMAT? ──▶ T (serde, unknown fields refused)
//!                                                                   └─▶ T::check() ──▶ Ok(T)
//! ```
//! Every failure is `Error::BadRule` (code `bad_data`) naming the file and the problem.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A kind of versioned data file.
pub trait DataFile: DeserializeOwned {
    /// What the file is, for error sentences ("CAPTCHA providers").
    const WHAT: &'static str;
    /// The file-format version this build reads (the file's `format`); bumped on breaking changes.
    const FORMAT: u32;
    /// Checks that the shape alone cannot express (non-empty lists, cross-references, selectors).
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

#[derive(Deserialize)]
struct Header {
    format: Option<u32>,
}

/// Loads one data file of kind `T`; `name` (a path or "local rules") prefixes every error.
pub fn load<T: DataFile>(name: &str, json: &str) -> Result<T> {
    let bad = |why: String| Error::BadRule(format!("{name}: {why}"));
    // The format first: a newer file is refused as newer, not for the fields it added.
    let header: Header = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
    match header.format {
        Some(f) if f == T::FORMAT => {}
        Some(f) => return Err(bad(format!("format {f} is not {} ({} this version reads)", T::FORMAT, T::WHAT))),
        None => return Err(bad(format!("no `format` field (a {} file has one)", T::WHAT))),
    }
    let file: T = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
    file.check().map_err(|e| match e {
        Error::BadRule(why) => bad(why),
        other => other,
    })?;
    Ok(file)
}

/// Baked data: build.rs writes the bundled data files (site rules, the generic lexicon, CAPTCHA providers) as
/// static values of these mirror types (`&'static str` for `String`, slices for lists and maps), so the
/// shipped module holds them as plain data and makes the owned values with one small conversion per type
/// (in the module that owns the type), instead of carrying the JSON text and a `serde_json` parser
/// instantiation per data type. The JSON files stay the source of truth: `tests/data.rs` loads and checks
/// them, and `baked_values_are_the_json_values` below compares each converted value with its file.
pub(crate) mod baked {
    use crate::model::{Action, Kind};
    use crate::rules::{AmountSource, RuleEffect, ValueSource};
    use std::collections::BTreeMap;

    pub type Strs = &'static [&'static str];
    /// A JSON object of string lists (`{"en": ["like"], "fr": ["j'aime"]}`), in the file's order.
    pub type Lists = &'static [(&'static str, Strs)];

    pub struct RuleFile {
        pub format: u32,
        pub sites: Strs,
        pub rules: &'static [Rule],
    }

    pub struct Rule {
        pub id: &'static str,
        pub version: u32,
        pub kind: Kind,
        pub target: &'static str,
        pub effect: RuleEffect,
        pub on: Option<&'static str>,
        pub item: Option<&'static str>,
        pub item_id_attr: Option<&'static str>,
        pub words: Strs,
        pub value: Option<ValueSource>,
        pub amount: Option<AmountSource>,
        pub actions: &'static [Action],
        pub needs_text: bool,
    }

    pub struct Generic {
        pub format: u32,
        pub version: u32,
        pub controls: &'static str,
        pub never: &'static str,
        pub on_classes: Strs,
        pub counter_nouns: Lists,
        pub people_nouns: Lists,
        pub out_of: Lists,
        pub rating_groups: Lists,
        pub tag_pickers: Lists,
        pub exclude: Lists,
        pub kinds: &'static [GenericKind],
    }

    pub struct GenericKind {
        pub kind: Kind,
        pub effect: Option<&'static str>,
        pub phrases: Lists,
        pub needs_context: Strs,
        pub context_phrases: Strs,
    }

    pub struct Captcha {
        pub format: u32,
        pub version: u32,
        pub providers: &'static [Provider],
    }

    pub struct Provider {
        pub id: &'static str,
        pub frames: &'static [Frame],
        pub fields: Strs,
        pub any_click_interacts: bool,
        pub watch: Option<Watch>,
        pub tile_selected: Option<AttrTest>,
        pub tile_dynamic: Option<AttrTest>,
        pub checked: Option<AttrTest>,
        pub object_after: Strs,
    }

    pub struct Frame {
        pub hosts: Strs,
        pub paths: Strs,
    }

    pub struct Watch {
        pub checkbox: Option<&'static str>,
        pub challenge: Option<&'static str>,
        pub instructions: Option<&'static str>,
        pub object: Option<&'static str>,
        pub grid: Option<&'static str>,
        pub tile: Option<&'static str>,
        pub verify: Option<&'static str>,
        pub audio_button: Option<&'static str>,
        pub audio_challenge: Option<&'static str>,
        pub errors: &'static [(&'static str, &'static str)],
    }

    pub struct AttrTest {
        pub class: Option<&'static str>,
        pub attr: Option<&'static str>,
        pub value: Option<&'static str>,
    }

    pub fn opt(text: Option<&str>) -> Option<String> {
        text.map(str::to_string)
    }

    pub fn strings(texts: Strs) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    pub fn lists(entries: Lists) -> BTreeMap<String, Vec<String>> {
        entries.iter().map(|(key, texts)| (key.to_string(), strings(texts))).collect()
    }

    pub fn pairs(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries.iter().map(|(key, text)| (key.to_string(), text.to_string())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        format: u32,
        items: Vec<u32>,
    }

    impl DataFile for Sample {
        const WHAT: &'static str = "sample";
        const FORMAT: u32 = 2;
        fn check(&self) -> Result<()> {
            if self.items.is_empty() {
                return Err(Error::BadRule("items is empty".into()));
            }
            Ok(())
        }
    }

    #[test]
    fn loads_a_good_file_and_names_each_problem() {
        assert_eq!(load::<Sample>("s.json", r#"{"format": 2, "items": [1]}"#).unwrap().items, [1]);
        let why = |json: &str| load::<Sample>("s.json", json).unwrap_err().to_string();
        assert!(why(r#"{"format": 3, "items": [1], "new": true}"#).contains("s.json: format 3 is not 2"));
        assert!(why(r#"{"items": [1]}"#).contains("no `format`"));
        assert!(why(r#"{"format": 2, "items": [1], "extra": 1}"#).contains("unknown field"));
        assert!(why(r#"{"format": 2, "items": []}"#).contains("s.json: items is empty"));
        assert!(why("{").contains("s.json"));
        assert_eq!(load::<Sample>("s.json", "[]").unwrap_err().code(), "bad_data");
    }

    #[test]
    fn baked_values_are_the_json_values() {
        let baked = crate::rules::baked_files();
        let json = crate::rules::bundled_files();
        assert_eq!(baked.len(), json.len());
        assert!(baked.len() >= 17, "every site rule file is baked");
        for ((baked_name, baked_file), (name, text)) in baked.into_iter().zip(json) {
            assert_eq!(baked_name, *name);
            let mut loaded: crate::rules::RuleFile = load(name, text).unwrap();
            // Documentation fields stay in the files: the module does not carry them.
            loaded.schema = None;
            for rule in &mut loaded.rules {
                rule.fixture = None;
                rule.note = None;
            }
            assert_eq!(baked_file, loaded, "{name}");
        }
        let generic: crate::generic::GenericFile = load("generic.json", include_str!("../data/rules/generic.json")).unwrap();
        assert_eq!(crate::generic::Generic::baked_file(), generic.without_docs());
        let captcha: crate::captcha::RulesFile = load("captcha.json", crate::captcha::RULES_JSON).unwrap();
        assert_eq!(crate::captcha::Rules::baked_file(), captcha.without_docs());
    }
}
