//! The IndexedDB schema, version by version, kept here (pure data) so that a native test can prove no
//! release drops a store or an index: rexie deletes every store and index a new schema leaves out.

/// One object store: name, key path (`None`: out-of-line keys) and indexes (name, key path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreDef {
    pub name: &'static str,
    pub key_path: Option<&'static str>,
    pub indexes: &'static [(&'static str, &'static str)],
}

/// Every schema ever released, oldest first. Append a version; never edit or remove one.
pub const HISTORY: &[(u32, &[StoreDef])] = &[
    (
        1,
        &[
            StoreDef { name: "events", key_path: Some("id"), indexes: &[("time", "time")] },
            StoreDef { name: "rollups", key_path: Some("key"), indexes: &[] },
            StoreDef { name: "items", key_path: None, indexes: &[] },
            StoreDef { name: "settings", key_path: None, indexes: &[] },
        ],
    ),
    (
        2,
        &[
            // `site`: forget one site without scanning; `cancels`: is an event cancelled, and `item`:
            // which event stands on an item (both for merges).
            StoreDef {
                name: "events",
                key_path: Some("id"),
                indexes: &[("time", "time"), ("site", "site"), ("cancels", "cancels"), ("item", "item")],
            },
            StoreDef { name: "rollups", key_path: Some("key"), indexes: &[] },
            StoreDef { name: "items", key_path: None, indexes: &[] },
            StoreDef { name: "settings", key_path: None, indexes: &[] },
            // install id, schema history, retention bookkeeping.
            StoreDef { name: "meta", key_path: None, indexes: &[] },
        ],
    ),
    (
        3,
        &[
            StoreDef {
                name: "events",
                key_path: Some("id"),
                indexes: &[("time", "time"), ("site", "site"), ("cancels", "cancels"), ("item", "item")],
            },
            StoreDef { name: "rollups", key_path: Some("key"), indexes: &[] },
            StoreDef { name: "items", key_path: None, indexes: &[] },
            StoreDef { name: "settings", key_path: None, indexes: &[] },
            StoreDef { name: "meta", key_path: None, indexes: &[] },
            // Totals by site × kind (the rollups summed over days): what summaries read. Built from the
            // rollups once, when a database of an earlier version first opens (marked by TOTALS_BUILT).
            StoreDef { name: "totals", key_path: Some("key"), indexes: &[] },
        ],
    ),
];

/// The meta key that says the `totals` store holds the rollups' sums (written by the store that built them
/// from the rollups of an earlier version, or of an empty database).
pub const TOTALS_BUILT: &str = "totals_built";

/// The schema this build opens.
pub fn current() -> (u32, &'static [StoreDef]) {
    *HISTORY.last().expect("at least one schema")
}

/// Stores or indexes of earlier versions missing from the current schema, as `store` or `store.index`;
/// empty when the current schema keeps everything (a test asserts it).
pub fn dropped() -> Vec<String> {
    let (_, now) = current();
    let mut missing = Vec::new();
    for (_, stores) in HISTORY {
        for old in stores.iter() {
            match now.iter().find(|s| s.name == old.name) {
                None => missing.push(old.name.to_string()),
                Some(new) => {
                    if new.key_path != old.key_path {
                        missing.push(format!("{} (key path changed)", old.name));
                    }
                    for (index, path) in old.indexes {
                        if !new.indexes.contains(&(index, path)) {
                            missing.push(format!("{}.{index}", old.name));
                        }
                    }
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    missing
}