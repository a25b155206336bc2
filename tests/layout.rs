//! The workspace's shape, checked: the pure core stays pure.

use std::process::Command;

/// `cargo tree -p digitus --target wasm32-unknown-unknown` lists no browser crate: the core builds and is
/// tested natively, and every browser dependency lives in crates/web.
#[test]
fn the_core_depends_on_no_browser_crate_on_any_target() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for target in ["wasm32-unknown-unknown", "all"] {
        let out = Command::new(&cargo)
            .args(["tree", "-p", "digitus", "--edges", "normal,build", "--prefix", "none", "--offline", "--target", target])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo tree runs");
        assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
        let tree = String::from_utf8_lossy(&out.stdout);
        assert!(tree.contains("serde_json"), "cargo tree printed the core's dependencies:\n{tree}");
        for browser in ["wasm-bindgen", "web-sys", "js-sys", "rexie", "gloo", "serde-wasm-bindgen"] {
            assert!(
                !tree.lines().any(|l| l.split_whitespace().next() == Some(browser)),
                "the core depends on {browser} for target {target}:\n{tree}"
            );
        }
    }
}

/// Every message of the extension's locales is `{message: string, …}` (a browser refuses to load an
/// extension whose messages file is not), and English and French name the same messages.
#[test]
fn the_locales_are_well_formed_and_complete() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extension/_locales");
    let load = |lang: &str| -> serde_json::Map<String, serde_json::Value> {
        let text = std::fs::read_to_string(root.join(lang).join("messages.json")).unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{lang}: {e}"))
    };
    let (en, fr) = (load("en"), load("fr"));
    for (lang, messages) in [("en", &en), ("fr", &fr)] {
        for (key, value) in messages.iter() {
            assert!(value.get("message").is_some_and(serde_json::Value::is_string), "{lang}: {key} has no message string: {value}");
        }
    }
    let missing: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).chain(fr.keys().filter(|k| !en.contains_key(*k))).collect();
    assert!(missing.is_empty(), "messages in one language only: {missing:?}");
}
