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
