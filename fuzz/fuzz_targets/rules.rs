//! cargo-fuzz target (nightly: `cargo +nightly fuzz run rules`); the property lives in `digitus::fuzz::rule_file`,
//! which tests/fuzz.rs also runs, bounded and deterministic, on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| digitus::fuzz::rule_file(data));
