//! The public list of platforms a study export may name (`data/platforms.json`): a listed site with
//! `named: true` appears as itself, one with `named: false` only as its category, any other site as "other".

use crate::data::{self, DataFile};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The platform column's value for every site that is not named.
pub const OTHER: &str = "other";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platforms {
    #[serde(rename = "$schema")]
    _schema: Option<String>,
    #[allow(dead_code)]
    format: u32,
    pub version: u32,
    #[serde(default)]
    comment: Option<String>,
    /// Category id → description.
    pub categories: BTreeMap<String, String>,
    pub sites: Vec<Listed>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    pub site: String,
    #[serde(default)]
    pub name: Option<String>,
    pub category: String,
    pub named: bool,
    pub source: String,
}

impl DataFile for Platforms {
    const WHAT: &'static str = "platform list";
    const FORMAT: u32 = 1;

    fn check(&self) -> Result<()> {
        let _ = &self.comment;
        if !self.categories.contains_key(OTHER) {
            return Err(Error::BadRule("categories must include \"other\"".into()));
        }
        let mut seen = BTreeSet::new();
        for listed in &self.sites {
            if !seen.insert(listed.site.as_str()) {
                return Err(Error::BadRule(format!("{} is listed twice", listed.site)));
            }
            if !self.categories.contains_key(&listed.category) {
                return Err(Error::BadRule(format!("{}: unknown category {}", listed.site, listed.category)));
            }
            if listed.named && listed.name.is_none() {
                return Err(Error::BadRule(format!("{}: a named site needs a name", listed.site)));
            }
            if crate::site::site_of(&format!("https://{}/", listed.site)) != listed.site {
                return Err(Error::BadRule(format!("{} is not a registrable domain", listed.site)));
            }
        }
        Ok(())
    }
}

impl Platforms {
    pub fn parse(json: &str) -> Result<Platforms> {
        data::load::<Platforms>("data/platforms.json", json)
    }

    /// The list compiled into this build.
    pub fn bundled() -> &'static Platforms {
        static BUNDLED: OnceLock<Platforms> = OnceLock::new();
        BUNDLED.get_or_init(|| Platforms::parse(include_str!("../../data/platforms.json")).expect("data/platforms.json is checked by tests/data.rs"))
    }

    /// `(platform, category)` for a registrable domain: `(site, its category)` if named, else
    /// `("other", its category)` if listed, else `("other", "other")`.
    pub fn classify(&self, site: &str) -> (String, String) {
        match self.sites.iter().find(|l| l.site == site) {
            Some(l) if l.named => (l.site.clone(), l.category.clone()),
            Some(l) => (OTHER.to_string(), l.category.clone()),
            None => (OTHER.to_string(), OTHER.to_string()),
        }
    }

    /// Every value the platform column may hold.
    pub fn platform_values(&self) -> Vec<String> {
        let mut values: Vec<String> = self.sites.iter().filter(|l| l.named).map(|l| l.site.clone()).collect();
        values.push(OTHER.to_string());
        values
    }

    pub fn category_values(&self) -> Vec<String> {
        self.categories.keys().cloned().collect()
    }
}
