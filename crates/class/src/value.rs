//! What the class's labour is worth, by the core's valuation engine (`digitus::valuation`), so the
//! board shows the same three valuations and the founding documents' contrasts, with the same
//! parameters and sources, as the lab's meter and the extension's dashboard.
//!
//! ```text
//! class totals (kinds, seconds) ──▶ one rollup per kind, on the class's day, site "digitus-lab"
//!        ──▶ Valuation::value (default settings: France, euros, the minimum wage) ──▶ ValueAnswer JSON
//! ```
//! The class's seconds are the lab's (measured where the page allows, else the core's estimate); the
//! server cannot tell them apart, so they all count as modelled, which gives the wider range. The lab
//! is no platform, so the revenue-share method finds no platform days and answers zero.

use crate::classes::Totals;
use digitus::api::Settings;
use digitus::model::{day_of, Kind};
use digitus::store::{Bucket, Rollup, Totals as RollupTotals};
use digitus::valuation::{query, Period, Valuation};

/// The site the class's labour is recorded under for valuation.
pub const LAB_SITE: &str = "digitus-lab";

/// The valuations of a class's totals (the core's `value` answer), or `null` if it cannot be made.
pub fn of(totals: &Totals) -> serde_json::Value {
    let day = day_of(totals.started, 0);
    let rollups: Vec<Rollup> = Kind::ALL
        .iter()
        .enumerate()
        .map(|(i, kind)| Rollup {
            bucket: Bucket { day: day.clone(), site: LAB_SITE.to_string(), kind: *kind },
            totals: RollupTotals {
                count: totals.kinds.get(kind.as_str()).copied().unwrap_or(0),
                // The time is the class's, not per kind: carried once.
                ms: if i == 0 { (totals.seconds * 1000.0).round() as i64 } else { 0 },
                labels: if *kind == Kind::Captcha { totals.captcha_labels.values().sum() } else { 0 },
                objects: if *kind == Kind::Captcha { totals.captcha_labels.clone() } else { Default::default() },
                ..RollupTotals::default()
            },
        })
        .collect();
    let answer = query(&Settings::default(), Period::default(), None, None, None)
        .and_then(|q| Valuation::bundled().value(&rollups, &q));
    match answer.and_then(|a| serde_json::to_value(a).map_err(digitus::Error::from)) {
        Ok(v) => v,
        Err(_) => serde_json::Value::Null,
    }
}

/// The valuations as `(measure, value)` rows for the CSV export.
pub fn csv_rows(valuations: &serde_json::Value) -> Vec<(String, String)> {
    let currency = valuations["currency"].as_str().unwrap_or("");
    let mut rows = Vec::new();
    for m in valuations["methods"].as_array().into_iter().flatten() {
        let id = m["id"].as_str().unwrap_or("?");
        for end in ["low", "high"] {
            rows.push((format!("value {id} {end} ({currency})"), format!("{:.4}", m[end].as_f64().unwrap_or(0.0))));
        }
    }
    for c in valuations["contrasts"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().unwrap_or("?");
        rows.push((format!("at {id} ({currency})"), format!("{:.4}", c["value"].as_f64().unwrap_or(0.0))));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_class_is_valued_by_the_core_engine() {
        let mut kinds: BTreeMap<&'static str, i64> = Kind::ALL.iter().map(|k| (k.as_str(), 0)).collect();
        kinds.insert("like", 10);
        kinds.insert("captcha", 2);
        let totals = Totals {
            code: "ABCDEF".into(),
            students: 2,
            kinds,
            events: 12,
            seconds: 60.0,
            captcha_labels: BTreeMap::from([("bicycles".to_string(), 7)]),
            started: 1_795_956_676_892.0,
            expires: 0.0,
            timeline: vec![],
            valuations: serde_json::Value::Null,
            closed: false,
        };
        let v = of(&totals);
        assert_eq!(v["events"], 12);
        assert_eq!(v["currency"], "EUR");
        let ids: Vec<&str> = v["methods"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["market", "wage", "revenue"]);
        let wage = &v["methods"][1];
        assert!(wage["low"].as_f64().unwrap() > 0.0 && wage["low"].as_f64() <= wage["high"].as_f64());
        // The founding contrasts: 12 acts at 0.20 € (France) and at 0 € (users).
        let contrast = |id: &str| v["contrasts"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["value"].as_f64().unwrap();
        assert!((contrast("contrast.france_microtask") - 12.0 * 0.2).abs() < 1e-9);
        assert_eq!(contrast("contrast.users_paid"), 0.0);
        let rows = csv_rows(&v);
        assert!(rows.iter().any(|(k, _)| k == "value wage low (EUR)"));
    }
}
