//! What the class's labour is worth, by the core's valuation engine (`digitus::valuation`), so the
//! board shows the same three valuations, with the same parameters and sources, as the lab's meter
//! and the extension's dashboard.

use crate::classes::Totals;

/// The valuations of a class's totals, as the board shows them; `null` until the core can value labour.
pub fn of(_totals: &Totals) -> serde_json::Value {
    serde_json::Value::Null
}

/// The valuations as `(measure, value)` rows for the CSV export.
pub fn csv_rows(_valuations: &serde_json::Value) -> Vec<(String, String)> {
    Vec::new()
}
