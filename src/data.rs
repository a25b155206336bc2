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
}
