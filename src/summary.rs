//! The summary every page and the query API show, computed from the totals by site × kind (a few hundred
//! rows whatever the history's length), or from the rollups (the same numbers; tests compare both).

use crate::model::Kind;
use crate::store::{Rollup, SiteTotals, Totals};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// CAPTCHA totals.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CaptchaSummary {
    pub solves: i64,
    pub labels: i64,
    pub seconds: f64,
    pub by_object: BTreeMap<String, i64>,
    /// `by_object` ranked, most labelled first.
    pub top_objects: Vec<Ranked>,
}

/// Answer to `{type: "summary"}`. Fields are only ever added, never changed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Net count per kind; every kind is present, zero included.
    pub kinds: BTreeMap<String, i64>,
    /// Net count per site and kind (kinds with zero left out).
    pub sites: BTreeMap<String, BTreeMap<String, i64>>,
    /// Sum of all kinds.
    pub events: i64,
    /// Time spent on counted labour, seconds.
    pub seconds: f64,
    /// Words written in reviews and comments.
    pub words: i64,
    pub captcha: CaptchaSummary,
    /// Sites ranked by net count, most first (ties by name): what pages list, in the order to show.
    pub top_sites: Vec<Ranked>,
}

/// One entry of a ranking: a name (a site, a CAPTCHA object) and its net count.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Ranked {
    pub name: String,
    pub count: i64,
}

/// Most first, ties by name, so every page shows the same order.
pub fn ranked<'a>(counts: impl IntoIterator<Item = (&'a String, i64)>) -> Vec<Ranked> {
    let mut out: Vec<Ranked> = counts.into_iter().map(|(name, count)| Ranked { name: name.clone(), count }).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

impl Summary {
    /// From the totals rows (what the API answers with).
    pub fn from_site_totals<'a>(rows: impl IntoIterator<Item = &'a SiteTotals>) -> Summary {
        Summary::from_rows(rows.into_iter().map(|r| (r.site_kind.site.as_str(), r.site_kind.kind, &r.totals)))
    }

    /// From the rollup rows (by day).
    pub fn from_rollups<'a>(rollups: impl IntoIterator<Item = &'a Rollup>) -> Summary {
        Summary::from_rows(rollups.into_iter().map(|r| (r.bucket.site.as_str(), r.bucket.kind, &r.totals)))
    }

    fn from_rows<'a>(rows: impl Iterator<Item = (&'a str, Kind, &'a Totals)>) -> Summary {
        let mut s = Summary::default();
        for kind in Kind::ALL {
            s.kinds.insert(kind.as_str().to_string(), 0);
        }
        let mut ms = 0i64;
        let mut captcha_ms = 0i64;
        for (site, kind, t) in rows {
            let name = kind.as_str();
            *s.kinds.entry(name.to_string()).or_default() += t.count;
            *s.sites.entry(site.to_string()).or_default().entry(name.to_string()).or_default() += t.count;
            s.events += t.count;
            ms += t.ms;
            s.words += t.words;
            if kind == Kind::Captcha {
                s.captcha.solves += t.count;
                s.captcha.labels += t.labels;
                captcha_ms += t.ms;
                for (object, n) in &t.objects {
                    *s.captcha.by_object.entry(object.clone()).or_default() += n;
                }
            }
        }
        for kinds in s.sites.values_mut() {
            kinds.retain(|_, n| *n != 0);
        }
        s.sites.retain(|_, kinds| !kinds.is_empty());
        s.captcha.by_object.retain(|_, n| *n != 0);
        s.top_sites = ranked(s.sites.iter().map(|(site, kinds)| (site, kinds.values().sum())));
        s.captcha.top_objects = ranked(s.captcha.by_object.iter().map(|(o, n)| (o, *n)));
        s.seconds = ms as f64 / 1000.0;
        s.captcha.seconds = captcha_ms as f64 / 1000.0;
        s
    }
}
